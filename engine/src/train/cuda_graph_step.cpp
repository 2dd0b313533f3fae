// The CUDA-graph training step (compiled mode; built only with a CUDA LibTorch).
//
// After a few eager warm-up steps (which also create every momentum buffer and let cuDNN pick
// its kernels), forward + loss + backward + the SGD update are captured once on a side stream
// into a CUDA graph and replayed for every later step: one launch instead of hundreds. Inputs go
// through static buffers; the learning rates live in device scalars so that the schedule can
// change them between replays. A change in which tensors train (the whitening bias freezing
// after its epochs) needs a different graph, so the step re-captures then. If a capture fails,
// the step says why and continues eagerly.

#include "train/sgd_step.h"

#include "train/run_context.h"

#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/cuda.h>

namespace airbench {
namespace {

constexpr int kEagerWarmupSteps = 3;

class CudaGraphStep : public SgdStep {
public:
    CudaGraphStep(AirbenchNetImpl& net, NesterovSgd& optimizer, double smoothing,
                  std::vector<std::string>* notes)
        : net_(net),
          optimizer_(optimizer),
          smoothing_(smoothing),
          eager_(makeEagerStep(net, optimizer, smoothing)),
          notes_(notes) {}

    StepOutput run(const at::Tensor& images, const at::Tensor& labels, double lrFactor) override {
        const bool biasTrains = net_.whiten->bias.requires_grad();
        const bool shapeChanged =
            staticImages_.defined() && !staticImages_.sizes().equals(images.sizes());
        if (failed_ || warmupLeft_ > 0) {
            --warmupLeft_;
            return eager_->run(images, labels, lrFactor);
        }
        if (!graph_ || biasTrains != capturedBiasTrains_ || shapeChanged) {
            if (shapeChanged) {
                // A short last batch (no drop_last): run it eagerly, keep the graph.
                return eager_->run(images, labels, lrFactor);
            }
            if (!capture(images, labels, biasTrains)) {
                return eager_->run(images, labels, lrFactor);
            }
        }
        staticImages_.copy_(images);
        staticLabels_.copy_(labels);
        auto& groups = optimizer_.groups();
        for (size_t g = 0; g < groups.size(); ++g) {
            lrs_[g].fill_(groups[g].baseLr * lrFactor);
            groups[g].lr = groups[g].baseLr * lrFactor;
        }
        graph_->replay();
        return {staticLogits_, staticLoss_};
    }

private:
    bool capture(const at::Tensor& images, const at::Tensor& labels, bool biasTrains) {
        torch::cuda::synchronize();
        staticImages_ = images.clone();
        staticLabels_ = labels.clone();
        lrs_.clear();
        for (const auto& g : optimizer_.groups()) {
            lrs_.push_back(at::full({}, g.lr, images.options().dtype(at::kFloat)));
        }
        graph_ = std::make_unique<at::cuda::CUDAGraph>();
        at::cuda::CUDAStream side = at::cuda::getStreamFromPool();
        try {
            at::cuda::CUDAStreamGuard guard(side);
            net_.zero_grad(/*set_to_none=*/true);
            graph_->capture_begin();
            staticLogits_ = net_.forward(staticImages_);
            staticLoss_ = perExampleLoss(staticLogits_, staticLabels_, smoothing_).sum();
            staticLoss_.backward();
            optimizer_.step(lrs_);
            graph_->capture_end();
        } catch (const c10::Error& e) {
            try {
                graph_->capture_end();
            } catch (const c10::Error&) {
            }
            graph_.reset();
            failed_ = true;
            if (notes_) {
                notes_->push_back(std::string("CUDA graph capture failed; continuing eagerly: ") +
                                  e.what_without_backtrace());
            }
            torch::cuda::synchronize();
            return false;
        }
        torch::cuda::synchronize();
        capturedBiasTrains_ = biasTrains;
        ++captures_;
        if (notes_ && captures_ == 1) {
            notes_->push_back("compiled mode: training step captured in a CUDA graph");
        }
        return true;
    }

    AirbenchNetImpl& net_;
    NesterovSgd& optimizer_;
    double smoothing_;
    std::unique_ptr<SgdStep> eager_;
    std::vector<std::string>* notes_;
    std::unique_ptr<at::cuda::CUDAGraph> graph_;
    at::Tensor staticImages_, staticLabels_, staticLogits_, staticLoss_;
    std::vector<at::Tensor> lrs_;
    bool capturedBiasTrains_ = true;
    bool failed_ = false;
    int warmupLeft_ = kEagerWarmupSteps;
    int captures_ = 0;
};

}  // namespace

std::unique_ptr<SgdStep> makeGraphStep(AirbenchNetImpl& net, NesterovSgd& optimizer,
                                       double labelSmoothing, std::string& why,
                                       std::vector<std::string>* notes) {
    if (!net.whiten->weight.is_cuda()) {
        why = "CUDA graphs need the network on a CUDA device";
        return nullptr;
    }
    return std::make_unique<CudaGraphStep>(net, optimizer, labelSmoothing, notes);
}

}  // namespace airbench
