// The one list of recipes. The GUI's picker and the CLI's `recipes` come from here.

#include <airbench/error.h>
#include <airbench/recipe.h>

#include "recipes/recipes.h"

namespace airbench {

const std::vector<Recipe>& recipes() {
    static const std::vector<Recipe> all = {
        builtin::airbench94(), builtin::airbench94Muon(),   builtin::airbench95(),
        builtin::airbench96(), builtin::airbench96Faster(),
    };
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

}  // namespace airbench
