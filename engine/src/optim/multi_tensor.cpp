#include "optim/multi_tensor.h"

#include <torch/version.h>

// _foreach_mul_(TensorList, Tensor) arrived in LibTorch 2.1 (capturable optimizers).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define AIRBENCH_FOREACH_TENSOR_SCALAR 1
#endif

namespace airbench {

void scaleInPlace(at::TensorList tensors, const at::Tensor& scalar) {
    if (tensors.empty()) {
        return;
    }
    const at::Tensor cast = scalar.to(tensors[0].scalar_type());
#ifdef AIRBENCH_FOREACH_TENSOR_SCALAR
    at::_foreach_mul_(tensors, cast);
#else
    for (const at::Tensor& t : tensors) {
        t.mul_(cast);
    }
#endif
}

WithGradients withGradients(const std::vector<at::Tensor>& params) {
    WithGradients out;
    for (size_t i = 0; i < params.size(); ++i) {
        const at::Tensor& grad = params[i].grad();
        if (grad.defined()) {
            out.params.push_back(params[i]);
            out.grads.push_back(grad);
            out.index.push_back(i);
        }
    }
    return out;
}

std::vector<at::Tensor> updateMomentum(std::vector<at::Tensor>& store, const WithGradients& live,
                                       at::TensorList d, double momentum) {
    std::vector<at::Tensor> bufs;
    for (size_t k = 0; k < live.index.size(); ++k) {
        at::Tensor& buf = store[live.index[k]];
        if (!buf.defined()) {
            buf = at::zeros_like(d[k]);
        }
        bufs.push_back(buf);
    }
    at::_foreach_mul_(bufs, momentum);
    at::_foreach_add_(bufs, d);
    return bufs;
}

}  // namespace airbench
