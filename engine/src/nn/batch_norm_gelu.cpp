#include "nn/batch_norm_gelu.h"

#include <torch/csrc/autograd/custom_function.h>

#include <climits>
#include <vector>

#ifdef AIRBENCH_WITH_CUDA_KERNELS
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "nn/cuda/batch_norm_gelu.h"
#endif

namespace airbench {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

const std::vector<int64_t> kReducedDims{0, 2, 3};

// (C) -> (1, C, 1, 1), to broadcast over an activation.
at::Tensor perChannel(const at::Tensor& t) {
    return t.view({1, -1, 1, 1});
}

int64_t valuesPerChannel(const at::Tensor& x) {
    return x.numel() / x.size(1);
}

struct Statistics {
    at::Tensor mean, invStd;  // (C), fp32 (fp64 for fp64 activations)
};

struct InputGradients {
    at::Tensor dx, sumG, sumGXhat;  // sumG is the bias's gradient, sumGXhat the weight's
};

// ---- The formulas as tensor ops (any device, any float type) ----

at::ScalarType mathType(const at::Tensor& x) {
    return x.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
}

Statistics referenceBatchStatistics(const at::Tensor& x, double eps, const at::Tensor& runningMean,
                                    const at::Tensor& runningVar, double momentum) {
    const at::Tensor xf = x.to(mathType(x));
    const at::Tensor mean = xf.mean(kReducedDims);
    const at::Tensor variance = (xf - perChannel(mean)).square().mean(kReducedDims);
    const double n = static_cast<double>(valuesPerChannel(x));
    runningMean.mul_(1.0 - momentum).add_(mean.to(runningMean.scalar_type()), momentum);
    runningVar.mul_(1.0 - momentum)
        .add_((variance * (n / (n - 1.0))).to(runningVar.scalar_type()), momentum);
    return {mean, (variance + eps).rsqrt()};
}

at::Tensor referenceForward(const at::Tensor& x, const Statistics& s, const at::Tensor& weight,
                            const at::Tensor& bias) {
    const at::ScalarType t = mathType(x);
    const at::Tensor scale = s.invStd * weight.to(t);
    const at::Tensor z =
        (x.to(t) - perChannel(s.mean)) * perChannel(scale) + perChannel(bias.to(t));
    return at::gelu(z).to(x.scalar_type());
}

InputGradients referenceBackward(const at::Tensor& x, const at::Tensor& dy, const Statistics& s,
                                 const at::Tensor& weight, const at::Tensor& bias,
                                 bool batchStatistics) {
    const at::ScalarType t = mathType(x);
    const at::Tensor w = weight.to(t);
    const at::Tensor xhat = (x.to(t) - perChannel(s.mean)) * perChannel(s.invStd);
    at::Tensor g = at::gelu_backward(dy.to(t), xhat * perChannel(w) + perChannel(bias.to(t)));
    InputGradients out;
    out.sumG = g.sum(kReducedDims);
    out.sumGXhat = (g * xhat).sum(kReducedDims);
    if (batchStatistics) {
        const double n = static_cast<double>(valuesPerChannel(x));
        g = g - perChannel(out.sumG / n) - xhat * perChannel(out.sumGXhat / n);
    }
    out.dx = (g * perChannel(w * s.invStd)).to(x.scalar_type());
    return out;
}

// ---- The CUDA kernels ----

#ifdef AIRBENCH_WITH_CUDA_KERNELS

bool kernelsApply(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
    const bool activationType = x.scalar_type() == at::kHalf || x.scalar_type() == at::kFloat;
    return x.is_cuda() && activationType && weight.scalar_type() == at::kFloat &&
           bias.scalar_type() == at::kFloat && x.size(1) <= INT_MAX;
}

cuda::NormGeluShape shapeOf(const at::Tensor& x) {
    cuda::NormGeluShape s;
    s.channels = static_cast<int>(x.size(1));
    s.rows = valuesPerChannel(x);
    s.elementBytes = static_cast<int>(x.element_size());
    s.stream = c10::cuda::getCurrentCUDAStream(x.device().index()).stream();
    return s;
}

at::Tensor scratchFor(const cuda::NormGeluShape& s, const at::Tensor& x) {
    return at::empty({2 * static_cast<int64_t>(cuda::normGeluSplits(s)) * s.channels},
                     x.options().dtype(at::kFloat));
}

at::Tensor perChannelFloat(const at::Tensor& x) {
    return at::empty({x.size(1)}, x.options().dtype(at::kFloat));
}

void check(const char* error, const char* what) {
    TORCH_CHECK(error == nullptr, "fused BatchNorm + GELU: ", what,
                " failed: ", error == nullptr ? "" : error);
}

Statistics kernelBatchStatistics(const at::Tensor& x, double eps, const at::Tensor& runningMean,
                                 const at::Tensor& runningVar, double momentum) {
    TORCH_CHECK(runningMean.scalar_type() == at::kFloat && runningMean.is_contiguous() &&
                    runningVar.scalar_type() == at::kFloat && runningVar.is_contiguous(),
                "fused BatchNorm + GELU: running statistics must be contiguous fp32");
    const c10::cuda::CUDAGuard guard(x.device());
    const cuda::NormGeluShape s = shapeOf(x);
    Statistics out{perChannelFloat(x), perChannelFloat(x)};
    at::Tensor scratch = scratchFor(s, x);
    check(cuda::launchNormStatistics(s, x.data_ptr(), scratch.data_ptr<float>(), eps,
                                     out.mean.data_ptr<float>(), out.invStd.data_ptr<float>(),
                                     runningMean.data_ptr<float>(), runningVar.data_ptr<float>(),
                                     momentum),
          "statistics");
    return out;
}

at::Tensor kernelForward(const at::Tensor& x, const Statistics& st, const at::Tensor& weight,
                         const at::Tensor& bias) {
    const c10::cuda::CUDAGuard guard(x.device());
    const cuda::NormGeluShape s = shapeOf(x);
    const at::Tensor w = weight.contiguous(), b = bias.contiguous();
    at::Tensor y = at::empty_like(x, x.options(), at::MemoryFormat::ChannelsLast);
    check(cuda::launchNormGeluForward(s, x.data_ptr(), st.mean.data_ptr<float>(),
                                      st.invStd.data_ptr<float>(), w.data_ptr<float>(),
                                      b.data_ptr<float>(), y.data_ptr()),
          "forward");
    return y;
}

InputGradients kernelBackward(const at::Tensor& x, const at::Tensor& dyAny, const Statistics& st,
                              const at::Tensor& weight, const at::Tensor& bias,
                              bool batchStatistics) {
    const c10::cuda::CUDAGuard guard(x.device());
    const cuda::NormGeluShape s = shapeOf(x);
    const at::Tensor dy = dyAny.to(x.scalar_type()).contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor w = weight.contiguous(), b = bias.contiguous();
    InputGradients out{at::empty_like(x, x.options(), at::MemoryFormat::ChannelsLast),
                       perChannelFloat(x), perChannelFloat(x)};
    at::Tensor scratch = scratchFor(s, x);
    check(cuda::launchNormGeluBackward(s, x.data_ptr(), dy.data_ptr(), st.mean.data_ptr<float>(),
                                       st.invStd.data_ptr<float>(), w.data_ptr<float>(),
                                       b.data_ptr<float>(), scratch.data_ptr<float>(),
                                       out.sumG.data_ptr<float>(), out.sumGXhat.data_ptr<float>(),
                                       batchStatistics, out.dx.data_ptr()),
          "backward");
    return out;
}

#else

bool kernelsApply(const at::Tensor&, const at::Tensor&, const at::Tensor&) {
    return false;
}

Statistics kernelBatchStatistics(const at::Tensor&, double, const at::Tensor&, const at::Tensor&,
                                 double) {
    TORCH_CHECK(false, "this build has no CUDA kernels");
    return {};
}

at::Tensor kernelForward(const at::Tensor&, const Statistics&, const at::Tensor&,
                         const at::Tensor&) {
    TORCH_CHECK(false, "this build has no CUDA kernels");
    return {};
}

InputGradients kernelBackward(const at::Tensor&, const at::Tensor&, const Statistics&,
                              const at::Tensor&, const at::Tensor&, bool) {
    TORCH_CHECK(false, "this build has no CUDA kernels");
    return {};
}

#endif

// ---- The autograd node ----

class BatchNormGeluFunction : public torch::autograd::Function<BatchNormGeluFunction> {
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& xAny,
                              const at::Tensor& weight, const at::Tensor& bias,
                              const at::Tensor& runningMean, const at::Tensor& runningVar,
                              bool training, double momentum, double eps) {
        const bool kernels = kernelsApply(xAny, weight, bias);
        // The kernels index (rows, channels); elsewhere any layout works and is kept.
        const at::Tensor x = kernels ? xAny.contiguous(at::MemoryFormat::ChannelsLast) : xAny;
        Statistics st;
        if (training) {
            st = kernels ? kernelBatchStatistics(x, eps, runningMean, runningVar, momentum)
                         : referenceBatchStatistics(x, eps, runningMean, runningVar, momentum);
        } else {
            const at::ScalarType t = kernels ? at::kFloat : mathType(x);
            st = {runningMean.to(t).contiguous(), (runningVar.to(t) + eps).rsqrt().contiguous()};
        }
        at::Tensor y =
            kernels ? kernelForward(x, st, weight, bias) : referenceForward(x, st, weight, bias);
        ctx->save_for_backward({x, weight, bias, st.mean, st.invStd});
        ctx->saved_data["training"] = training;
        ctx->saved_data["kernels"] = kernels;
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradOutputs) {
        const variable_list saved = ctx->get_saved_variables();
        const at::Tensor &x = saved[0], &weight = saved[1], &bias = saved[2];
        const Statistics st{saved[3], saved[4]};
        const bool training = ctx->saved_data["training"].toBool();
        const bool kernels = ctx->saved_data["kernels"].toBool();
        const InputGradients g =
            kernels ? kernelBackward(x, gradOutputs[0], st, weight, bias, training)
                    : referenceBackward(x, gradOutputs[0], st, weight, bias, training);
        const at::Tensor none;
        return {ctx->needs_input_grad(0) ? g.dx : none,
                ctx->needs_input_grad(1) ? g.sumGXhat.to(weight.scalar_type()) : none,
                ctx->needs_input_grad(2) ? g.sumG.to(bias.scalar_type()) : none,
                none,
                none,
                none,
                none,
                none};
    }
};

}  // namespace

at::Tensor batchNormGelu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                         const at::Tensor& runningMean, const at::Tensor& runningVar, bool training,
                         double momentum, double eps) {
    TORCH_CHECK(x.dim() == 4, "batchNormGelu expects (N, C, H, W), got ", x.sizes());
    TORCH_CHECK(weight.numel() == x.size(1) && bias.numel() == x.size(1) &&
                    runningMean.numel() == x.size(1) && runningVar.numel() == x.size(1),
                "batchNormGelu: parameters and running statistics need ", x.size(1), " values");
    TORCH_CHECK(!training || valuesPerChannel(x) > 1,
                "batchNormGelu: training needs more than one value per channel, got input ",
                x.sizes());
    return BatchNormGeluFunction::apply(x, weight, bias, runningMean, runningVar, training,
                                        momentum, eps);
}

}  // namespace airbench
