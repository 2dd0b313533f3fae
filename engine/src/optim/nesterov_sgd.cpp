#include "optim/nesterov_sgd.h"

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
        SgdGroup& group = groups_[gi];
        for (size_t pi = 0; pi < group.params.size(); ++pi) {
            at::Tensor& p = group.params[pi];
            const at::Tensor& grad = p.grad();
            if (!grad.defined()) {
                continue;
            }
            at::Tensor d = group.weightDecay != 0 ? grad.add(p, group.weightDecay) : grad;
            at::Tensor& buf = buffers_[gi][pi];
            if (!buf.defined()) {
                buf = d.clone();
            } else {
                buf.mul_(momentum_).add_(d);
            }
            if (deviceLrs.empty()) {
                p.add_(d.add(buf, momentum_), -group.lr);
            } else {
                p.sub_(d.add(buf, momentum_).mul_(deviceLrs[gi]));
            }
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
