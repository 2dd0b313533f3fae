#pragma once
// Multi-tensor ("foreach") building blocks shared by the optimizers. A foreach op updates a whole
// list of tensors in a handful of kernel launches instead of one launch per tensor; torch.optim
// uses them by default on CUDA, so this is also what the reference scripts run. On the CPU, and
// wherever a list does not qualify for the fused path (mixed dtypes or layouts), LibTorch falls
// back to the same per-tensor ops, so the results are the same either way.

#include <ATen/ATen.h>

#include <vector>

namespace airbench {

// Multiplies every tensor in place by one 0-dim device tensor without reading it on the host
// (a CUDA graph replays the product with whatever value the scalar holds then). The scalar is
// cast to the list's dtype first: the fused path needs that.
void scaleInPlace(at::TensorList tensors, const at::Tensor& scalar);

// The tensors of `params` that currently have a gradient, with those gradients and their
// positions in `params`; optimizers skip the others entirely (no decay, no momentum).
struct WithGradients {
    std::vector<at::Tensor> params;
    std::vector<at::Tensor> grads;
    std::vector<size_t> index;
};
WithGradients withGradients(const std::vector<at::Tensor>& params);

// The momentum buffers of `live` (`store` runs parallel to the params it came from), each
// created as zeros on first use, then updated in place: buf = mu * buf + d. (From zero this
// gives buf = d exactly, torch.optim's first-step copy.)
std::vector<at::Tensor> updateMomentum(std::vector<at::Tensor>& store, const WithGradients& live,
                                       at::TensorList d, double momentum);

}  // namespace airbench
