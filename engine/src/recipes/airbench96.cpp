// airbench96 (legacy/airbench96.py): 96.03% in 34.7 s on an A100, 4.9 PFLOP.
// Widths 128/384/512 in 3-conv residual groups, PyTorch's BatchNorm momentum, 37 epochs with
// schedule B, translate 4 and cutout 12.

#include "recipes/recipes.h"

namespace airbench::builtin {

Recipe airbench96() {
    Recipe r = airbench94();
    r.name = "airbench96";
    r.title = "airbench96";
    r.description = "96% in 37 epochs: residual 3-conv groups, cutout, translate 4";
    r.reference = {0.9603, 34.7, "A100", 4.9, 400};
    r.network.widths = {128, 384, 512};
    r.network.block = BlockKind::ResidualThreeConv;
    r.network.batchNormMomentum = 0.1;

    Hyperparameters& h = r.hyp;
    h.epochs = 37;
    h.learningRate = 9.0;
    h.weightDecay = 0.012;
    h.schedule = LrSchedule::WarmupThenZero;
    h.warmupFraction = 0.1;
    h.augmentation = {/*flip=*/true, /*translate=*/4, /*cutout=*/12, /*alternatingFlip=*/true};
    return r;
}

}  // namespace airbench::builtin
