// airbench selftest: the CUDA path against the CPU path on small inputs.
//
// Tolerances: the CUDA network runs in fp16 (10-bit mantissa) against fp32 on the CPU, so values
// agree to about 1e-3 relative per operation (the forward logits: 1.3e-3 on an H200). Gradients
// are far noisier: at this check's quarter width, random weights and batch of 64, BatchNorm's
// backward subtracts nearly equal fp16 quantities, and an H200 that trains every recipe to the
// reference's accuracy gives 0.069 relative error for all gradients together (0.11 for the worst
// tensor), 0.078 for one optimizer step, and up to 0.033 between two GPU executions of one step
// (eager and captured). The gradient, step and compiled tolerances are about twice those
// measurements: they catch a wrong kernel, a wrong update or a stale graph input (errors of order
// 1), not fp16 noise. Data movement (augmentation) must match exactly up to the fp16 rounding of
// the normalised pixels (< 4e-3 absolute for values within +-3).

#include <airbench/inference.h>
#include <airbench/loader.h>
#include <airbench/recipe.h>
#include <airbench/selftest.h>

#include "core/torch_device.h"
#include "data/fused_augment.h"
#include "data/loader_impl.h"
#include "nn/batch_norm_gelu.h"
#include "nn/max_pool.h"
#include "nn/model_impl.h"
#include "nn/whitening.h"
#include "optim/nesterov_sgd.h"
#include "recipes/airbench94_muon.h"
#include "train/run_context.h"
#include "train/sgd_step.h"
#include "train/sgd_trainer.h"
#include "train/training_step.h"

#include <ATen/detail/CUDAHooksInterface.h>

#ifdef AIRBENCH_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

#include <cmath>
#include <functional>
#include <limits>
#include <sstream>

namespace airbench {
namespace {

std::string number(double v) {
    std::ostringstream s;
    s.precision(3);
    s << v;
    return s.str();
}

SelfTestCheck check(const std::string& name, double error, double tolerance,
                    const std::string& unit) {
    SelfTestCheck c;
    c.name = name;
    c.error = error;
    c.tolerance = tolerance;
    c.passed = std::isfinite(error) && error <= tolerance;
    c.detail = unit + " " + number(error) + " (tolerance " + number(tolerance) + ")";
    return c;
}

double maxAbs(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kCPU, at::kDouble) - b.to(at::kCPU, at::kDouble)).abs().max().item<double>();
}

double relative(const at::Tensor& a, const at::Tensor& b) {
    const at::Tensor x = a.to(at::kCPU, at::kDouble), y = b.to(at::kCPU, at::kDouble);
    return ((x - y).norm() / (y.norm() + 1e-12)).item<double>();
}

// Structured test images: smooth gradients plus noise, so patch statistics are not degenerate.
ImageSet testImages(int64_t n) {
    ImageSet set;
    set.pixels.resize(static_cast<size_t>(n) * kImageBytes);
    set.labels.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        set.labels[static_cast<size_t>(i)] = i % 10;
        for (int c = 0; c < 3; ++c) {
            for (int y = 0; y < 32; ++y) {
                for (int x = 0; x < 32; ++x) {
                    const int noise = int((i * 7919 + c * 104729 + y * 31 + x * 17) % 23);
                    const int v = (x * (3 + c) + y * (5 - c) + int(i % 50) * 3 + noise) % 256;
                    set.pixels[static_cast<size_t>(i * kImageBytes + c * 1024 + y * 32 + x)] =
                        uint8_t(v);
                }
            }
        }
    }
    return set;
}

// The checks' networks: a quarter of the recipe's widths, trained at batches of 64.
constexpr int kSelfTestBatch = 64;

Recipe quarterWidth(const char* name) {
    return resolveRecipe(findRecipe(name),
                         {{"width_multiplier", 0.25}, {"batch_size", kSelfTestBatch}});
}

