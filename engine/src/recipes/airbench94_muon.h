#pragma once
// airbench94_muon's training step, exposed for the selftest (compiled against eager).

#include <airbench/recipe.h>

#include <memory>

#include "train/training_step.h"

namespace airbench::builtin {

// The step with its own optimizers: Muon for the conv filters, Nesterov SGD for the whitening
// bias, the BatchNorm biases and the head. Schedule values: {the whitening bias's decay, the
// others' decay}.
std::unique_ptr<StepProgram> makeMuonProgram(AirbenchNetImpl& net, const Hyperparameters& hyp,
                                             int batchSize);

}  // namespace airbench::builtin
