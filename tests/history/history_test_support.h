#pragma once
// What the history tests share: a plausible run record, and a whole run fed through a
// RunRecorder the way train() feeds it on CPU (every step, then the epoch, then the summary).

#include <airbench/history.h>
#include <airbench/run_recorder.h>

#include <cmath>
#include <string>

namespace airbench::history::test {

inline RunRecord sampleRecord(uint64_t seed = 0, double learningRate = 11.5,
                              const std::string& recipe = "airbench94") {
    RunRecord r;
    r.recipe = recipe;
    r.configJson = "{\"recipe\":\"" + recipe + "\",\"lr\":" + std::to_string(learningRate) +
                   ",\"epochs\":3,\"runs\":5,\"seed\":" + std::to_string(seed) +
                   ",\"dataset\":{\"name\":\"CIFAR-10\",\"hash\":\"abc123\"}}";
    r.datasetName = "CIFAR-10";
    r.datasetHash = "abc123";
    r.seed = seed;
    r.device = "CPU (1 thread)";
    return r;
}

// The loss of step s (1-based) in the synthetic runs.
inline double syntheticLoss(int64_t step) {
    return 2.3 * std::exp(-double(step) / 50.0) + 0.01 * double(step % 7);
}

inline void feedEpoch(TrainObserver& observer, int epoch, int stepsPerEpoch, int64_t& step) {
    for (int s = 0; s < stepsPerEpoch; ++s) {
        ++step;
        observer.onSteps({{step, epoch, syntheticLoss(step)}});
    }
    EpochMetrics m;
    m.epoch = epoch;
    m.steps = step;
    m.trainLoss = syntheticLoss(step);
    m.trainAccuracy = 0.5 + 0.01 * epoch;
    m.valAccuracy = 0.6 + 0.01 * epoch;
    m.seconds = 1.5 * (epoch + 1);
    observer.onEpoch(m);
}

inline RunPlan planOf(int epochs, int stepsPerEpoch) {
    RunPlan plan;
    plan.epochs = epochs;
    plan.stepsPerEpoch = stepsPerEpoch;
    plan.totalSteps = int64_t{epochs} * stepsPerEpoch;
    return plan;
}

// A complete finished run with TTA accuracy `tta`; returns its id.
inline int64_t writeRun(Database& db, RunRecord record, int epochs, int stepsPerEpoch, double tta) {
    RunRecorder recorder(db, std::move(record));
    recorder.onStart(planOf(epochs, stepsPerEpoch));
    int64_t step = 0;
    for (int e = 0; e < epochs; ++e) {
        feedEpoch(recorder, e, stepsPerEpoch, step);
    }
    RunSummary s;
    s.valAccuracy = tta - 0.01;
    s.ttaValAccuracy = tta;
    s.seconds = 1.5 * epochs + 0.2;
    s.steps = step;
    recorder.onFinish(s);
    return recorder.runId();
}

}  // namespace airbench::history::test