std::vector<SelfTestCheck> compareDevices(const Device& gpu) {
    std::vector<SelfTestCheck> checks;
    const ImageSet images = testImages(256);
    LoaderOptions lo;
    lo.batchSize = kSelfTestBatch;
    lo.augmentation = {true, 2, 12, true};
    lo.seed = 5;
    CifarLoader cpuLoader(images, true, lo, Device{});
    CifarLoader gpuLoader(images, true, lo, gpu);
    // 1. Augmentation with the same draws (drawn on the CPU, copied to the GPU); two epochs so
    //    that the alternating flip is exercised, through both the tensor-op and fused paths.
    double augError = 0, fusedError = 0;
    for (int e = 0; e < 2; ++e) {
        const EpochDraws draws = cpuLoader.impl().draw(e);
        const EpochDraws onGpu = draws.to(toTorchDevice(gpu));
        const at::Tensor cpu = cpuLoader.impl().augment(draws).images;
        gpuLoader.impl().useFusedKernel = false;
        const int epoch = gpuLoader.impl().epoch;
        const at::Tensor tensorOps = gpuLoader.impl().augment(onGpu).images;
        augError = std::max(augError, maxAbs(tensorOps, cpu));
        if (fusedAugmentationAvailable()) {
            gpuLoader.impl().useFusedKernel = true;
            gpuLoader.impl().epoch = epoch;
            const at::Tensor fused = gpuLoader.impl().augment(onGpu).images;
            fusedError = std::max(fusedError, maxAbs(fused, tensorOps));
        }
    }
    checks.push_back(check("augmentation (flip, translate, cutout): CUDA vs CPU", augError, 4e-3,
                           "max abs difference"));
    if (fusedAugmentationAvailable()) {
        checks.push_back(check("fused augmentation kernel vs tensor ops (CUDA)", fusedError, 0,
                               "max abs difference"));
    }

    // 2. Whitening: the CUDA filters must whiten the CPU patch statistics.
    const at::Tensor cpuImages = cpuLoader.impl().images;
    const at::Tensor filters = whiteningFilters(gpuLoader.impl().images).to(at::kCPU, at::kDouble);
    const at::Tensor w = filters.slice(0, 0, 12).reshape({12, 12});
    const at::Tensor sigma = patchSecondMoment(cpuImages).to(at::kDouble);
    const at::Tensor white = w.mm(sigma).mm(w.t());
    const at::Tensor eig = std::get<0>(at::linalg_eigh(sigma, "U")).flip(0);
    const at::Tensor expected = at::diag(eig / (eig + kWhiteningEps));
    checks.push_back(check("whitening filters (CUDA) whiten the CPU patches",
                           maxAbs(white, expected), 2e-2,
                           "max abs deviation of W Sigma W^T from its ideal"));

    // 3. Forward, backward and one optimizer step from identical weights.
    const Recipe recipe = quarterWidth("airbench94");
    auto build = [&](const Device& d) {
        at::Generator gen = makeGenerator(Device{}, 42);
        Model m = makeModel(recipe.name, networkOf(recipe), d, 42, gen);
        at::NoGradGuard noGrad;
        m.impl().net->whiten->weight.set_data(filters.to(m.impl().net->whiten->weight.options()));
        return m;
    };
    Model cpuModel = build(Device{}), gpuModel = build(gpu);
    AirbenchNet& cpuNet = cpuModel.impl().net;
    AirbenchNet& gpuNet = gpuModel.impl().net;
    const at::Tensor x = cpuImages.slice(0, 0, kSelfTestBatch);
    const at::Tensor labels = cpuLoader.impl().labels.slice(0, 0, kSelfTestBatch);
    cpuNet->train();
    gpuNet->train();
    const at::Tensor cpuLogits = cpuNet->forward(x);
    const at::Tensor gpuLogits = gpuNet->forward(x.to(toTorchDevice(gpu), computeDtype(gpu)));
    checks.push_back(check("forward pass (fp16 CUDA vs fp32 CPU)", relative(gpuLogits, cpuLogits),
                           3e-2, "relative L2 error of the logits"));
    const at::Tensor cpuLoss = perExampleLoss(cpuLogits, labels, 0.2).sum();
    const at::Tensor gpuLoss = perExampleLoss(gpuLogits, labels.to(toTorchDevice(gpu)), 0.2).sum();
    cpuNet->zero_grad(true);
    gpuNet->zero_grad(true);
    cpuLoss.backward();
    gpuLoss.backward();
    // Gradients and updates are compared as one vector over every trained tensor (what the step
    // uses), with the worst single tensor named in the detail (see the tolerances at the top).
    const auto cpuParams = cpuNet->named_parameters(), gpuParams = gpuNet->named_parameters();
    // The trained tensors: those with a gradient.
    std::vector<size_t> trained;
    for (size_t i = 0; i < cpuParams.size(); ++i) {
        if (cpuParams[i].value().grad().defined())
            trained.push_back(i);
    }
    auto compareAll = [&](const std::string& name, const std::function<at::Tensor(size_t)>& cpu,
                          const std::function<at::Tensor(size_t)>& gpu, double tolerance,
                          const std::string& unit) {
        std::vector<at::Tensor> cpuParts, gpuParts;
        double worst = 0;
        std::string worstName;
        for (size_t i : trained) {
            cpuParts.push_back(cpu(i).flatten().to(at::kCPU, at::kDouble));
            gpuParts.push_back(gpu(i).flatten().to(at::kCPU, at::kDouble));
            const double e = relative(gpuParts.back(), cpuParts.back());
            if (e > worst) {
                worst = e;
                worstName = cpuParams[i].key();
            }
        }
        SelfTestCheck c =
            check(name, relative(at::cat(gpuParts), at::cat(cpuParts)), tolerance, unit);
        if (!worstName.empty())
            c.detail += "; worst tensor " + worstName + ": " + number(worst);
        return c;
    };
    checks.push_back(compareAll(
        "backward pass (gradients of every trained tensor)",
        [&](size_t i) { return cpuParams[i].value().grad(); },
        [&](size_t i) { return gpuParams[i].value().grad(); }, 0.15,
        "relative L2 error of all gradients"));
    std::vector<at::Tensor> before;
    for (const auto& p : cpuParams)
        before.push_back(p.value().detach().clone());
    NesterovSgd cpuSgd = makeSgd(*cpuNet, recipe.hyp, kSelfTestBatch),
                gpuSgd = makeSgd(*gpuNet, recipe.hyp, kSelfTestBatch);
    cpuSgd.step();
    gpuSgd.step();
    checks.push_back(compareAll(
        "one optimizer step (parameter updates)",
        [&](size_t i) { return cpuParams[i].value().detach() - before[i]; },
        [&](size_t i) {
            return gpuParams[i].value().detach().to(at::kCPU, at::kFloat) - before[i];
        },
        0.15, "relative L2 error of all updates"));
    return checks;
}

