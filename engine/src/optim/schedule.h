#pragma once
// Learning-rate multipliers f(s) for the step with 0-based index s of T (RECIPES.md §2.1), and
// lookahead's blending schedule (§2.2).

#include <airbench/recipe.h>

#include <cstdint>

namespace airbench {

double lrFactor(LrSchedule schedule, int64_t step, int64_t totalSteps, double warmupFraction,
                double floor);
inline double lrFactor(const Recipe& recipe, int64_t step, int64_t totalSteps) {
    return lrFactor(recipe.schedule, step, totalSteps, recipe.hyp.warmupFraction,
                    recipe.hyp.lrFloor);
}

// Lookahead's decay after `step` steps of T: 0.95^5 * (step / T)^3.
double lookaheadDecay(int64_t step, int64_t totalSteps);
constexpr int kLookaheadEvery = 5;

}  // namespace airbench
