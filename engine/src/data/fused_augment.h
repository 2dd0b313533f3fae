#pragma once
// The loader's bridge to the fused CUDA augmentation kernel. Available only in builds with CUDA
// kernels; elsewhere fusedAugmentationAvailable() is false and the tensor-op path is used.

#include <ATen/ATen.h>

namespace airbench {

struct EpochDraws;

bool fusedAugmentationAvailable();

// crop (translate > 0) + flip + cutout of one epoch from the padded, pre-flipped images, in one
// kernel. Equals augment::crop -> flip -> cutout (checked by `airbench selftest`).
at::Tensor fusedCropFlipCutout(const at::Tensor& padded, const EpochDraws& draws, int side,
                               bool flipAll, int cutout);

}  // namespace airbench
