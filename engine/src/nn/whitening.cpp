#include "nn/whitening.h"

#include <ATen/core/grad_mode.h>

#include <tuple>

namespace airbench {

at::Tensor extractPatches(const at::Tensor& images) {
    const int64_t channels = images.size(1);
    // (N, C, H-1, W-1, 2, 2) -> (N, W-1, H-1, C, 2, 2): patch order is irrelevant, the inner
    // (C, 2, 2) order is what the filters are reshaped to.
    return images.unfold(2, 2, 1)
        .unfold(3, 2, 1)
        .transpose(1, 3)
        .reshape({-1, channels * 4})
        .to(at::kFloat);
}

at::Tensor patchSecondMoment(const at::Tensor& images) {
    // Accumulated in fp64: over 4.8M patches an fp32 sum is off by enough to give a rank-deficient
    // matrix (grey images replicated to 3 channels, e.g. Fashion-MNIST) a clearly negative
    // eigenvalue, and then 1/sqrt(eigenvalue + eps) is NaN. The reference sums in fp32.
    at::Tensor patches = extractPatches(images).to(at::kDouble);
    return patches.t().mm(patches) / static_cast<double>(patches.size(0));
}

at::Tensor whiteningFilters(const at::Tensor& images, double eps) {
    at::Tensor sigma = patchSecondMoment(images);
    at::Tensor eigenvalues, eigenvectors;
    // On the CPU: the 12x12 problem is tiny.
    std::tie(eigenvalues, eigenvectors) = at::linalg_eigh(sigma.cpu(), "U");
    // A second-moment matrix is positive semi-definite; clamp rounding below zero.
    eigenvalues = eigenvalues.clamp_min(0).flip(0);  // descending
    eigenvectors = eigenvectors.t().flip(0);         // rows = eigenvectors, descending
    at::Tensor scaled = eigenvectors / (eigenvalues + eps).sqrt().unsqueeze(1);
    const int64_t channels = images.size(1);
    at::Tensor filters = at::cat({scaled, -scaled}).reshape({-1, channels, 2, 2});
    return filters.to(at::kFloat).to(images.device());
}

void initWhitening(at::Tensor& weight, const at::Tensor& images, double eps) {
    at::NoGradGuard noGrad;
    const int64_t n = std::min<int64_t>(kWhiteningImages, images.size(0));
    at::Tensor filters = whiteningFilters(images.slice(0, 0, n), eps);
    weight.copy_(filters.to(weight.dtype()));
}

}  // namespace airbench
