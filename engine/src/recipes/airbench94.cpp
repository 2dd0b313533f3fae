// airbench94 (legacy/airbench94.py): 94.01% in 3.83 s on an A100, 0.36 PFLOP.
// Widths 64/256/256, 2-conv groups, 9.9 epochs of Nesterov SGD with lookahead, TTA level 2.

#include "recipes/recipes.h"
#include "train/sgd_trainer.h"

namespace airbench::builtin {

Recipe airbench94() {
    Recipe r;
    r.name = "airbench94";
    r.title = "airbench94";
    r.description =
        "94% in 9.9 epochs: whitening, Nesterov SGD, lookahead, TTA (the paper's recipe)";
    r.reference = {0.9401, 3.83, "A100", 0.36, 1000};

    r.network.widths = {64, 256, 256};
    r.network.block = BlockKind::TwoConv;
    r.network.batchNormMomentum = 0.4;
    r.network.head = HeadKind::ScaledByNinth;
    r.network.whiteningBias = WhiteningBiasInit::Zero;

    Hyperparameters& h = r.hyp;
    h.epochs = 9.9;
    h.batchSize = 1024;
    h.learningRate = 11.5;   // per 1024 examples
    h.weightDecay = 0.0153;  // per 1024 examples
    h.biasScaler = 64.0;
    h.momentum = 0.85;
    h.labelSmoothing = 0.2;
    h.whiteningBiasEpochs = 3;
    h.schedule = LrSchedule::WarmupThenFloor;
    h.warmupFraction = 0.23;
    h.lrFloor = 0.07;
    h.lookahead = true;
    h.augmentation = {/*flip=*/true, /*translate=*/2, /*cutout=*/0, /*alternatingFlip=*/true};
    h.ttaLevel = 2;

    r.train = trainWithSgd;
    r.plan = planSgdRun;
    return r;
}

}  // namespace airbench::builtin
