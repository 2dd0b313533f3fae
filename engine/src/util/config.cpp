#include <airbench/config.h>
#include <airbench/device.h>

#include <nlohmann/json.hpp>

namespace airbench {

std::string scheduleName(LrSchedule schedule) {
    switch (schedule) {
        case LrSchedule::WarmupThenFloor:
            return "warmup-then-floor";
        case LrSchedule::WarmupThenZero:
            return "warmup-then-zero";
        case LrSchedule::LinearToZero:
            return "linear-to-zero";
    }
    return "?";
}

std::string blockName(BlockKind block) {
    return block == BlockKind::TwoConv ? "2-conv" : "3-conv-residual";
}

namespace {

nlohmann::json recipeJson(const Recipe& r) {
    const Hyperparameters& h = r.hyp;
    const NetworkSpec& n = r.network;
    nlohmann::json j;
    j["recipe"] = r.name;
    j["epochs"] = h.epochs;
    j["batch_size"] = h.batchSize;
    j["learning_rate"] = h.learningRate;
    j["weight_decay"] = h.weightDecay;
    j["bias_scaler"] = h.biasScaler;
    j["momentum"] = h.momentum;
    j["label_smoothing"] = h.labelSmoothing;
    j["whitening_bias_epochs"] = h.whiteningBiasEpochs;
    j["lr_schedule"] = scheduleName(h.schedule);
    j["warmup_fraction"] = h.warmupFraction;
    j["lr_floor"] = h.lrFloor;
    j["lookahead"] = h.lookahead;
    j["augmentation"] = {{"flip", h.augmentation.flip},
                         {"translate", h.augmentation.translate},
                         {"cutout", h.augmentation.cutout},
                         {"alternating_flip", h.augmentation.alternatingFlip}};
    j["tta_level"] = h.ttaLevel;
    j["width_multiplier"] = h.widthMultiplier;
    j["widths"] = {n.widths[0], n.widths[1], n.widths[2]};
    j["block"] = blockName(n.block);
    j["batchnorm_momentum"] = n.batchNormMomentum;
    j["batchnorm_eps"] = n.batchNormEps;
    j["head"] = n.head == HeadKind::ScaledByNinth ? "linear/9" : "unit-std/width";
    j["whitening_bias_init"] = n.whiteningBias == WhiteningBiasInit::Zero ? "zero" : "uniform";
    return j;
}

}  // namespace

std::string recipeConfigJson(const Recipe& recipe) {
    return recipeJson(recipe).dump();
}

std::string runConfigJson(const Recipe& recipe, const RunSetting& s, uint64_t seed) {
    nlohmann::json j = recipeJson(recipe);
    j["dataset"] = {{"name", s.datasetName},
                    {"path", s.datasetPath},
                    {"hash", s.datasetHash},
                    {"train_examples", s.trainExamples},
                    {"test_examples", s.testExamples}};
    if (s.masked) {
        j["mask"] = {{"name", s.maskName}, {"hash", s.maskHash}, {"examples", s.maskExamples}};
        if (!s.maskPath.empty()) {
            j["mask"]["path"] = s.maskPath;
        }
    }
    j["device"] = s.device;
    j["libtorch"] = libtorchVersion();
    j["runs"] = s.runs;
    j["seed"] = seed;
    j["compiled"] = s.compiled;
    // Only when set, so that earlier runs' configurations still match.
    if (s.fusedNormActivation) {
        j["fused_norm"] = true;
    }
    if (s.compactPooling) {
        j["compact_pool"] = true;
    }
    j["warmup"] = s.warmup;
    return j.dump();
}

}  // namespace airbench
