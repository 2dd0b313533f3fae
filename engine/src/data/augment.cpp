#include "data/augment.h"

#include <airbench/loader.h>

#include "core/torch_device.h"

namespace airbench::augment {

at::Tensor flipWhere(const at::Tensor& images, const at::Tensor& flip) {
    return at::where(flip.view({-1, 1, 1, 1}), images.flip({3}), images);
}

at::Tensor reflectPad(const at::Tensor& images, int pad) {
    if (pad <= 0) {
        return images;
    }
    // reflection_pad2d wants a contiguous NCHW input in LibTorch 1.13.
    return at::reflection_pad2d(images.contiguous(), {pad, pad, pad, pad}).contiguous(kImageFormat);
}

at::Tensor crop(const at::Tensor& padded, const at::Tensor& dy, const at::Tensor& dx, int size) {
    const int64_t n = padded.size(0), c = padded.size(1), paddedWidth = padded.size(3);
    auto range = at::arange(size, dy.options());
    // Rows first: (N, C, size, W+2p), then columns: (N, C, size, size).
    auto rows =
        (dy.view({n, 1, 1, 1}) + range.view({1, 1, size, 1})).expand({n, c, size, paddedWidth});
    auto band = at::gather(padded, 2, rows);
    auto cols = (dx.view({n, 1, 1, 1}) + range.view({1, 1, 1, size})).expand({n, c, size, size});
    return at::gather(band, 3, cols).contiguous(kImageFormat);
}

at::Tensor squareMask(int64_t height, int64_t width, const at::Tensor& y, const at::Tensor& x,
                      int size) {
    auto ys = at::arange(height, y.options()).view({1, 1, height, 1}) - y.view({-1, 1, 1, 1});
    auto xs = at::arange(width, x.options()).view({1, 1, 1, width}) - x.view({-1, 1, 1, 1});
    return ys.ge(0).logical_and(ys.lt(size)).logical_and(xs.ge(0).logical_and(xs.lt(size)));
}

at::Tensor cutout(const at::Tensor& images, const at::Tensor& y, const at::Tensor& x, int size) {
    if (size <= 0) {
        return images;
    }
    return images.masked_fill(squareMask(images.size(2), images.size(3), y, x, size), 0);
}

at::Tensor normalize(const at::Tensor& pixels, const Normalization& n, at::ScalarType dtype) {
    auto opts = at::TensorOptions().dtype(at::kFloat).device(pixels.device());
    auto mean = at::tensor(at::ArrayRef<float>(n.mean.data(), 3), opts).view({1, 3, 1, 1}) * 255.0;
    auto std = at::tensor(at::ArrayRef<float>(n.std.data(), 3), opts).view({1, 3, 1, 1}) * 255.0;
    return ((pixels.to(at::kFloat) - mean) / std).to(dtype).contiguous(kImageFormat);
}

}  // namespace airbench::augment
