#include "train/sgd_step.h"

namespace airbench {
namespace {

class SgdProgram : public StepProgram {
public:
    SgdProgram(AirbenchNetImpl& net, NesterovSgd optimizer, double smoothing)
        : net_(net), optimizer_(std::move(optimizer)), smoothing_(smoothing) {}

    AirbenchNetImpl& network() override { return net_; }
    size_t rateCount() const override { return 1; }

    StepOutput run(const at::Tensor& images, const at::Tensor& labels,
                   const std::vector<double>& rates) override {
        StepOutput out = forwardBackward(net_, images, labels, smoothing_);
        optimizer_.setLrFactor(rates.at(0));
        optimizer_.step();
        return out;
    }

    StepOutput run(const at::Tensor& images, const at::Tensor& labels,
                   const std::vector<at::Tensor>& rates) override {
        StepOutput out = forwardBackward(net_, images, labels, smoothing_);
        std::vector<at::Tensor> lrs;
        for (const auto& g : optimizer_.groups()) {
            lrs.push_back(rates.at(0) * g.baseLr);
        }
        optimizer_.step(lrs);
        return out;
    }

private:
    AirbenchNetImpl& net_;
    NesterovSgd optimizer_;
    double smoothing_;
};

}  // namespace

std::unique_ptr<StepProgram> makeSgdProgram(AirbenchNetImpl& net, NesterovSgd optimizer,
                                            double labelSmoothing) {
    return std::make_unique<SgdProgram>(net, std::move(optimizer), labelSmoothing);
}

}  // namespace airbench
