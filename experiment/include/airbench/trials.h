#pragma once
// An experiment's trials: one seeded run of a run configuration each, in a stable order, with a
// stable id. The id is a hash of what the trial computes (its resolved configuration, the hash of
// the examples it trains on, its mask's hash and its seed), so that running an experiment again
// finds the trials it already finished, and extending a sweep adds only the new points.

#include <airbench/experiment.h>
#include <airbench/mask.h>
#include <airbench/run_config.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace airbench {

struct Trial {
    std::string id;     // 16 hex digits
    int64_t index = 0;  // in expansion order: points, then seeds
    int64_t point = 0;  // which point of the sweep (trials of one point differ by seed only)
    KnobValues swept;   // the point's swept values
    std::string maskPath, maskName;  // the point's mask ("" without)
    uint64_t seed = 0;
    RunConfig config;  // runs = 1, this seed, the mask's path
};

// Expands `experiment` over the data whose hash is `datasetHash` (the examples a trial selects:
// its subsets applied) with `trainExamples` training examples. Masks are loaded and checked
// against that data; one made for other data is refused, naming the mask's file and where the
// experiment file names it.
std::vector<Trial> expandTrials(const Experiment& experiment, const std::string& datasetHash,
                                int64_t trainExamples);

// What a point of the sweep is, for people: "learning_rate=8, batch_size=512, mask hard".
std::string describePoint(const Trial& trial);

}  // namespace airbench