// Compiled mode against eager, in lockstep: two copies of a network take the same ten steps on
// the same batches, one through the eager step and one through the CUDA-graph step. Before each
// step the graph copy is set to the eager copy's parameters and BatchNorm statistics, so every
// step is compared from the same starting point (over many steps, training amplifies any
// rounding difference, however small, and a comparison of end points measures that, not the
// capture). Ten steps cover the eager warm-up, the capture, replays under a changing schedule, a
// re-capture when the whitening bias freezes, and a short last batch (run eagerly). The
// executions differ in how the learning-rate products round and in the order of cuDNN's
// reductions, which this small network's fp16 gradients amplify (see the tolerances at the top);
// a stale input, a learning rate that does not follow the schedule or a replay that does nothing
// gives errors of order 1.
using ProgramFactory = std::function<std::unique_ptr<StepProgram>(AirbenchNetImpl&)>;

at::Tensor flatParameters(AirbenchNetImpl& net) {
    std::vector<at::Tensor> parts;
    for (const auto& p : net.parameters())
        parts.push_back(p.detach().flatten().to(at::kDouble));
    return at::cat(parts);
}

SelfTestCheck compareCompiledStep(const Device& gpu, const CifarLoader& data,
                                  const std::string& title, const Recipe& recipe,
                                  const ProgramFactory& makeProgram, bool fusedKernels = false) {
    auto build = [&] {
        at::Generator gen = makeGenerator(Device{}, 7);
        Model m = makeModel(recipe.name, networkOf(recipe), gpu, 7, gen);
        m.impl().net->setKernelChoices({fusedKernels, fusedKernels});
        return m;
    };
    Model eagerModel = build(), graphModel = build();
    AirbenchNetImpl& eagerNet = *eagerModel.impl().net;
    AirbenchNetImpl& graphNet = *graphModel.impl().net;
    std::vector<std::string> notes;
    std::unique_ptr<StepProgram> eagerProgram = makeProgram(eagerNet);
    const size_t rateCount = eagerProgram->rateCount();
    std::unique_ptr<TrainingStep> eager = makeEagerStep(std::move(eagerProgram));
    std::unique_ptr<TrainingStep> graph = makeGraphStep(
        makeProgram(graphNet), [&notes](const std::string& n) { notes.push_back(n); });
    eagerNet.train();
    graphNet.train();
    const at::Tensor x = data.impl().images, y = data.impl().labels;
    double updateError = 0, logitError = 0;
    constexpr int kSteps = 10;
    for (int s = 0; s < kSteps; ++s) {
        const bool biasTrains = s < 6;
        eagerNet.whiten->bias.set_requires_grad(biasTrains);
        graphNet.whiten->bias.set_requires_grad(biasTrains);
        {
            at::NoGradGuard noGrad;
            const auto from = eagerNet.parameters(), to = graphNet.parameters();
            for (size_t i = 0; i < from.size(); ++i)
                to[i].copy_(from[i]);
            const auto fromBuffers = eagerNet.buffers(), toBuffers = graphNet.buffers();
            for (size_t i = 0; i < fromBuffers.size(); ++i)
                toBuffers[i].copy_(fromBuffers[i]);
        }
        const at::Tensor before = flatParameters(eagerNet);
        const int64_t begin = (s * kSelfTestBatch) % 192,
                      count = s == kSteps - 1 ? 48 : kSelfTestBatch;
        const at::Tensor bx = x.slice(0, begin, begin + count),
                         by = y.slice(0, begin, begin + count);
        std::vector<double> rates(rateCount, 1.0 - 0.08 * s);
        const StepOutput e = eager->run(bx, by, rates);
        const StepOutput g = graph->run(bx, by, rates);
        logitError = std::max(logitError, relative(g.logits, e.logits));
        updateError = std::max(updateError, relative(flatParameters(graphNet) - before,
                                                     flatParameters(eagerNet) - before));
    }
    eagerNet.whiten->bias.set_requires_grad(true);
    graphNet.whiten->bias.set_requires_grad(true);
    int captures = 0;
    std::string failure;
    for (const auto& n : notes) {
        captures += n.find("captured in a CUDA graph") != std::string::npos;
        if (n.find("failed") != std::string::npos)
            failure = n;
    }
    SelfTestCheck c = check(title, std::max(updateError, logitError), 0.07,
                            "worst relative L2 error of a step's update or logits");
    if (captures == 0 || !failure.empty()) {
        c.passed = false;
        c.detail = failure.empty() ? "the step was never captured" : failure;
    }
    return c;
}

