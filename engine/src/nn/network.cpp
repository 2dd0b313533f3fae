#include "nn/network.h"

#include "core/torch_device.h"
#include "nn/batch_norm_gelu.h"
#include "nn/max_pool.h"

#include <torch/nn/init.h>

#include <cmath>

namespace airbench {
namespace {

torch::nn::Conv2d conv3x3(int in, int out) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false));
}

torch::nn::BatchNorm2d batchNorm(int channels, double momentum, double eps) {
    torch::nn::BatchNorm2d bn(torch::nn::BatchNorm2dOptions(channels).eps(eps).momentum(momentum));
    bn->weight.set_requires_grad(false);  // the scale stays 1: only the bias trains
    return bn;
}

// kaiming_uniform(a = sqrt(5)) as PyTorch initialises Conv2d and Linear: U(+-1/sqrt(fan_in)).
void defaultUniform(at::Tensor& t, int64_t fanIn, at::Generator& gen) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
    t.uniform_(-bound, bound, gen);
}

int64_t fanIn(const at::Tensor& weight) {
    return weight.numel() / weight.size(0);
}

}  // namespace

ConvGroupImpl::ConvGroupImpl(int in, int out, BlockKind kind, double bnMomentum, double bnEps)
    : kind(kind) {
    const int layers = kind == BlockKind::TwoConv ? 2 : 3;
    for (int i = 0; i < layers; ++i) {
        convs.push_back(
            register_module("conv" + std::to_string(i + 1), conv3x3(i == 0 ? in : out, out)));
        // The spec states the momentum in the reference's convention (the share of the running
        // statistics kept); PyTorch's BatchNorm wants the share replaced.
        norms.push_back(register_module("norm" + std::to_string(i + 1),
                                        batchNorm(out, 1.0 - bnMomentum, bnEps)));
    }
}

at::Tensor ConvGroupImpl::normThenGelu(size_t layer, const at::Tensor& x) {
    torch::nn::BatchNorm2dImpl& bn = *norms[layer];
    const auto& momentum = bn.options.momentum();
    if (!kernels.fusedNormActivation || !momentum.has_value() ||
        !bn.options.track_running_stats()) {
        return at::gelu(bn.forward(x));
    }
    if (bn.is_training()) {
        bn.num_batches_tracked.add_(1);  // as BatchNorm2d's forward counts
    }
    return batchNormGelu(x, bn.weight, bn.bias, bn.running_mean, bn.running_var, bn.is_training(),
                         *momentum, bn.options.eps());
}

at::Tensor ConvGroupImpl::forward(at::Tensor x) {
    x = convs[0]->forward(x);
    x = kernels.compactPooling ? compactMaxPool2x2(x) : at::max_pool2d(x, {2, 2});
    x = normThenGelu(0, x);
    if (kind == BlockKind::TwoConv) {
        return normThenGelu(1, convs[1]->forward(x));
    }
    at::Tensor skip = x;
    x = normThenGelu(1, convs[1]->forward(x));
    x = norms[2]->forward(convs[2]->forward(x));
    return at::gelu(x + skip);
}

AirbenchNetImpl::AirbenchNetImpl(const NetworkSpec& s) : spec(s) {
    whiten = register_module(
        "whiten", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, kWhiteningChannels, 2).bias(true)));
    whiten->weight.set_requires_grad(false);  // set from data, never trained
    groups = register_module("groups", torch::nn::ModuleList());
    int in = kWhiteningChannels;
    for (int width : spec.widths) {
        groups->push_back(
            ConvGroup(in, width, spec.block, spec.batchNormMomentum, spec.batchNormEps));
        in = width;
    }
    head = register_module(
        "head", torch::nn::Linear(torch::nn::LinearOptions(in, spec.numClasses).bias(false)));
    logitScale = spec.head == HeadKind::ScaledByNinth ? 1.0 / 9.0 : 1.0 / spec.widths[2];
}

at::Tensor AirbenchNetImpl::forward(at::Tensor x) {
    x = at::gelu(whiten->forward(x));
    for (const auto& group : *groups) {
        x = group->as<ConvGroupImpl>()->forward(x);
    }
    x = at::max_pool2d(x, {3, 3});  // 3x3 -> 1x1
    x = x.flatten(1);
    return head->forward(x) * logitScale;
}

