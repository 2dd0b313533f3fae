#pragma once
// The training step of the SGD recipes (airbench94, 95, 96 and 96_faster's main network):
// forward, summed label-smoothed loss, backward, Nesterov SGD. Its one schedule value is the
// factor that scales every group's base learning rate.

#include <memory>

#include "optim/nesterov_sgd.h"
#include "train/training_step.h"

namespace airbench {

// The step owns its optimizer.
std::unique_ptr<StepProgram> makeSgdProgram(AirbenchNetImpl& net, NesterovSgd optimizer,
                                            double labelSmoothing);

}  // namespace airbench
