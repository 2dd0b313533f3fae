#pragma once
// A resolved recipe as JSON text: every effective setting of a run, for run records and
// `--json` outputs. Plain strings so that Qt code can embed it without this engine's JSON library.

#include <airbench/recipe.h>

#include <string>

namespace airbench {

std::string recipeConfigJson(const Recipe& recipe);
std::string scheduleName(LrSchedule schedule);
std::string blockName(BlockKind block);

}  // namespace airbench
