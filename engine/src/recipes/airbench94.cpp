// airbench94 (legacy/airbench94.py): 94.01% in 3.83 s on an A100, 0.36 PFLOP.
// Widths 64/256/256, 2-conv groups, 9.9 epochs of Nesterov SGD with lookahead, TTA level 2.

#include "recipes/recipes.h"
#include "train/sgd_trainer.h"

namespace airbench::builtin {

RegisteredRecipe airbench94() {
    Recipe r;
    r.name = "airbench94";
    r.title = "airbench94";
    r.description =
        "94% in 9.9 epochs: whitening, Nesterov SGD, lookahead, TTA (the paper's recipe)";
    r.reference = {0.9401, 3.83, "A100", 0.36, 1000};

    r.block = BlockKind::TwoConv;
    r.head = HeadKind::ScaledByNinth;
    r.whiteningBias = WhiteningBiasInit::Zero;
    r.schedule = LrSchedule::WarmupThenFloor;
    r.optimizer = OptimizerKind::NesterovSgd;

    Hyperparameters& h = r.hyp;
    h.epochs = 9.9;
    h.batchSize = 1024;
    h.learningRate = 11.5;   // per 1024 examples
    h.weightDecay = 0.0153;  // per 1024 examples
    h.momentum = 0.85;
    h.labelSmoothing = 0.2;
    h.whiteningBiasEpochs = 3;
    h.biasScaler = 64.0;
    h.warmupFraction = 0.23;
    h.lrFloor = 0.07;
    h.lookahead = true;
    h.widths = {64, 256, 256};
    h.widthMultiplier = 1.0;
    h.batchNormMomentum = 0.6;  // the reference's convention: PyTorch's momentum 0.4
    h.batchNormEps = 1e-12;
    h.flip = true;
    h.alternatingFlip = true;
    h.translate = 2;
    h.cutout = 0;
    h.ttaLevel = 2;

    return {r, {trainWithSgd, planSgdRun}};
}

}  // namespace airbench::builtin
