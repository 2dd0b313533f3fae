#pragma once
// One training step of the SGD recipes: forward, summed label-smoothed loss, backward, Nesterov
// SGD. Two executions of the same maths: eager (every device), and "compiled" (CUDA only): the
// step captured once in a CUDA graph and replayed, with the learning rates in device tensors.

#include <ATen/ATen.h>

#include <memory>
#include <string>

#include "nn/network.h"
#include "optim/nesterov_sgd.h"

namespace airbench {

struct StepOutput {
    at::Tensor logits;   // (B, classes)
    at::Tensor lossSum;  // device scalar
};

class SgdStep {
public:
    virtual ~SgdStep() = default;
    // `lrFactor` scales every group's base learning rate for this step.
    virtual StepOutput run(const at::Tensor& images, const at::Tensor& labels, double lrFactor) = 0;
};

std::unique_ptr<SgdStep> makeEagerStep(AirbenchNetImpl& net, NesterovSgd& optimizer,
                                       double labelSmoothing);

// The CUDA-graph step, or nullptr with `why` set when this build or device cannot capture graphs.
// Falls back to eager steps by itself (and says so through `notes`) if a capture fails.
std::unique_ptr<SgdStep> makeGraphStep(AirbenchNetImpl& net, NesterovSgd& optimizer,
                                       double labelSmoothing, std::string& why,
                                       std::vector<std::string>* notes);

}  // namespace airbench