// The batches every lockstep comparison steps through.
CifarLoader lockstepBatches(const Device& gpu) {
    LoaderOptions lo;
    lo.batchSize = kSelfTestBatch;
    return CifarLoader(testImages(256), false, lo, gpu);
}

ProgramFactory sgdProgram(const Recipe& r) {
    return [r](AirbenchNetImpl& net) {
        return makeSgdProgram(net, makeSgd(net, r.hyp, kSelfTestBatch), r.hyp.labelSmoothing);
    };
}

std::vector<SelfTestCheck> compareCompiledSteps(const Device& gpu) {
    const CifarLoader data = lockstepBatches(gpu);
    std::vector<SelfTestCheck> checks;
    for (const char* name : {"airbench94", "airbench96"}) {
        const Recipe r = quarterWidth(name);
        checks.push_back(compareCompiledStep(
            gpu, data, std::string("compiled step (CUDA graph) vs eager: SGD, ") + name, r,
            sgdProgram(r)));
    }
    const Recipe muon = quarterWidth("airbench94_muon");
    checks.push_back(
        compareCompiledStep(gpu, data, "compiled step (CUDA graph) vs eager: Muon, airbench94_muon",
                            muon, [&](AirbenchNetImpl& net) {
                                return builtin::makeMuonProgram(net, muon.hyp, kSelfTestBatch);
                            }));
    return checks;
}

