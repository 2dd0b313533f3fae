#include "train/sgd_step.h"

#include "train/run_context.h"

namespace airbench {
namespace {

class EagerStep : public SgdStep {
public:
    EagerStep(AirbenchNetImpl& net, NesterovSgd& optimizer, double smoothing)
        : net_(net), optimizer_(optimizer), smoothing_(smoothing) {}

    StepOutput run(const at::Tensor& images, const at::Tensor& labels, double lrFactor) override {
        StepOutput out;
        out.logits = net_.forward(images);
        out.lossSum = perExampleLoss(out.logits, labels, smoothing_).sum();
        net_.zero_grad(/*set_to_none=*/true);
        out.lossSum.backward();
        optimizer_.setLrFactor(lrFactor);
        optimizer_.step();
        return out;
    }

private:
    AirbenchNetImpl& net_;
    NesterovSgd& optimizer_;
    double smoothing_;
};

}  // namespace

std::unique_ptr<SgdStep> makeEagerStep(AirbenchNetImpl& net, NesterovSgd& optimizer,
                                       double labelSmoothing) {
    return std::make_unique<EagerStep>(net, optimizer, labelSmoothing);
}

#ifndef AIRBENCH_WITH_CUDA
std::unique_ptr<SgdStep> makeGraphStep(AirbenchNetImpl&, NesterovSgd&, double, std::string& why,
                                       std::vector<std::string>*) {
    why = "this build's LibTorch has no CUDA, so there are no CUDA graphs";
    return nullptr;
}
#endif

}  // namespace airbench
