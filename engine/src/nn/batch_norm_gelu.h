#pragma once
// BatchNorm followed by exact GELU as one differentiable operation:
//   y = gelu((x - mean) / sqrt(var + eps) * weight + bias)
// with the batch's statistics in training (and the running statistics moved as
// torch::nn::BatchNorm2d moves them) or the running statistics otherwise. It computes what
// at::gelu(batchNorm->forward(x)) computes; on CUDA, with this build's kernels, it does so in
// four passes over the activation instead of seven and never stores the pre-activation.
//
// Elsewhere (CPU, or a build without CUDA kernels) the same forward and backward formulas run as
// tensor ops: slower than the separate operations, but they let the CPU tests check the hand-
// written backward against autograd's.

#include <ATen/ATen.h>

namespace airbench {

// x: (N, C, H, W), fp16 on CUDA or any float type; weight, bias, running statistics: (C). Only
// x and the parameters that require grad get gradients. The running statistics (and nothing
// else) change in training mode.
at::Tensor batchNormGelu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                         const at::Tensor& runningMean, const at::Tensor& runningVar, bool training,
                         double momentum, double eps);

}  // namespace airbench
