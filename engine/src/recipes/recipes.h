#pragma once
// One factory per recipe file; registry.cpp lists them. Adding a recipe = one new file here
// plus one line in the registry.

#include <airbench/recipe.h>

namespace airbench::builtin {

Recipe airbench94();
Recipe airbench95();
Recipe airbench96();
Recipe airbench94Muon();
Recipe airbench96Faster();

}  // namespace airbench::builtin
