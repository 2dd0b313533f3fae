// airbench95 (legacy/airbench95.py): 95.01% in 10.4 s on an A100, 1.4 PFLOP.
// The airbench94 code with widths 128/384/384, LR 10.0 and 15 epochs (T = 720).

#include "recipes/recipes.h"

namespace airbench::builtin {

RegisteredRecipe airbench95() {
    RegisteredRecipe entry = airbench94();
    Recipe& r = entry.recipe;
    r.name = "airbench95";
    r.title = "airbench95";
    r.description = "95% in 15 epochs: airbench94 widened to 128/384/384";
    r.reference = {0.9501, 10.4, "A100", 1.4, 200};
    r.hyp.widths = {128, 384, 384};
    r.hyp.epochs = 15;
    r.hyp.learningRate = 10.0;
    return entry;
}

}  // namespace airbench::builtin
