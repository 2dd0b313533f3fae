#include "optim/lookahead.h"

namespace airbench {

Lookahead::Lookahead(torch::nn::Module& module) {
    at::NoGradGuard noGrad;
    auto add = [&](const at::Tensor& t) {
        if (t.defined() && at::isFloatingType(t.scalar_type())) {
            live_.push_back(t);
            slow_.push_back(t.detach().clone());
        }
    };
    for (const auto& p : module.parameters()) {
        add(p);
    }
    for (const auto& b : module.buffers()) {
        add(b);  // BatchNorm running statistics (the int64 counter is skipped)
    }
}

void Lookahead::update(double decay) {
    at::NoGradGuard noGrad;
    for (size_t i = 0; i < live_.size(); ++i) {
        slow_[i].lerp_(live_[i], 1.0 - decay);
        live_[i].copy_(slow_[i]);
    }
}

}  // namespace airbench
