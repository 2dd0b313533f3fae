#pragma once
// The registry's side of a recipe: besides its data (airbench/recipe.h), the two functions that
// train and plan it. Only the engine calls them, through train() and planRun(), which validate
// the recipe first. Adding a recipe = one new file here plus one line in registry.cpp.

#include <airbench/recipe.h>
#include <airbench/train.h>

namespace airbench {

struct RecipeMethods {
    TrainResult (*train)(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
                         const TrainOptions& options, TrainObserver* observer) = nullptr;
    // Steps, epochs and the analytic FLOP count of one run on `trainExamples` examples.
    RunPlan (*plan)(const Recipe& recipe, int64_t trainExamples, int64_t testExamples) = nullptr;
};

// The methods of the registered recipe named `recipe.name`; throws airbench::Error otherwise.
const RecipeMethods& methodsOf(const Recipe& recipe);

namespace builtin {

struct RegisteredRecipe {
    Recipe recipe;
    RecipeMethods methods;
};

RegisteredRecipe airbench94();
RegisteredRecipe airbench95();
RegisteredRecipe airbench96();
RegisteredRecipe airbench94Muon();
RegisteredRecipe airbench96Faster();

}  // namespace builtin
}  // namespace airbench
