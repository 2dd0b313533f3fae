#pragma once
// The run that `bench` times and `bench --profile` profiles, in one place.

#include <airbench/train.h>

#include <cstdint>

namespace airbench {

// The recipe and options under which airbench::train runs the first `steps` optimizer steps of
// `plan` (0, or at least the plan's total: the whole run), without per-epoch evaluation. The run
// is cut by its epoch count, so the schedule spans the shorter run; that does not change a
// step's cost.
struct RunOfSteps {
    Recipe recipe;
    TrainOptions options;
};
RunOfSteps runOfSteps(const RunPlan& plan, const Recipe& recipe, const RunMechanics& mechanics,
                      int64_t steps);

}  // namespace airbench
