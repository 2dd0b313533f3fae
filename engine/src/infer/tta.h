#pragma once
// Test-time augmentation on device tensors (engine-internal form of airbench/inference.h).

#include <ATen/ATen.h>

#include <functional>

#include "nn/network.h"

namespace airbench {

constexpr int64_t kInferenceChunk = 2000;

// Logits of `images` (N, 3, 32, 32, normalised) at TTA level 0, 1 or 2, in chunks of 2000,
// in eval mode without gradients. Returns (N, classes) fp32 on the images' device.
// `stop`, when given, is polled between chunks; once it returns true the result is undefined
// (an empty tensor), so that a long CPU evaluation can be abandoned within one chunk.
at::Tensor inferLogits(AirbenchNet& net, const at::Tensor& images, int ttaLevel,
                       const std::function<bool()>& stop = {});

// The number of forward passes per image at a TTA level (1, 2, 6).
int ttaForwards(int ttaLevel);

}  // namespace airbench
