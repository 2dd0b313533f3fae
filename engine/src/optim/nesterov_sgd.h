#pragma once
// Nesterov SGD with coupled L2 weight decay, step for step the same as torch.optim.SGD:
//   d = g + wd * p;  buf = d (first step) or mu * buf + d;  p -= lr * (d + mu * buf)
// Tensors without a gradient are skipped entirely (no decay, no momentum), which is how a frozen
// whitening bias stops training. The learning rate is set by the caller every step.

#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace airbench {

struct SgdGroup {
    std::string name;
    std::vector<at::Tensor> params;
    double baseLr = 0;       // lr at schedule factor 1
    double weightDecay = 0;  // the coefficient added to the gradient (wd / lr in airbench units)
    double lr = 0;           // current lr
};

class NesterovSgd {
public:
    NesterovSgd(std::vector<SgdGroup> groups, double momentum);
    // Sets every group's lr to baseLr * factor.
    void setLrFactor(double factor);
    void step();
    // The same update with each group's lr read from a device scalar (groups' order), so that a
    // captured CUDA graph can replay it while the schedule changes the values.
    void step(const std::vector<at::Tensor>& deviceLrs);
    std::vector<SgdGroup>& groups() { return groups_; }
    double momentum() const { return momentum_; }

private:
    std::vector<SgdGroup> groups_;
    std::vector<std::vector<at::Tensor>> buffers_;
    double momentum_;
};

// airbench's decoupled units (RECIPES.md §2) for the two groups {BatchNorm biases} and
// {everything else}: lr = LR / kscale, lr_bias = lr * biasScaler, and each group's coefficient
// wd / group_lr so that the per-step decay lr * coefficient is equal across groups.
struct DecoupledRates {
    double lr;
    double biasLr;
    double wd;  // WD * batch / kscale
    double otherDecay() const { return wd / lr; }
    double biasDecay() const { return wd / biasLr; }
};
DecoupledRates decoupledRates(double learningRate, double weightDecay, double momentum,
                              double biasScaler, int batchSize);

}  // namespace airbench
