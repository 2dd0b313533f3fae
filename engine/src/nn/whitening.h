#pragma once
// The whitening layer's weights from data (RECIPES.md §1.2): the 12x12 uncentred second-moment
// matrix of all 2x2 patches of the first 5000 training images, its eigenvectors scaled by
// 1/sqrt(eigenvalue + eps), followed by their negations (24 filters).

#include <ATen/ATen.h>

namespace airbench {

constexpr int64_t kWhiteningImages = 5000;
constexpr double kWhiteningEps = 5e-4;

// (N, 3, H, W) -> (N * (H-1) * (W-1), 12) fp32 rows, each a patch in (channel, row, col) order.
at::Tensor extractPatches(const at::Tensor& images);
// Sigma = X^T X / n over the patches of `images`: (12, 12) fp64.
at::Tensor patchSecondMoment(const at::Tensor& images);
// The 24 filters (24, 3, 2, 2) fp32 for `images` (normalised, not augmented), ordered by
// descending eigenvalue as in the legacy scripts.
at::Tensor whiteningFilters(const at::Tensor& images, double eps = kWhiteningEps);
// Sets `weight` (24, 3, 2, 2), any dtype/format, from the first 5000 of `images`.
void initWhitening(at::Tensor& weight, const at::Tensor& images, double eps = kWhiteningEps);

}  // namespace airbench
