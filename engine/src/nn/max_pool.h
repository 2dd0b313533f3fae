#pragma once
// 2x2 max pooling (stride 2, floor) that keeps, for the backward pass, one byte per output
// element (which window position held the maximum) instead of max_pool2d's int64 index. Same
// values and gradients as at::max_pool2d(x, {2, 2}). On CUDA, with this build's kernels, the
// indices cost an eighth of the memory traffic; elsewhere the same scheme runs as tensor ops (so
// that the CPU tests check it against max_pool2d).

#include <ATen/ATen.h>

namespace airbench {

// x: (N, C, H, W) -> (N, C, H / 2, W / 2).
at::Tensor compactMaxPool2x2(const at::Tensor& x);

}  // namespace airbench
