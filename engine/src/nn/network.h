#pragma once
// The airbench networks (RECIPES.md §1.2-1.4):
//   whiten (2x2 conv, 3 -> 24, frozen weights) -> GELU
//   -> group(24 -> w1) -> group(w1 -> w2) -> group(w2 -> w3)      (32 -> 31 -> 15 -> 7 -> 3)
//   -> MaxPool(3) (a global max over 3x3) -> flatten -> Linear(w3 -> 10) -> output scale.
// BatchNorm: affine weight frozen at 1, bias trained, eps 1e-12.

#include <airbench/device.h>
#include <airbench/recipe.h>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <vector>

namespace airbench {

constexpr int kWhiteningChannels = 24;  // 12 eigen-filters and their negations

// How the conv groups compute, not what: every choice gives the same function of the same
// parameters and state. Each needs this build's CUDA kernels to pay off (see the headers).
struct KernelChoices {
    bool fusedNormActivation = false;  // BatchNorm + GELU as one operation (nn/batch_norm_gelu.h)
    bool compactPooling = false;       // 2x2 max pooling with one-byte indices (nn/max_pool.h)
    bool operator==(const KernelChoices& o) const {
        return fusedNormActivation == o.fusedNormActivation && compactPooling == o.compactPooling;
    }
};

class ConvGroupImpl : public torch::nn::Module {
public:
    ConvGroupImpl(int in, int out, BlockKind kind, double bnMomentum, double bnEps);
    at::Tensor forward(at::Tensor x);  // (B, in, H, W) -> (B, out, H/2, W/2)

    std::vector<torch::nn::Conv2d> convs;
    std::vector<torch::nn::BatchNorm2d> norms;
    BlockKind kind;
    KernelChoices kernels;

private:
    at::Tensor normThenGelu(size_t layer, const at::Tensor& x);
};
TORCH_MODULE(ConvGroup);

class AirbenchNetImpl : public torch::nn::Module {
public:
    explicit AirbenchNetImpl(const NetworkSpec& spec);
    at::Tensor forward(at::Tensor x);  // (B, 3, 32, 32) normalised -> (B, classes) logits

    // PyTorch's default initialisation drawn from `generator`, then dirac on the first
    // in_channels filters of every 3x3 conv, a zero or uniform whitening bias, and (muon head)
    // the head weight rescaled to std 1. The whitening weight is set later from data.
    void initialize(at::Generator& generator);

    // fp16 everywhere except BatchNorm (fp32) on CUDA, fp32 on CPU; 4-D weights channels_last.
    void applyDtypePolicy(const Device& device);

    std::vector<at::Tensor> batchNormBiases();
    // Trainable tensors other than BatchNorm biases: whitening bias, conv weights, head weight.
    std::vector<at::Tensor> otherTrainable();
    std::vector<at::Tensor> convWeights();  // the 3x3 conv filters (Muon's tensors)

    void setKernelChoices(const KernelChoices& choices);  // for every group
    KernelChoices kernelChoices() const;

    NetworkSpec spec;
    double logitScale = 1.0 / 9.0;
    torch::nn::Conv2d whiten{nullptr};
    torch::nn::ModuleList groups;
    torch::nn::Linear head{nullptr};
};
TORCH_MODULE(AirbenchNet);

// Floating-point operations of one forward pass over one 32x32 image (2 per multiply-add,
// convolutions and the head only; BatchNorm, GELU and pooling are under 1%).
double forwardFlopsPerImage(const NetworkSpec& spec);

}  // namespace airbench
