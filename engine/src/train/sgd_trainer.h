#pragma once
// The training loop of the SGD recipes (airbench94, 95, 96): RECIPES.md §2.3.

#include <airbench/train.h>

namespace airbench {

TrainResult trainWithSgd(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
                         const TrainOptions& options, TrainObserver* observer);

// Steps per epoch, T, and FLOPs for recipes whose every step sees one full batch.
RunPlan planSgdRun(const Recipe& recipe, int64_t trainExamples, int64_t testExamples);

// The two parameter groups in decoupled units: {BatchNorm biases} at lr * biasScaler and
// {whitening bias, conv weights, head} at lr (RECIPES.md §2).
struct AirbenchNetImpl;
class NesterovSgd;
NesterovSgd makeSgd(AirbenchNetImpl& net, const Hyperparameters& hyp, int batchSize);

}  // namespace airbench
