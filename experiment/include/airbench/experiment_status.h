#pragma once
// Where an experiment stands, from its directory's files (and, for trials that Slurm runs, from
// squeue): how many trials are queued, running, done and failed.

#include <airbench/trial_store.h>

#include <string>
#include <vector>

namespace airbench {

struct ExperimentStatus {
    std::string name;
    int total = 0, queued = 0, running = 0, done = 0, failed = 0;
    // Per trial, in manifest order.
    std::vector<TrialState> states;
    bool finished() const { return queued == 0 && running == 0; }
};

ExperimentStatus statusOf(const TrialStore& store);
ExperimentStatus statusOf(const TrialStore& store, const Manifest& manifest);

}  // namespace airbench
