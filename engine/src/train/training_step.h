#pragma once
// One training step (forward, summed label-smoothed loss, backward, every optimizer update) and
// the two ways of executing it: eagerly (every device), or "compiled" (CUDA only): captured once
// in a CUDA graph and replayed, one launch instead of hundreds.
//
// A recipe describes its step as a StepProgram. The program reads the step's schedule values
// ("rates": learning-rate factors, whatever the recipe's schedule needs) either as host numbers
// (eager) or as device scalars (captured), so one program serves both executions and the
// schedule keeps changing between replays of one graph.

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nn/network.h"

namespace airbench {

class RunContext;

// Detached from autograd: nothing keeps a step's autograd graph alive after the step. (A graph
// kept alive keeps its parameters' gradient-accumulation nodes, bound to the stream they were
// made on; the next capture, on another stream, would then have to synchronise and fail.)
struct StepOutput {
    at::Tensor logits;   // (B, classes)
    at::Tensor lossSum;  // device scalar
};

// The first half of every recipe's step: forward, summed label-smoothed loss, gradients set to
// none, backward. Returns the outputs detached.
StepOutput forwardBackward(AirbenchNetImpl& net, const at::Tensor& images, const at::Tensor& labels,
                           double labelSmoothing);

class StepProgram {
public:
    virtual ~StepProgram() = default;
    virtual AirbenchNetImpl& network() = 0;
    // How many schedule values each step takes.
    virtual size_t rateCount() const = 0;
    // The step with its schedule values as host numbers.
    virtual StepOutput run(const at::Tensor& images, const at::Tensor& labels,
                           const std::vector<double>& rates) = 0;
    // The same maths with the schedule values read from device scalars (capturable: no host
    // synchronisation, no host-side branching on values).
    virtual StepOutput run(const at::Tensor& images, const at::Tensor& labels,
                           const std::vector<at::Tensor>& rates) = 0;
};

class TrainingStep {
public:
    virtual ~TrainingStep() = default;
    virtual StepOutput run(const at::Tensor& images, const at::Tensor& labels,
                           const std::vector<double>& rates) = 0;
};

std::unique_ptr<TrainingStep> makeEagerStep(std::unique_ptr<StepProgram> program);

// Whether this build and the network's device can capture CUDA graphs; if not, `why` says why.
bool graphCaptureAvailable(const AirbenchNetImpl& net, std::string& why);

// The CUDA-graph step (only where graphCaptureAvailable). It runs a few eager warm-up steps, then
// captures, and re-captures when the set of trained tensors changes; a short batch runs eagerly.
// It reports the first capture, and a failed capture after which it continues eagerly, through
// `note` (a run's log).
std::unique_ptr<TrainingStep> makeGraphStep(std::unique_ptr<StepProgram> program,
                                            std::function<void(const std::string&)> note);

// The step a run asked for: the CUDA-graph step when `compiled` is set and this build and device
// can capture graphs, otherwise eager (the run's log says why compiled mode was not used).
std::unique_ptr<TrainingStep> makeRunStep(bool compiled, std::unique_ptr<StepProgram> program,
                                          RunContext& run);

}  // namespace airbench
