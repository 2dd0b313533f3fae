#include "optim/nesterov_sgd.h"

#include "optim/multi_tensor.h"

#include <ATen/core/grad_mode.h>

namespace airbench {

NesterovSgd::NesterovSgd(std::vector<SgdGroup> groups, double momentum)
    : groups_(std::move(groups)), momentum_(momentum) {
    for (auto& g : groups_) {
        g.lr = g.baseLr;
        buffers_.emplace_back(g.params.size());
    }
}

void NesterovSgd::setLrFactor(double factor) {
    for (auto& g : groups_) {
        g.lr = g.baseLr * factor;
    }
}

void NesterovSgd::step() {
    step({});
}

void NesterovSgd::step(const std::vector<at::Tensor>& deviceLrs) {
    at::NoGradGuard noGrad;
    for (size_t gi = 0; gi < groups_.size(); ++gi) {
        const SgdGroup& group = groups_[gi];
        WithGradients live = withGradients(group.params);
        if (live.params.empty()) {
            continue;
        }
        // The per-tensor update, one foreach op per line (the group's tensors share a dtype):
        //   d = g + wd p;  buf = d or mu buf + d;  p -= lr (d + mu buf)
        std::vector<at::Tensor> d =
            group.weightDecay != 0 ? at::_foreach_add(live.grads, live.params, group.weightDecay)
                                   : live.grads;
        const std::vector<at::Tensor> bufs = updateMomentum(buffers_[gi], live, d, momentum_);
        std::vector<at::Tensor> update = at::_foreach_add(d, bufs, momentum_);
        if (deviceLrs.empty()) {
            at::_foreach_add_(live.params, update, -group.lr);
        } else {
            scaleInPlace(update, deviceLrs.at(gi));
            at::_foreach_sub_(live.params, update);
        }
    }
}

DecoupledRates decoupledRates(double learningRate, double weightDecay, double momentum,
                              double biasScaler, int batchSize) {
    // The Nesterov update's effective step is lr / (1 - mu) + lr, hence this scale.
    const double kscale = 1024.0 * (1.0 + 1.0 / (1.0 - momentum));
    DecoupledRates r;
    r.lr = learningRate / kscale;
    r.biasLr = r.lr * biasScaler;
    r.wd = weightDecay * batchSize / kscale;
    return r;
}

}  // namespace airbench
