#pragma once
// An experiment: many trainings of one recipe on one dataset, written as a TOML file that people
// read, diff and commit. Fixed knob values, swept ones (every combination of the [sweep] lists,
// [zip] lists advancing together), masks and seeds expand into trials (trials.h); each trial is
// one seeded run of a run configuration (run_config.h). `airbench experiment new` writes a
// commented example of the format; experimentToToml writes any Experiment back as a file (the
// GUI's Experiments tab makes its experiments that way).

#include <airbench/dataset.h>
#include <airbench/error.h>
#include <airbench/knobs.h>
#include <airbench/run_config.h>
#include <airbench/run_options.h>

#include <cstdint>
#include <string>
#include <vector>

namespace airbench {

// Anything wrong with an experiment file; the message names the file, the line and the key.
class ExperimentError : public Error {
public:
    using Error::Error;
};

// One swept knob and the values it takes.
struct SweptKnob {
    std::string key;
    std::vector<double> values;
};

struct Experiment {
    std::string name;        // default: the file's name without its extension
    std::string sourcePath;  // the file it was read from
    std::string directory;   // where trial results go (absolute)
    std::string recipe = "airbench94";
    DataSelection data;
    std::vector<std::string> masks;      // absolute paths; each one more swept value (empty: none)
    std::vector<std::string> maskWhere;  // "FILE:LINE:COLUMN" of each, for errors
    KnobValues fixed;                    // hyperparameters for every trial
    std::vector<SweptKnob> grid;         // every combination, in file order (the first outermost)
    std::vector<SweptKnob> zipped;       // equal lengths; advance together as one dimension
    std::vector<uint64_t> seeds;
    RunOptions run;   // device, threads, compiled, ... (its seed and runs are the trials')
    int retries = 2;  // a failed trial is tried again this many times before it counts as failed

    // Points of the sweep (grid x zip x masks), before seeds.
    int64_t pointCount() const;
    int64_t trialCount() const { return pointCount() * static_cast<int64_t>(seeds.size()); }
};

// Reads and checks an experiment file: unknown keys, wrong types, out-of-range values, knobs the
// recipe does not have, zipped lists of unequal lengths and a knob given twice are refused with
// "FILE:LINE:COLUMN: key 'K': problem". Masks are checked against the data when the trials are
// expanded (trials.h), where the data is loaded.
Experiment readExperimentFile(const std::string& path);
Experiment parseExperiment(const std::string& text, const std::string& path);

// A commented example for `airbench experiment new`: the format, every section, the recipe's
// own values as the starting point.
std::string experimentTemplate(const std::string& name, const std::string& recipe);

// `experiment` as an experiment file that readExperimentFile reads back equal (but for its
// sourcePath and maskWhere, which say where it was read from): every field written out, paths
// absolute, run settings only where they differ from the defaults, seeds as count and first
// when they are consecutive. Throws ExperimentError for an experiment without seeds.
std::string experimentToToml(const Experiment& experiment);
// Writes experimentToToml(experiment) to `path` whole (a temporary file, then a rename).
// Throws airbench::Error naming the path when it cannot.
void writeExperimentFile(const Experiment& experiment, const std::string& path);

}  // namespace airbench
