// The public training entry points: option resolution, error translation, warm-up, plans.

#include <airbench/error.h>
#include <airbench/train.h>

#include "core/torch_device.h"
#include "data/loader_impl.h"
#include "recipes/recipes.h"

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

RunPlan planRun(const Recipe& recipe, int64_t trainExamples, int64_t testExamples) {
    return methodsOf(recipe).plan(recipe, trainExamples, testExamples);
}

RunPlan planForLoader(const Recipe& recipe, const CifarLoader& train, int64_t testExamples) {
    Recipe planned = recipe;
    planned.hyp.batchSize = train.batchSize();
    return planRun(planned, train.size(), testExamples);
}

TrainResult train(const Recipe& recipe, CifarLoader& trainLoader, const CifarLoader* test,
                  const TrainOptions& options, TrainObserver* observer) {
    const RecipeMethods& methods = methodsOf(recipe);
    validateRecipe(recipe);
    check(!test || test->device() == trainLoader.device(),
          "the training and test data are on different devices");
    check(trainLoader.size() >= trainLoader.batchSize(),
          "the training set holds " + std::to_string(trainLoader.size()) +
              " examples, fewer than one batch of " + std::to_string(trainLoader.batchSize()));
    trainLoader.setSeed(options.mechanics.seed);
    try {
        return methods.train(recipe, trainLoader, test, options, observer);
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
        makeGenerator(Device{}, deriveSeed(options.mechanics.seed, RandomStream::WarmupLabels));
    impl.fullLabels = at::randint(0, recipe.numClasses, {trainLoader.fullSize()}, gen,
                                  at::TensorOptions().dtype(at::kLong))
                          .to(savedLabels.device());
    impl.applyMask();
    auto restore = [&] {
        impl.fullLabels = savedLabels;
        impl.applyMask();
    };
    TrainOptions o = options;
    o.analysis = RunAnalysis{/*evaluateEveryEpoch=*/false, /*recordTrain...=*/false};
    Recipe shortRun = recipe;
    const double batches = std::max<double>(1, double(trainLoader.batchCount()));
    shortRun.hyp.epochs = std::max<double>(1, double(steps)) / batches;
    try {
        train(shortRun, trainLoader, nullptr, o, nullptr);
    } catch (...) {
        restore();
        throw;
    }
    restore();
}

}  // namespace airbench
