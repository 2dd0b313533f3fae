#include "train/training_step.h"

#include "train/run_context.h"

#include <stdexcept>

namespace airbench {
namespace {

class EagerStep : public TrainingStep {
public:
    explicit EagerStep(std::unique_ptr<StepProgram> program) : program_(std::move(program)) {}

    StepOutput run(const at::Tensor& images, const at::Tensor& labels,
                   const std::vector<double>& rates) override {
        return program_->run(images, labels, rates);
    }

private:
    std::unique_ptr<StepProgram> program_;
};

}  // namespace

StepOutput forwardBackward(AirbenchNetImpl& net, const at::Tensor& images, const at::Tensor& labels,
                           double labelSmoothing) {
    StepOutput out;
    out.logits = net.forward(images);
    out.lossSum = perExampleLoss(out.logits, labels, labelSmoothing).sum();
    net.zero_grad(/*set_to_none=*/true);
    out.lossSum.backward();
    out.logits = out.logits.detach();
    out.lossSum = out.lossSum.detach();
    return out;
}

std::unique_ptr<TrainingStep> makeEagerStep(std::unique_ptr<StepProgram> program) {
    return std::make_unique<EagerStep>(std::move(program));
}

std::unique_ptr<TrainingStep> makeRunStep(bool compiled, std::unique_ptr<StepProgram> program,
                                          RunContext& run) {
    if (compiled) {
        std::string why;
        if (graphCaptureAvailable(program->network(), why)) {
            return makeGraphStep(std::move(program),
                                 [&run](const std::string& text) { run.note(text); });
        }
        run.note("compiled mode unavailable (" + why + "); running eagerly");
    }
    return makeEagerStep(std::move(program));
}

#ifndef AIRBENCH_WITH_CUDA
bool graphCaptureAvailable(const AirbenchNetImpl&, std::string& why) {
    why = "this build's LibTorch has no CUDA, so there are no CUDA graphs";
    return false;
}

std::unique_ptr<TrainingStep> makeGraphStep(std::unique_ptr<StepProgram>,
                                            std::function<void(const std::string&)>) {
    throw std::logic_error("makeGraphStep: this build has no CUDA graphs");
}
#endif

}  // namespace airbench