void AirbenchNetImpl::initialize(at::Generator& gen) {
    at::NoGradGuard noGrad;
    defaultUniform(whiten->weight, fanIn(whiten->weight), gen);
    if (spec.whiteningBias == WhiteningBiasInit::Uniform) {
        defaultUniform(whiten->bias, fanIn(whiten->weight), gen);
    } else {
        whiten->bias.zero_();
    }
    for (const auto& module : *groups) {
        auto* group = module->as<ConvGroupImpl>();
        for (auto& conv : group->convs) {
            at::Tensor& w = conv->weight;
            defaultUniform(w, fanIn(w), gen);
            // The first in_channels filters start as the identity (the centre tap of their own
            // input channel), so each conv begins as a partial pass-through.
            torch::nn::init::dirac_(w.slice(0, 0, w.size(1)));
        }
        for (auto& bn : group->norms) {
            bn->weight.fill_(1);
            bn->bias.zero_();
            bn->running_mean.zero_();
            bn->running_var.fill_(1);
            bn->num_batches_tracked.zero_();
        }
    }
    defaultUniform(head->weight, fanIn(head->weight), gen);
    if (spec.head == HeadKind::UnitStdOverWidth) {
        head->weight.mul_(1.0 / head->weight.std());
    }
}

void AirbenchNetImpl::applyDtypePolicy(const Device& device) {
    to(toTorchDevice(device));
    const at::ScalarType dtype = computeDtype(device);
    at::NoGradGuard noGrad;
    for (const auto& module : modules(/*include_self=*/true)) {
        // BatchNorm stays fp32 (parameters and running statistics); fp16 in, fp16 out.
        if (dynamic_cast<torch::nn::BatchNorm2dImpl*>(module.get()) != nullptr) {
            continue;
        }
        for (auto& p : module->parameters(/*recurse=*/false)) {
            at::Tensor converted = p.to(dtype);
            if (converted.dim() == 4) {
                converted = converted.contiguous(kImageFormat);
            }
            p.set_data(converted);
        }
    }
}

std::vector<at::Tensor> AirbenchNetImpl::batchNormBiases() {
    std::vector<at::Tensor> out;
    for (const auto& module : *groups) {
        for (auto& bn : module->as<ConvGroupImpl>()->norms) {
            out.push_back(bn->bias);
        }
    }
    return out;
}

std::vector<at::Tensor> AirbenchNetImpl::convWeights() {
    std::vector<at::Tensor> out;
    for (const auto& module : *groups) {
        for (auto& conv : module->as<ConvGroupImpl>()->convs) {
            out.push_back(conv->weight);
        }
    }
    return out;
}

void AirbenchNetImpl::setKernelChoices(const KernelChoices& choices) {
    for (const auto& module : *groups) {
        module->as<ConvGroupImpl>()->kernels = choices;
    }
}

KernelChoices AirbenchNetImpl::kernelChoices() const {
    // setKernelChoices sets every group alike.
    return groups->is_empty() ? KernelChoices{} : (*groups->begin())->as<ConvGroupImpl>()->kernels;
}

std::vector<at::Tensor> AirbenchNetImpl::otherTrainable() {
    std::vector<at::Tensor> out{whiten->bias};
    for (auto& w : convWeights()) {
        out.push_back(w);
    }
    out.push_back(head->weight);
    return out;
}

double forwardFlopsPerImage(const NetworkSpec& spec) {
    double macs = 0;
    int side = kImageSide - 1;  // the 2x2 whitening conv without padding: 32 -> 31
    macs += double(side) * side * kWhiteningChannels * kImageChannels * 4;
    int in = kWhiteningChannels;
    const int convsPerGroup = spec.block == BlockKind::TwoConv ? 2 : 3;
    for (int width : spec.widths) {
        macs += double(side) * side * width * in * 9;  // conv1 before pooling
        side /= 2;
        macs += double(convsPerGroup - 1) * side * side * width * width * 9;
        in = width;
    }
    macs += double(in) * spec.numClasses;
    return 2 * macs;
}

NetworkSpec NetworkSpec::scaled(double multiplier) const {
    NetworkSpec out = *this;
    for (int& w : out.widths) {
        w = std::max(1, static_cast<int>(std::lround(w * multiplier)));
    }
    return out;
}

}  // namespace airbench
