// airbench selftest: the CUDA path against the CPU path on small inputs.
//
// Tolerances: the CUDA network runs in fp16 (10-bit mantissa) against fp32 on the CPU, so values
// agree to about 1e-3 relative per operation; through a 7-layer network and a backward pass a few
// 1e-2 relative is expected. Data movement (augmentation) must match exactly up to the fp16
// rounding of the normalised pixels (< 4e-3 absolute for values within +-3).

#include <airbench/inference.h>
#include <airbench/loader.h>
#include <airbench/recipe.h>
#include <airbench/selftest.h>

#include "core/torch_device.h"
#include "data/fused_augment.h"
#include "data/loader_impl.h"
#include "nn/model_impl.h"
#include "nn/whitening.h"
#include "optim/nesterov_sgd.h"
#include "train/run_context.h"
#include "train/sgd_trainer.h"

#include <ATen/detail/CUDAHooksInterface.h>

#ifdef AIRBENCH_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

#include <cmath>
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

std::vector<SelfTestCheck> compareDevices(const Device& gpu) {
    std::vector<SelfTestCheck> checks;
    const ImageSet images = testImages(256);
    LoaderOptions lo;
    lo.batchSize = 64;
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
    const Recipe recipe = resolveRecipe(findRecipe("airbench94"), [] {
        TrainOptions o;
        o.widthMultiplier = 0.25;
        return o;
    }());
    auto build = [&](const Device& d) {
        at::Generator gen = makeGenerator(Device{}, 42);
        Model m = makeModel(recipe.name, recipe.network, d, 42, gen);
        at::NoGradGuard noGrad;
        m.impl().net->whiten->weight.set_data(filters.to(m.impl().net->whiten->weight.options()));
        return m;
    };
    Model cpuModel = build(Device{}), gpuModel = build(gpu);
    AirbenchNet& cpuNet = cpuModel.impl().net;
    AirbenchNet& gpuNet = gpuModel.impl().net;
    const at::Tensor x = cpuImages.slice(0, 0, 64);
    const at::Tensor labels = cpuLoader.impl().labels.slice(0, 0, 64);
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
    double gradError = 0;
    const auto cpuParams = cpuNet->parameters(), gpuParams = gpuNet->parameters();
    for (size_t i = 0; i < cpuParams.size(); ++i) {
        if (cpuParams[i].grad().defined()) {
            gradError = std::max(gradError, relative(gpuParams[i].grad(), cpuParams[i].grad()));
        }
    }
    checks.push_back(check("backward pass (gradients of every trained tensor)", gradError, 8e-2,
                           "worst relative L2 error"));
    std::vector<at::Tensor> before;
    for (const auto& p : cpuParams)
        before.push_back(p.detach().clone());
    NesterovSgd cpuSgd = makeSgd(*cpuNet, recipe.hyp, 64),
                gpuSgd = makeSgd(*gpuNet, recipe.hyp, 64);
    cpuSgd.step();
    gpuSgd.step();
    double stepError = 0;
    for (size_t i = 0; i < cpuParams.size(); ++i) {
        const at::Tensor cpuDelta = cpuParams[i].detach() - before[i];
        if (cpuDelta.abs().max().item<double>() == 0)
            continue;
        const at::Tensor gpuDelta = gpuParams[i].detach().to(at::kCPU, at::kFloat) - before[i];
        stepError = std::max(stepError, relative(gpuDelta, cpuDelta));
    }
    checks.push_back(check("one optimizer step (parameter updates)", stepError, 1e-1,
                           "worst relative L2 error of the updates"));
    return checks;
}

// Compiled mode against eager, end to end: each distinct training step (the SGD recipes with
// 2-conv and residual 3-conv networks, Muon, 96_faster's filtered main network) trains 4 short
// epochs at a quarter width, once eagerly and once with its step captured in a CUDA graph, from
// the same seed. 16 steps cover the eager warm-up, the capture, replays under a changing
// schedule, and the re-capture when the whitening bias freezes. Both executions run the same fp16
// kernels (only the learning-rate products round differently), so the logits agree far closer
// than fp16 against fp32 does.
std::vector<SelfTestCheck> compareCompiledTraining(const Device& gpu, const ImageSet& images) {
    std::vector<SelfTestCheck> checks;
    const ImageSet probeImages = images.head(128);
    for (const char* name : {"airbench94", "airbench96", "airbench94_muon", "airbench96_faster"}) {
        const std::string title = std::string("compiled (CUDA graph) vs eager training: ") + name;
        const Recipe& recipe = findRecipe(name);
        std::vector<std::string> notes;
        auto logitsAfterTraining = [&](bool compiled) {
            TrainOptions o;
            o.widthMultiplier = 0.25;
            o.batchSize = 64;
            o.epochs = 4;
            o.seed = 3;
            o.compiled = compiled;
            o.evaluateEveryEpoch = false;
            CifarLoader trainLoader = makeTrainLoader(resolveRecipe(recipe, o), images, gpu);
            CifarLoader probe = makeTestLoader(probeImages, gpu);
            TrainResult result = train(recipe, trainLoader, nullptr, o);
            if (compiled) {
                notes = result.history.summary.notes;
            }
            const Logits l = infer(result.model, probe, 0);
            return at::tensor(l.values, at::kFloat);
        };
        const at::Tensor eager = logitsAfterTraining(false);
        const at::Tensor compiled = logitsAfterTraining(true);
        bool captured = false;
        std::string failure;
        for (const auto& n : notes) {
            captured = captured || n.find("captured in a CUDA graph") != std::string::npos;
            if (n.find("failed") != std::string::npos || n.find("unavailable") != std::string::npos)
                failure = n;
        }
        SelfTestCheck c = check(title, relative(compiled, eager), 2e-2,
                                "relative L2 error of the logits after 16 steps");
        if (!captured || !failure.empty()) {
            c.passed = false;
            c.detail = failure.empty() ? "the step was never captured" : failure;
        }
        checks.push_back(c);
    }
    return checks;
}

std::vector<SelfTestCheck> cpuChecks() {
    std::vector<SelfTestCheck> checks;
    // channels_last convolution gradients equal the contiguous ones (LibTorch 1.13 once got
    // mixed-format backward wrong).
    const Recipe recipe = findRecipe("airbench94");
    at::Generator genA = makeGenerator(Device{}, 1), genB = makeGenerator(Device{}, 1);
    Model a = makeModel(recipe.name, recipe.network.scaled(0.25), Device{}, 1, genA);
    Model b = makeModel(recipe.name, recipe.network.scaled(0.25), Device{}, 1, genB);
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
            for (auto& c : compareCompiledTraining(device, testImages(256)))
                r.checks.push_back(std::move(c));
        }
    }
    return r;
}

}  // namespace airbench
