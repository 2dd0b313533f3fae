// The one list of recipes. The GUI's picker and the CLI's `recipes` come from here.

#include <airbench/error.h>
#include <airbench/recipe.h>

#include "recipes/recipes.h"

namespace airbench {
namespace {

const std::vector<builtin::RegisteredRecipe>& registry() {
    static const std::vector<builtin::RegisteredRecipe> all = {
        builtin::airbench94(), builtin::airbench94Muon(),   builtin::airbench95(),
        builtin::airbench96(), builtin::airbench96Faster(),
    };
    return all;
}

}  // namespace

const std::vector<Recipe>& recipes() {
    static const std::vector<Recipe> all = [] {
        std::vector<Recipe> list;
        for (const auto& entry : registry()) {
            list.push_back(entry.recipe);
        }
        return list;
    }();
    return all;
}

std::vector<std::string> recipeNames() {
    std::vector<std::string> names;
    for (const Recipe& r : recipes()) {
        names.push_back(r.name);
    }
    return names;
}

const Recipe& findRecipe(std::string_view name) {
    for (const Recipe& r : recipes()) {
        if (r.name == name) {
            return r;
        }
    }
    std::string known;
    for (const std::string& n : recipeNames()) {
        known += (known.empty() ? "" : ", ") + n;
    }
    throw Error("unknown recipe '" + std::string(name) + "' (known: " + known + ")");
}

const RecipeMethods& methodsOf(const Recipe& recipe) {
    for (const auto& entry : registry()) {
        if (entry.recipe.name == recipe.name) {
            return entry.methods;
        }
    }
    findRecipe(recipe.name);  // throws, listing the known names
    throw Error("recipe '" + recipe.name + "' has no training function");
}

NetworkSpec networkOf(const Recipe& recipe) {
    const Hyperparameters& h = recipe.hyp;
    NetworkSpec spec;
    spec.widths = h.widths;
    spec.block = recipe.block;
    spec.batchNormMomentum = h.batchNormMomentum;
    spec.batchNormEps = h.batchNormEps;
    spec.head = recipe.head;
    spec.whiteningBias = recipe.whiteningBias;
    spec.numClasses = recipe.numClasses;
    return spec.scaled(h.widthMultiplier);
}

Augmentation augmentationOf(const Hyperparameters& h) {
    Augmentation aug;
    aug.flip = h.flip;
    aug.alternatingFlip = h.alternatingFlip;
    aug.translate = h.translate;
    aug.cutout = h.cutout;
    return aug;
}

}  // namespace airbench
