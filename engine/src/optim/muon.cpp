#include "optim/muon.h"

#include <cmath>

namespace airbench {

at::Tensor newtonSchulz(const at::Tensor& g, int steps, double eps, NewtonSchulzCoefficients k) {
    TORCH_CHECK(g.dim() == 2, "newtonSchulz expects a matrix, got ", g.dim(), " dimensions");
    const at::ScalarType work = g.is_cuda() ? at::kBFloat16 : at::kFloat;
    at::Tensor x = g.to(work);
    x = x / (x.norm() + eps);  // top singular value <= 1
    const bool tall = g.size(0) > g.size(1);
    if (tall) {
        x = x.t();
    }
    for (int i = 0; i < steps; ++i) {
        at::Tensor a = x.mm(x.t());
        at::Tensor b = k.b * a + k.c * a.mm(a);
        x = k.a * x + b.mm(x);
    }
    if (tall) {
        x = x.t();
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
    for (size_t i = 0; i < params_.size(); ++i) {
        at::Tensor& p = params_[i];
        const at::Tensor& g = p.grad();
        if (!g.defined()) {
            continue;
        }
        at::Tensor& buf = buffers_[i];
        if (!buf.defined()) {
            buf = at::zeros_like(g);
        }
        buf.mul_(momentum_).add_(g);
        const at::Tensor u = nesterov_ ? g.add(buf, momentum_) : buf;
        const int64_t rows = p.size(0);
        p.mul_(std::sqrt(static_cast<double>(rows)) / p.norm());
        // (out, in, kh, kw) -> (out, in*kh*kw) in logical order, and back.
        const at::Tensor update = newtonSchulz(u.reshape({rows, -1})).view(u.sizes());
        if (deviceLr.defined()) {
            p.sub_(update.mul(deviceLr));
        } else {
            p.sub_(update, lr_);
        }
    }
}

}  // namespace airbench