// The captured step with the network kernels (nn/cuda) against the eager step with them.
SelfTestCheck compareFusedCompiledStep(const Device& gpu) {
    const Recipe r = quarterWidth("airbench94");
    return compareCompiledStep(
        gpu, lockstepBatches(gpu),
        "compiled step vs eager, both with the fused kernels (--fused-norm --compact-pool): "
        "SGD, airbench94",
        r, sgdProgram(r), /*fusedKernels=*/true);
}

// The fused BatchNorm + GELU kernels against the same formulas in fp64 on the CPU, from the same
// fp16 inputs. The kernels compute in fp32 and round their outputs to fp16 (relative error about
// 3e-4), so the tolerances are ten times that; a wrong index, sum or formula is off by order 1.
// Cases: channels that take the 16-byte path and channels that do not; a channels_last input
// and a contiguous one; training (batch statistics) and evaluation (running statistics).
std::vector<SelfTestCheck> compareFusedNormGelu(const Device& gpu) {
    struct Case {
        int64_t channels;
        at::MemoryFormat format;
        bool training;
    };
    const std::vector<Case> cases{{96, at::MemoryFormat::ChannelsLast, true},
                                  {20, at::MemoryFormat::ChannelsLast, true},
                                  {64, at::MemoryFormat::Contiguous, true},
                                  {96, at::MemoryFormat::ChannelsLast, false}};
    double outputError = 0, inputGradError = 0, parameterGradError = 0, statisticsError = 0;
    at::Generator gen = makeGenerator(Device{}, 9);
    for (const Case& k : cases) {
        const auto cpu = at::TensorOptions().dtype(at::kFloat);
        const at::Tensor spread = at::linspace(0.5, 2.5, k.channels, cpu).view({1, -1, 1, 1});
        const at::Tensor offset = at::linspace(-2, 4, k.channels, cpu).view({1, -1, 1, 1});
        // Values rounded to fp16 once, so that both sides see the same inputs.
        const at::Tensor x = (at::randn({48, k.channels, 12, 12}, gen) * spread + offset)
                                 .to(at::kHalf)
                                 .contiguous(k.format);
        const at::Tensor dy = at::randn(x.sizes(), gen).to(at::kHalf).contiguous(k.format);
        const at::Tensor weight = at::rand({k.channels}, gen) + 0.5;
        const at::Tensor bias = at::randn({k.channels}, gen) * 0.5;
        const at::Tensor mean0 = at::randn({k.channels}, gen),
                         var0 = at::rand({k.channels}, gen) + 0.5;
        struct Side {
            at::Tensor y, dx, dWeight, dBias, mean, var;
        };
        // fp16 activations with fp32 BatchNorm (the network's policy), or fp64 throughout.
        auto run = [&](const c10::Device& d, at::ScalarType type) {
            const at::ScalarType paramType = type == at::kHalf ? at::kFloat : type;
            Side s;
            // Fresh leaves and copies: the inputs are shared by both sides.
            auto leaf = [&](const at::Tensor& t, at::ScalarType tt) {
                return t.to(d, tt).detach().clone().set_requires_grad(true);
            };
            at::Tensor xi = leaf(x, type), w = leaf(weight, paramType), b = leaf(bias, paramType);
            s.mean = mean0.to(d, paramType).clone();
            s.var = var0.to(d, paramType).clone();
            s.y = batchNormGelu(xi, w, b, s.mean, s.var, k.training, 0.6, 1e-12);
            s.y.backward(dy.to(d, type));
            s.dx = xi.grad();
            s.dWeight = w.grad();
            s.dBias = b.grad();
            return s;
        };
        const Side kernel = run(toTorchDevice(gpu), at::kHalf);
        const Side exact = run(c10::Device(at::kCPU), at::kDouble);
        outputError = std::max(outputError, relative(kernel.y, exact.y));
        inputGradError = std::max(inputGradError, relative(kernel.dx, exact.dx));
        parameterGradError = std::max({parameterGradError, relative(kernel.dWeight, exact.dWeight),
                                       relative(kernel.dBias, exact.dBias)});
        statisticsError = std::max(
            {statisticsError, relative(kernel.mean, exact.mean), relative(kernel.var, exact.var)});
    }
    const std::string title = "fused BatchNorm + GELU kernels (CUDA) vs fp64 formulas: ";
    const std::string unit = "worst relative L2 error over 4 cases";
    return {check(title + "outputs", outputError, 3e-3, unit),
            check(title + "input gradients", inputGradError, 5e-3, unit),
            check(title + "weight and bias gradients", parameterGradError, 3e-3, unit),
            check(title + "running statistics", statisticsError, 1e-4, unit)};
}

