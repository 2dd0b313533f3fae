#pragma once
// The bookkeeping every recipe's training loop shares: the run clock (what the reference
// times), per-step losses without per-step host syncs on CUDA, per-epoch metrics, the final TTA
// evaluation, the observer, and the stop request.

#include <airbench/inference.h>
#include <airbench/train.h>

#include <ATen/ATen.h>
#include <ATen/record_function.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "core/torch_device.h"
#include "nn/network.h"

namespace airbench {

// The profiler sees each stretch of the run clock as a user scope of this name, so that a profile
// can count what the run's time counts (profileTraining).
inline constexpr const char* kTimedScopeName = "airbench::timed";

class RunContext {
public:
    RunContext(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
               const TrainOptions& options, TrainObserver* observer);

    const Recipe& recipe;
    CifarLoader& train;
    const CifarLoader* test;
    const TrainOptions& options;
    TrainObserver* observer;
    Device device;
    RunHistory history;

    // The run clock: only time between start() and stop() counts (whitening, training steps,
    // the final evaluation; not per-epoch evaluation).
    void startClock();
    void stopClock();
    double seconds() const { return seconds_; }
    // Runs `work` on the run clock and returns the seconds it took.
    template <class Work>
    double timed(Work&& work) {
        const double before = seconds_;
        startClock();
        work();
        stopClock();
        return seconds_ - before;
    }

    void note(const std::string& text);
    void noteOnce(const std::string& text);  // unless the run already noted it
    // Plans the run with the recipe's planner at the loader's batch size (planForLoader),
    // records the plan and announces it.
    const RunPlan& begin();
    // The run's network: initialised from the seed's network stream, on the run's device.
    Model createModel(const std::string& name, const NetworkSpec& spec, RandomStream stream);
    // Sets a whitening layer from the training images (the first 5000), on the run clock.
    void initWhiteningTimed(AirbenchNetImpl& net);

    // After each optimizer step: the summed loss over `batch` examples (a device scalar).
    void recordStep(const at::Tensor& lossSum, int64_t batch, int epoch);
    bool stopRequested() const;

    // At the end of an epoch (clock stopped): flushes step losses (one host copy), checks for
    // divergence, measures validation accuracy without TTA, notifies the observer. `logits`
    // and `labels` are the last batch's (train accuracy as the reference prints it).
    void endEpoch(int epoch, AirbenchNet& net, const at::Tensor& logits, const at::Tensor& labels,
                  const at::Tensor& lossSum);

    // The final TTA evaluation (timed) and the summary; returns the result.
    TrainResult finish(Model model, bool cancelled);

    int64_t stepsDone() const { return steps_; }

private:
    void flushSteps();

    std::chrono::steady_clock::time_point started_;
    // Open exactly while the clock runs (so it also says whether it runs).
    std::optional<at::RecordFunction> timedScope_;
    double seconds_ = 0;
    int64_t steps_ = 0;
    std::vector<at::Tensor> pendingLosses_;
    std::vector<StepMetrics> pendingSteps_;
};

// A test seam: called at the end of every completed epoch with the live network (engine tests
// check which tensors trained). Not for production use; empty by default.
using EpochHook = std::function<void(int epoch, AirbenchNetImpl& net)>;
void setEpochHookForTesting(EpochHook hook);

// Accuracy of `net` (eval mode, TTA `level`) on a loader's examples, computed on the device.
// Empty when `stop` (polled between inference chunks) asked to abandon it.
std::optional<double> deviceAccuracy(AirbenchNet& net, const CifarLoader& loader, int level,
                                     const std::function<bool()>& stop = {});

// Per-example label-smoothed cross-entropy, (B) fp32.
at::Tensor perExampleLoss(const at::Tensor& logits, const at::Tensor& labels, double smoothing);

}  // namespace airbench
