// The CUDA-graph training step (compiled mode; built only with a CUDA LibTorch).
//
// After a few eager warm-up steps (which also create every momentum buffer and let cuDNN pick
// its kernels), the program's step (forward, loss, backward, every optimizer update) is captured
// once on a side stream into a CUDA graph and replayed for every later step: one launch instead
// of hundreds. Inputs go through static buffers; the schedule values live in device scalars so
// that they can change between replays. A change in which tensors train (a whitening bias that
// freezes) needs a different graph, so the step re-captures then. If a capture fails, the step
// says why and continues eagerly.

#include "train/training_step.h"

#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/cuda.h>

#include <optional>

namespace airbench {
namespace {

constexpr int kEagerWarmupSteps = 3;

class CudaGraphStep : public TrainingStep {
public:
    CudaGraphStep(std::unique_ptr<StepProgram> program,
                  std::function<void(const std::string&)> note)
        : program_(std::move(program)), note_(std::move(note)) {}

    StepOutput run(const at::Tensor& images, const at::Tensor& labels,
                   const std::vector<double>& rates) override {
        if (warmupLeft_ > 0) {
            --warmupLeft_;
            return program_->run(images, labels, rates);
        }
        if (failed_) {
            return program_->run(images, labels, rates);
        }
        if (staticImages_.defined() && !staticImages_.sizes().equals(images.sizes())) {
            // A short last batch (no drop_last): run it eagerly, keep the graph.
            return program_->run(images, labels, rates);
        }
        std::vector<bool> trained = trainedTensors();
        if (!graph_ || trained != capturedTrained_) {
            if (!capture(images, labels)) {
                return program_->run(images, labels, rates);
            }
            capturedTrained_ = std::move(trained);
        }
        staticImages_.copy_(images);
        staticLabels_.copy_(labels);
        for (size_t i = 0; i < rates.size(); ++i) {
            rates_[i].fill_(rates[i]);
        }
        graph_->replay();
        return output_;
    }

private:
    std::vector<bool> trainedTensors() {
        std::vector<bool> trained;
        for (const auto& p : program_->network().parameters()) {
            trained.push_back(p.requires_grad());
        }
        return trained;
    }

    bool capture(const at::Tensor& images, const at::Tensor& labels) {
        torch::cuda::synchronize();
        output_ = {};
        graph_.reset();  // releases the previous graph's memory before the new capture
        staticImages_ = images.clone();
        staticLabels_ = labels.clone();
        rates_.clear();
        for (size_t i = 0; i < program_->rateCount(); ++i) {
            rates_.push_back(at::zeros({}, images.options().dtype(at::kFloat)));
        }
        if (!side_) {
            side_ = c10::cuda::getStreamFromPool();
        }
        std::string error;
        try {
            graph_ = std::make_unique<at::cuda::CUDAGraph>();
            c10::cuda::CUDAStreamGuard guard(*side_);
            program_->network().zero_grad(/*set_to_none=*/true);
            graph_->capture_begin();
            try {
                output_ = program_->run(staticImages_, staticLabels_, rates_);
            } catch (...) {
                try {
                    graph_->capture_end();  // leaves the stream's capture state before rethrowing
                } catch (...) {
                }
                throw;
            }
            graph_->capture_end();
            torch::cuda::synchronize();
        } catch (const c10::Error& e) {
            error = e.what_without_backtrace();
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (!error.empty()) {
            graph_.reset();
            output_ = {};
            failed_ = true;
            if (note_) {
                note_("CUDA graph capture failed; continuing eagerly: " + error);
            }
            try {
                torch::cuda::synchronize();
            } catch (...) {
            }
            return false;
        }
        ++captures_;
        if (note_ && captures_ == 1) {
            note_("compiled mode: training step captured in a CUDA graph");
        }
        return true;
    }

    std::unique_ptr<StepProgram> program_;
    std::function<void(const std::string&)> note_;
    std::unique_ptr<at::cuda::CUDAGraph> graph_;
    std::optional<c10::cuda::CUDAStream> side_;  // every capture on one stream
    at::Tensor staticImages_, staticLabels_;
    std::vector<at::Tensor> rates_;
    StepOutput output_;
    std::vector<bool> capturedTrained_;
    bool failed_ = false;
    int warmupLeft_ = kEagerWarmupSteps;
    int captures_ = 0;
};

}  // namespace

bool graphCaptureAvailable(const AirbenchNetImpl& net, std::string& why) {
    if (!net.whiten->weight.is_cuda()) {
        why = "CUDA graphs need the network on a CUDA device";
        return false;
    }
    return true;
}

std::unique_ptr<TrainingStep> makeGraphStep(std::unique_ptr<StepProgram> program,
                                            std::function<void(const std::string&)> note) {
    return std::make_unique<CudaGraphStep>(std::move(program), std::move(note));
}

}  // namespace airbench