// The compact max-pooling kernels against ATen's max_pool2d on the same GPU: both pick the first
// maximum of each window in row-major order, so values and gradients must be bit-identical.
// Cases: even and odd sides (floor drops a row and a column), 16-byte and scalar paths, a
// channels_last and a contiguous input.
SelfTestCheck compareCompactPooling(const Device& gpu) {
    struct Case {
        int64_t channels, side;
        at::MemoryFormat format;
    };
    const std::vector<Case> cases{{64, 32, at::MemoryFormat::ChannelsLast},
                                  {64, 31, at::MemoryFormat::ChannelsLast},
                                  {20, 15, at::MemoryFormat::ChannelsLast},
                                  {32, 16, at::MemoryFormat::Contiguous}};
    at::Generator gen = makeGenerator(Device{}, 10);
    const c10::Device d = toTorchDevice(gpu);
    double error = 0;
    for (const Case& k : cases) {
        const at::Tensor x =
            at::randn({24, k.channels, k.side, k.side}, gen).to(d, at::kHalf).contiguous(k.format);
        const at::Tensor dy =
            at::randn({24, k.channels, k.side / 2, k.side / 2}, gen).to(d, at::kHalf);
        at::Tensor a = x.detach().clone().set_requires_grad(true);
        at::Tensor b = x.detach().clone().set_requires_grad(true);
        const at::Tensor ya = compactMaxPool2x2(a), yb = at::max_pool2d(b, {2, 2});
        ya.backward(dy);
        yb.backward(dy);
        error = std::max({error, maxAbs(ya, yb), maxAbs(a.grad(), b.grad())});
    }
    return check("compact max-pooling kernels vs max_pool2d (CUDA): values and gradients", error, 0,
                 "max abs difference over 4 cases");
}

