// The public training entry points: option resolution, error translation, warm-up, plans.

#include <airbench/error.h>
#include <airbench/train.h>

#include "core/torch_device.h"
#include "data/loader_impl.h"
#include "train/sgd_trainer.h"

#include <c10/util/Exception.h>

#include <cmath>

namespace airbench {
namespace {

// LibTorch's messages carry C++ backtraces; users get the first line, and CUDA OOM a hint.
std::string describeTorchError(const c10::Error& e) {
    std::string text = e.what_without_backtrace();
    const auto newline = text.find('\n');
    if (newline != std::string::npos) {
        text.resize(newline);
    }
    if (text.find("out of memory") != std::string::npos) {
        return "The GPU ran out of memory (" + text +
               "). Try a smaller width or batch size, or close other GPU programs.";
    }
    return "LibTorch error: " + text;
}

void check(bool ok, const std::string& message) {
    if (!ok) {
        throw Error(message);
    }
}

}  // namespace

Recipe resolveRecipe(const Recipe& recipe, const TrainOptions& o) {
    Recipe r = recipe;
    Hyperparameters& h = r.hyp;
    if (o.epochs)
        h.epochs = *o.epochs;
    if (o.labelSmoothing)
        h.labelSmoothing = *o.labelSmoothing;
    if (o.learningRate)
        h.learningRate = *o.learningRate;
    if (o.weightDecay)
        h.weightDecay = *o.weightDecay;
    if (o.whiteningBiasEpochs)
        h.whiteningBiasEpochs = *o.whiteningBiasEpochs;
    if (o.batchSize)
        h.batchSize = *o.batchSize;
    if (o.ttaLevel)
        h.ttaLevel = *o.ttaLevel;
    check(o.widthMultiplier > 0 && o.widthMultiplier <= 8,
          "width multiplier must be in (0, 8], got " + std::to_string(o.widthMultiplier));
    // Resolving twice with the same options must not scale twice.
    if (h.widthMultiplier == 1.0) {
        r.network = r.network.scaled(o.widthMultiplier);
        h.widthMultiplier = o.widthMultiplier;
    } else {
        check(o.widthMultiplier == h.widthMultiplier || o.widthMultiplier == 1.0,
              "recipe already scaled by " + std::to_string(h.widthMultiplier));
    }
    check(h.epochs > 0 && h.epochs <= 1000,
          "epochs must be in (0, 1000], got " + std::to_string(h.epochs));
    check(h.batchSize > 0, "batch size must be positive");
    check(h.labelSmoothing >= 0 && h.labelSmoothing < 1,
          "label smoothing must be in [0, 1), got " + std::to_string(h.labelSmoothing));
    check(h.ttaLevel >= 0 && h.ttaLevel <= 2, "TTA level must be 0, 1 or 2");
    check(h.learningRate > 0, "learning rate must be positive");
    check(h.weightDecay >= 0, "weight decay must be non-negative");
    return r;
}

RunPlan planRun(const Recipe& recipe, int64_t trainExamples, int64_t testExamples) {
    return recipe.plan ? recipe.plan(recipe, trainExamples, testExamples)
                       : planSgdRun(recipe, trainExamples, testExamples);
}

RunPlan planForLoader(const Recipe& recipe, const CifarLoader& train, int64_t testExamples) {
    Recipe planned = recipe;
    planned.hyp.batchSize = train.batchSize();
    return planRun(planned, train.size(), testExamples);
}

TrainResult train(const Recipe& recipe, CifarLoader& trainLoader, const CifarLoader* test,
                  const TrainOptions& options, TrainObserver* observer) {
    const Recipe resolved = resolveRecipe(recipe, options);
    check(resolved.train != nullptr, "recipe '" + recipe.name + "' has no training function");
    check(!test || test->device() == trainLoader.device(),
          "the training and test data are on different devices");
    check(trainLoader.size() >= trainLoader.batchSize(),
          "the training set holds " + std::to_string(trainLoader.size()) +
              " examples, fewer than one batch of " + std::to_string(trainLoader.batchSize()));
    trainLoader.setSeed(options.seed);
    try {
        TrainResult result = resolved.train(resolved, trainLoader, test, options, observer);
        return result;
    } catch (const c10::Error& e) {
        throw Error(describeTorchError(e));
    }
}

void warmup(const Recipe& recipe, CifarLoader& trainLoader, const TrainOptions& options,
            int64_t steps) {
    // Random labels: the warm-up exercises every kernel without learning anything about the
    // data, so later runs start from nothing.
    CifarLoader::Impl& impl = trainLoader.impl();
    const at::Tensor savedLabels = impl.fullLabels;
    at::Generator gen =
        makeGenerator(Device{}, deriveSeed(options.seed, RandomStream::WarmupLabels));
    impl.fullLabels = at::randint(0, recipe.network.numClasses, {trainLoader.fullSize()}, gen,
                                  at::TensorOptions().dtype(at::kLong))
                          .to(savedLabels.device());
    impl.applyMask();
    auto restore = [&] {
        impl.fullLabels = savedLabels;
        impl.applyMask();
    };
    TrainOptions o = options;
    o.evaluateEveryEpoch = false;
    o.recordTrainPredictionsEveryEpoch = false;
    const double batches = std::max<double>(1, double(trainLoader.batchCount()));
    o.epochs = std::max<double>(1, double(steps)) / batches;
    try {
        train(recipe, trainLoader, nullptr, o, nullptr);
    } catch (...) {
        restore();
        throw;
    }
    restore();
}

}  // namespace airbench
