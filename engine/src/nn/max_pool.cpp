#include "nn/max_pool.h"

#include <torch/csrc/autograd/custom_function.h>

#include <climits>

#ifdef AIRBENCH_WITH_CUDA_KERNELS
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "nn/cuda/max_pool.h"
#endif

namespace airbench {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The window position (0: top left, 1: right, 2: below, 3: below right) of every output element,
// as a strided view of the input: element (n, c, i, j) of view k is x(n, c, 2i + k/2, 2j + k%2).
at::Tensor windowPosition(const at::Tensor& x, int k) {
    const int64_t outHeight = x.size(2) / 2, outWidth = x.size(3) / 2;
    return x.slice(2, k / 2, 2 * outHeight, 2).slice(3, k % 2, 2 * outWidth, 2);
}

// ---- The scheme as tensor ops (any device) ----

std::pair<at::Tensor, at::Tensor> referenceForward(const at::Tensor& x) {
    std::vector<at::Tensor> positions;
    for (int k = 0; k < 4; ++k) {
        positions.push_back(windowPosition(x, k));
    }
    // max over the last dimension returns the first maximum's index on ties, as max_pool2d.
    auto [values, index] = at::stack(positions, -1).max(-1);
    return {values.contiguous(x.suggest_memory_format()), index.to(at::kByte)};
}

at::Tensor referenceBackward(const at::Tensor& dy, const at::Tensor& offsets,
                             at::IntArrayRef inputSizes, at::MemoryFormat format) {
    at::Tensor dx = at::zeros(inputSizes, dy.options().memory_format(format));
    for (int k = 0; k < 4; ++k) {
        windowPosition(dx, k).copy_(at::where(offsets == k, dy, at::zeros({}, dy.options())));
    }
    return dx;
}

// ---- The CUDA kernels ----

#ifdef AIRBENCH_WITH_CUDA_KERNELS

bool kernelsApply(const at::Tensor& x) {
    const bool type = x.scalar_type() == at::kHalf || x.scalar_type() == at::kFloat;
    return x.is_cuda() && type && x.size(1) <= INT_MAX && x.size(2) <= INT_MAX &&
           x.size(3) <= INT_MAX;
}

cuda::MaxPoolShape shapeOf(at::IntArrayRef sizes, const at::Tensor& like) {
    cuda::MaxPoolShape s;
    s.images = sizes[0];
    s.channels = static_cast<int>(sizes[1]);
    s.height = static_cast<int>(sizes[2]);
    s.width = static_cast<int>(sizes[3]);
    s.elementBytes = static_cast<int>(like.element_size());
    s.stream = c10::cuda::getCurrentCUDAStream(like.device().index()).stream();
    return s;
}

void check(const char* error, const char* what) {
    TORCH_CHECK(error == nullptr, "compact max pooling: ", what,
                " failed: ", error == nullptr ? "" : error);
}

std::pair<at::Tensor, at::Tensor> kernelForward(const at::Tensor& xAny) {
    const c10::cuda::CUDAGuard guard(xAny.device());
    const at::Tensor x = xAny.contiguous(at::MemoryFormat::ChannelsLast);
    const std::vector<int64_t> outSizes{x.size(0), x.size(1), x.size(2) / 2, x.size(3) / 2};
    at::Tensor y = at::empty(outSizes, x.options().memory_format(at::MemoryFormat::ChannelsLast));
    at::Tensor offsets = at::empty(
        outSizes, x.options().dtype(at::kByte).memory_format(at::MemoryFormat::ChannelsLast));
    check(cuda::launchMaxPool2x2Forward(shapeOf(x.sizes(), x), x.data_ptr(), y.data_ptr(),
                                        offsets.data_ptr<uint8_t>()),
          "forward");
    return {y, offsets};
}

at::Tensor kernelBackward(const at::Tensor& dyAny, const at::Tensor& offsets,
                          at::IntArrayRef inputSizes) {
    const c10::cuda::CUDAGuard guard(dyAny.device());
    const at::Tensor dy = dyAny.contiguous(at::MemoryFormat::ChannelsLast);
    at::Tensor dx =
        at::empty(inputSizes, dy.options().memory_format(at::MemoryFormat::ChannelsLast));
    check(cuda::launchMaxPool2x2Backward(shapeOf(inputSizes, dy), dy.data_ptr(),
                                         offsets.data_ptr<uint8_t>(), dx.data_ptr()),
          "backward");
    return dx;
}

#else

bool kernelsApply(const at::Tensor&) {
    return false;
}

std::pair<at::Tensor, at::Tensor> kernelForward(const at::Tensor&) {
    TORCH_CHECK(false, "this build has no CUDA kernels");
    return {};
}

at::Tensor kernelBackward(const at::Tensor&, const at::Tensor&, at::IntArrayRef) {
    TORCH_CHECK(false, "this build has no CUDA kernels");
    return {};
}

#endif

// ---- The autograd node ----

class CompactMaxPoolFunction : public torch::autograd::Function<CompactMaxPoolFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x) {
        const bool kernels = kernelsApply(x);
        auto [y, offsets] = kernels ? kernelForward(x) : referenceForward(x);
        ctx->save_for_backward({offsets});
        ctx->saved_data["sizes"] = x.sizes().vec();
        ctx->saved_data["kernels"] = kernels;
        ctx->saved_data["channelsLast"] =
            x.suggest_memory_format() == at::MemoryFormat::ChannelsLast;
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradOutputs) {
        const at::Tensor offsets = ctx->get_saved_variables()[0];
        const std::vector<int64_t> sizes = ctx->saved_data["sizes"].toIntVector();
        if (ctx->saved_data["kernels"].toBool()) {
            return {kernelBackward(gradOutputs[0], offsets, sizes)};
        }
        const at::MemoryFormat format = ctx->saved_data["channelsLast"].toBool()
                                            ? at::MemoryFormat::ChannelsLast
                                            : at::MemoryFormat::Contiguous;
        return {referenceBackward(gradOutputs[0], offsets, sizes, format)};
    }
};

}  // namespace

at::Tensor compactMaxPool2x2(const at::Tensor& x) {
    TORCH_CHECK(x.dim() == 4, "compactMaxPool2x2 expects (N, C, H, W), got ", x.sizes());
    TORCH_CHECK(x.size(2) >= 2 && x.size(3) >= 2,
                "compactMaxPool2x2: a 2x2 window needs at least 2x2 pixels, got ", x.sizes());
    return CompactMaxPoolFunction::apply(x);
}

}  // namespace airbench