std::vector<SelfTestCheck> cpuChecks() {
    std::vector<SelfTestCheck> checks;
    // channels_last convolution gradients equal the contiguous ones (LibTorch 1.13 once got
    // mixed-format backward wrong).
    const Recipe recipe = findRecipe("airbench94");
    at::Generator genA = makeGenerator(Device{}, 1), genB = makeGenerator(Device{}, 1);
    Model a = makeModel(recipe.name, networkOf(recipe).scaled(0.25), Device{}, 1, genA);
    Model b = makeModel(recipe.name, networkOf(recipe).scaled(0.25), Device{}, 1, genB);
    for (auto& p : b.impl().net->parameters()) {
        at::NoGradGuard noGrad;
        p.set_data(p.contiguous());
    }
    at::Generator data = makeGenerator(Device{}, 2);
    const at::Tensor x = at::randn({16, 3, 32, 32}, data);
    const at::Tensor y = at::randint(0, 10, {16}, data);
    perExampleLoss(a.impl().net->forward(x.contiguous(kImageFormat)), y, 0.2).sum().backward();
    perExampleLoss(b.impl().net->forward(x.contiguous()), y, 0.2).sum().backward();
    double err = 0;
    const auto pa = a.impl().net->parameters(), pb = b.impl().net->parameters();
    for (size_t i = 0; i < pa.size(); ++i) {
        if (pa[i].grad().defined())
            err = std::max(err, relative(pa[i].grad(), pb[i].grad()));
    }
    checks.push_back(check("CPU: channels_last gradients equal contiguous ones", err, 1e-4,
                           "worst relative L2 error"));
    return checks;
}

// Runs a group of checks; an exception (a CUDA error, say) becomes one failed check.
void appendGuarded(SelfTestReport& report, const std::string& group,
                   const std::function<std::vector<SelfTestCheck>()>& checks) {
    try {
        for (auto& c : checks())
            report.checks.push_back(std::move(c));
    } catch (const std::exception& e) {
        SelfTestCheck failed;
        failed.name = group;
        failed.error = std::numeric_limits<double>::quiet_NaN();
        const std::string what = e.what();
        failed.detail = "failed: " + what.substr(0, what.find('\n'));  // no LibTorch backtrace
        report.checks.push_back(std::move(failed));
    }
}

}  // namespace

bool SelfTestReport::passed() const {
    for (const auto& c : checks) {
        if (!c.passed)
            return false;
    }
    return !checks.empty();
}

SelfTestReport runSelfTest(Device device) {
    SelfTestReport r;
    r.device = describeDevice(device);
    r.libtorch = libtorchVersion() + (libtorchHasCuda() ? " (CUDA)" : " (CPU only)");
#ifdef AIRBENCH_WITH_CUDA
    int runtime = 0, driver = 0;
    if (cudaRuntimeGetVersion(&runtime) == cudaSuccess) {
        r.cudaRuntime = std::to_string(runtime / 1000) + "." + std::to_string(runtime % 1000 / 10);
    }
    if (cudaDriverGetVersion(&driver) == cudaSuccess) {
        r.driver =
            "CUDA " + std::to_string(driver / 1000) + "." + std::to_string(driver % 1000 / 10);
    }
#endif
    if (device.isCuda() && at::detail::getCUDAHooks().hasCuDNN()) {
        // cuDNN 9 encodes major*10000 + minor*100 + patch, cuDNN 8 major*1000 + minor*100 + patch.
        const long v = at::detail::getCUDAHooks().versionCuDNN();
        const long major = v >= 10000 ? v / 10000 : v / 1000;
        r.cudnn = std::to_string(major) + "." +
                  std::to_string(v / 100 % 100 % (v >= 10000 ? 100 : 10)) + "." +
                  std::to_string(v % 100);
    }
    r.checks = cpuChecks();
    if (device.isCuda()) {
        for (auto& c : compareDevices(device))
            r.checks.push_back(std::move(c));
        if (libtorchHasCuda()) {
            for (auto& c : compareCompiledSteps(device))
                r.checks.push_back(std::move(c));
        }
        // The network's own kernels (nn/cuda) go last, each group guarded: an error in one fails
        // its check with the message, after the checks above have been reported.
        if (networkKernelsAvailable()) {
            appendGuarded(r, "fused BatchNorm + GELU kernels",
                          [&] { return compareFusedNormGelu(device); });
            appendGuarded(r, "compact max-pooling kernels", [&] {
                return std::vector<SelfTestCheck>{compareCompactPooling(device)};
            });
            appendGuarded(r, "compiled step with the fused kernels", [&] {
                return std::vector<SelfTestCheck>{compareFusedCompiledStep(device)};
            });
        }
    }
    return r;
}

}  // namespace airbench
