#pragma once
// A run configuration: everything that defines a set of seeded runs (the recipe and the overrides
// of its table, the run settings, the data and the mask) and its one JSON form. The CLI reads
// and writes it (`train --config`, `--json`), the GUI keeps it in its settings, every run records
// it in the history, and experiment trials carry it. Reading back a run's recorded configuration
// gives the configuration that reproduces the run.
//
// The JSON is one object: "recipe", every knob of the recipe's table and every run setting under
// its knob key (knobs.h), "dataset" and "mask". A recorded configuration adds what the run found
// (RunFacts): the dataset's name, hash and sizes, the mask's name, hash and size, the device, the
// LibTorch version and the recipe's structure. Those facts are not read back: a run re-creates
// them. `airbench config schema` prints the JSON Schema.

#include <airbench/dataset.h>
#include <airbench/knobs.h>
#include <airbench/recipe.h>
#include <airbench/run_options.h>

#include <cstdint>
#include <string>

namespace airbench {

// Which data a run trains and evaluates on ("dataset" in the JSON).
struct DataSelection {
    std::string path;  // empty: the default dataset (paths.h)
    DatasetFormat format = DatasetFormat::Auto;
    int64_t trainSubset = -1;  // the first N examples of the split; -1: all of them
    int64_t testSubset = -1;
};

struct RunConfig {
    std::string recipe = "airbench94";
    KnobValues overrides;  // hyperparameter knobs of the recipe's table that differ from it
    RunOptions run;
    DataSelection data;
    // A mask file (`airbench score --mask-out`, the Explorer's Save): train only on its examples.
    // Empty: the whole training set, or a mask the caller holds in memory.
    std::string maskPath;
};

// What a run found, recorded beside its configuration.
struct RunFacts {
    std::string datasetName, datasetHash;  // the hash of exactly the examples in use
    int64_t trainExamples = 0, testExamples = 0;
    std::string maskName, maskHash;  // empty maskHash: no mask
    int64_t maskExamples = 0;
    std::string device;  // describeDevice()
    bool warmedUp = false;
};

// The configuration's recipe with its overrides applied. Throws airbench::Error for an unknown
// recipe, a knob that is not part of its table, or a value out of range.
Recipe resolvedRecipe(const RunConfig& config);
// Everything a run would refuse before it starts: resolvedRecipe's errors and run settings out
// of range.
void validateRunConfig(const RunConfig& config);

// The JSON form. With `facts`, the recorded form. `indent` < 0: compact.
std::string runConfigToJson(const RunConfig& config, const RunFacts* facts = nullptr,
                            int indent = -1);
// Reads that form, or a hand-written subset of it (missing knobs keep the recipe's values,
// missing settings their defaults). Also reads the configurations that runs recorded before
// this form (they have no "config_version"). Throws airbench::Error naming `source` and the
// key for an unknown key, a wrong type, a value out of range or a knob the recipe does not
// have.
RunConfig runConfigFromJson(const std::string& text,
                            const std::string& source = "the run configuration");
// The JSON Schema (draft 2020-12) of the form, generated from the knob table.
std::string runConfigSchemaJson();

// One line for people from a recorded configuration, or a history group key (which lacks the
// seeds and paths): the knobs that differ from the recipe's table, by their labels
// ("Epochs 2 · Width multiplier 0.125"), then the data, the mask and the device. Never throws:
// text it cannot read comes back as it is.
std::string describeRecordedConfig(const std::string& json);

std::string scheduleName(LrSchedule schedule);  // "warmup-then-floor", ...
std::string blockName(BlockKind block);         // "2-conv", "3-conv-residual"
std::string optimizerName(OptimizerKind optimizer);

}  // namespace airbench
