#pragma once
// The loader's augmentations as whole-batch tensor functions (no per-image host work).
// Shapes: images (N, C, H, W); masks (N) bool; offsets (N) int64.

#include <ATen/ATen.h>

#include <airbench/dataset.h>

namespace airbench::augment {

// Mirrors (left-right) the images whose flip[i] is true.
at::Tensor flipWhere(const at::Tensor& images, const at::Tensor& flip);

// Reflect padding by `pad` pixels on every side: (N, C, H, W) -> (N, C, H+2p, W+2p).
at::Tensor reflectPad(const at::Tensor& images, int pad);

// Crops a (size x size) window of each padded image at (dy[i], dx[i]), 0 <= d <= H - size.
at::Tensor crop(const at::Tensor& padded, const at::Tensor& dy, const at::Tensor& dx, int size);

// (N, 1, H, W) mask of the size x size squares whose top-left corners are (y[i], x[i]).
at::Tensor squareMask(int64_t height, int64_t width, const at::Tensor& y, const at::Tensor& x,
                      int size);
// Zeroes those squares (zero = the mean colour after normalisation).
at::Tensor cutout(const at::Tensor& images, const at::Tensor& y, const at::Tensor& x, int size);

// uint8 (N, 3, 32, 32) -> (x / 255 - mean) / std in `dtype`, channels_last.
at::Tensor normalize(const at::Tensor& pixels, const Normalization& normalization,
                     at::ScalarType dtype);

}  // namespace airbench::augment
