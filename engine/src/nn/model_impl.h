#pragma once
// Model's handle body: the network and what it was made from.

#include <airbench/model.h>

#include "nn/network.h"

namespace airbench {

struct Model::Impl {
    ModelInfo info;
    Device device;
    AirbenchNet net{nullptr};
};

// A fresh, initialised network for `spec` on `device` (dtype policy applied).
Model makeModel(const std::string& recipe, const NetworkSpec& spec, const Device& device,
                uint64_t seed, at::Generator& generator);

}  // namespace airbench
