#pragma once
// A resolved recipe as JSON text: every effective setting of a run, for run records and
// `--json` outputs. Plain strings so that Qt code can embed it without this engine's JSON library.

#include <airbench/recipe.h>

#include <cstdint>
#include <string>

namespace airbench {

std::string recipeConfigJson(const Recipe& recipe);

// What a run trained on and how it was launched, beside its recipe.
struct RunSetting {
    std::string datasetName, datasetPath, datasetHash;  // the hash of the examples in use
    int64_t trainExamples = 0, testExamples = 0;
    bool masked = false;
    std::string maskPath;  // empty: not written (a mask made in the GUI has no file)
    std::string maskName, maskHash;
    int64_t maskExamples = 0;
    std::string device;  // describeDevice()
    int runs = 1;
    bool compiled = false;
    bool fusedNormActivation = false;
    bool compactPooling = false;
    bool warmup = false;
};

// The configuration one run records ("config" in `airbench train --json`, the history's
// configJson): the recipe's JSON with "dataset", "mask", "device", "libtorch", "runs", "seed",
// "compiled", "warmup" and, when set, "fused_norm" and "compact_pool" added. The GUI and the CLI
// both build it here, so that their runs of one setting have one configuration (and one group in
// the history).
std::string runConfigJson(const Recipe& recipe, const RunSetting& setting, uint64_t seed);
std::string scheduleName(LrSchedule schedule);
std::string blockName(BlockKind block);

}  // namespace airbench
