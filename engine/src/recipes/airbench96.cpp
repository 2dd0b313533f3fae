// airbench96 (legacy/airbench96.py): 96.03% in 34.7 s on an A100, 4.9 PFLOP.
// Widths 128/384/512 in 3-conv residual groups, PyTorch's default BatchNorm momentum, 37 epochs
// with schedule B, translate 4 and cutout 12.

#include "recipes/recipes.h"

namespace airbench::builtin {

RegisteredRecipe airbench96() {
    RegisteredRecipe entry = airbench94();
    Recipe& r = entry.recipe;
    r.name = "airbench96";
    r.title = "airbench96";
    r.description = "96% in 37 epochs: residual 3-conv groups, cutout, translate 4";
    r.reference = {0.9603, 34.7, "A100", 4.9, 400};
    r.block = BlockKind::ResidualThreeConv;
    r.schedule = LrSchedule::WarmupThenZero;

    Hyperparameters& h = r.hyp;
    h.widths = {128, 384, 512};
    h.batchNormMomentum = 0.9;  // nn.BatchNorm2d's default momentum 0.1, in the reference's terms
    h.epochs = 37;
    h.learningRate = 9.0;
    h.weightDecay = 0.012;
    h.warmupFraction = 0.1;
    h.lrFloor = 0;  // outside the warm-up-then-zero schedule's scope
    h.translate = 4;
    h.cutout = 12;
    return entry;
}

}  // namespace airbench::builtin
