#include "optim/muon.h"

#include "optim/multi_tensor.h"

#include <ATen/core/grad_mode.h>

#include <cmath>
#include <map>

namespace airbench {

at::Tensor newtonSchulz(const at::Tensor& g, int steps, double eps, NewtonSchulzCoefficients k) {
    TORCH_CHECK(g.dim() == 2, "newtonSchulz expects a matrix, got ", g.dim(), " dimensions");
    return newtonSchulzBatched(g.unsqueeze(0), steps, eps, k).squeeze(0);
}

at::Tensor newtonSchulzBatched(const at::Tensor& g, int steps, double eps,
                               NewtonSchulzCoefficients k) {
    TORCH_CHECK(g.dim() == 3, "newtonSchulzBatched expects a stack of matrices, got ", g.dim(),
                " dimensions");
    const at::ScalarType work = g.is_cuda() ? at::kBFloat16 : at::kFloat;
    at::Tensor x = g.to(work);
    // Each matrix by its own Frobenius norm: top singular value <= 1.
    x = x / (at::linalg_vector_norm(x, 2, {1, 2}, /*keepdim=*/true) + eps);
    const bool tall = g.size(1) > g.size(2);
    if (tall) {
        x = x.transpose(1, 2);
    }
    for (int i = 0; i < steps; ++i) {
        // a x + (b A + c A A) x with A = x x^T, as two fused multiply-adds (baddbmm computes
        // beta C + alpha A B in one kernel) instead of separate products, scalings and sums.
        const at::Tensor a = at::bmm(x, x.transpose(1, 2));
        const at::Tensor b = at::baddbmm(a, a, a, /*beta=*/k.b, /*alpha=*/k.c);
        x = at::baddbmm(x, b, x, /*beta=*/k.a, /*alpha=*/1.0);
    }
    if (tall) {
        x = x.transpose(1, 2);
    }
    return x.to(g.scalar_type());
}

Muon::Muon(std::vector<at::Tensor> params, double lr, double momentum, bool nesterov)
    : params_(std::move(params)),
      buffers_(params_.size()),
      baseLr_(lr),
      lr_(lr),
      momentum_(momentum),
      nesterov_(nesterov) {}

void Muon::step() {
    step(at::Tensor());
}

void Muon::step(const at::Tensor& deviceLr) {
    at::NoGradGuard noGrad;
    WithGradients live = withGradients(params_);
    if (live.params.empty()) {
        return;
    }
    const std::vector<at::Tensor> bufs = updateMomentum(buffers_, live, live.grads, momentum_);
    const std::vector<at::Tensor> u =
        nesterov_ ? at::_foreach_add(live.grads, bufs, momentum_) : bufs;

    // Renormalise each weight to Frobenius norm sqrt(rows).
    const std::vector<at::Tensor> norms = at::_foreach_norm(live.params);
    for (size_t k = 0; k < live.params.size(); ++k) {
        live.params[k].mul_(std::sqrt(static_cast<double>(live.params[k].size(0))) / norms[k]);
    }

    // Orthogonalise the updates, stacking the ones of equal shape (airbench94's last three
    // filter banks are all 256 x 2304) so that each Newton-Schulz product is one batched kernel.
    std::map<std::vector<int64_t>, std::vector<size_t>> byShape;
    for (size_t k = 0; k < u.size(); ++k) {
        byShape[u[k].sizes().vec()].push_back(k);
    }
    std::vector<at::Tensor> updates(u.size());
    for (const auto& [shape, same] : byShape) {
        std::vector<at::Tensor> matrices;
        for (size_t j : same) {
            // (out, in, kh, kw) -> (out, in*kh*kw) in logical order.
            matrices.push_back(u[j].reshape({u[j].size(0), -1}));
        }
        const at::Tensor orthogonal = newtonSchulzBatched(at::stack(matrices));
        for (size_t n = 0; n < same.size(); ++n) {
            updates[same[n]] = orthogonal[static_cast<int64_t>(n)].view(u[same[n]].sizes());
        }
    }
    if (deviceLr.defined()) {
        scaleInPlace(updates, deviceLr);
        at::_foreach_sub_(live.params, updates);
    } else {
        at::_foreach_add_(live.params, updates, -lr_);
    }
}

}  // namespace airbench
