#include <airbench/bench.h>
#include <airbench/error.h>

#include "bench/run_of_steps.h"
#include "core/torch_device.h"
#include "data/loader_impl.h"

#include <ATen/core/grad_mode.h>

#include <chrono>
#include <cmath>
#include <random>

namespace airbench {

RunOfSteps runOfSteps(const RunPlan& plan, const Recipe& recipe, const RunMechanics& mechanics,
                      int64_t steps) {
    RunOfSteps run{recipe, {}};
    if (steps > 0 && steps < plan.totalSteps) {
        run.recipe.hyp.epochs = double(steps) / double(std::max<int64_t>(1, plan.stepsPerEpoch));
    }
    run.options.mechanics = mechanics;
    run.options.analysis.evaluateEveryEpoch = false;
    return run;
}

ImageSet syntheticImages(int64_t count, int numClasses, uint64_t seed) {
    ImageSet set;
    std::mt19937_64 rng(seed);
    set.pixels.resize(static_cast<size_t>(count) * kImageBytes);
    for (auto& p : set.pixels) {
        p = static_cast<uint8_t>(rng() & 0xff);
    }
    set.labels.resize(static_cast<size_t>(count));
    for (auto& l : set.labels) {
        l = static_cast<int64_t>(rng() % static_cast<uint64_t>(numClasses));
    }
    return set;
}

LoaderBenchResult benchmarkLoader(CifarLoader& loader, int epochs) {
    CifarLoader::Impl& impl = loader.impl();
    loader.resetEpoch();
    synchronize(loader.device());
    const auto start = std::chrono::steady_clock::now();
    at::Tensor checksum = at::zeros({}, at::TensorOptions().device(toTorchDevice(loader.device())));
    int64_t images = 0;
    for (int e = 0; e < epochs; ++e) {
        EpochData data = impl.nextEpoch();
        for (int64_t b = 0; b < data.batches; ++b) {
            EpochData::Batch batch = data.batch(b);
            // Touch every batch so that no gather is optimised away or left queued.
            checksum += batch.labels.sum();
            images += batch.labels.size(0);
        }
    }
    synchronize(loader.device());
    (void)checksum.item<double>();
    LoaderBenchResult r;
    r.epochs = epochs;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.epochsPerSecond = epochs / r.seconds;
    r.imagesPerSecond = double(images) / r.seconds;
    loader.resetEpoch();
    return r;
}

std::vector<MatmulRate> measureMatmulRates(Device device, int64_t size) {
    if (size <= 0) {
        size = device.isCuda() ? 8192 : 1024;
    }
    std::vector<std::pair<std::string, at::ScalarType>> types;
    if (device.isCuda()) {
        types = {{"fp16", at::kHalf}, {"bf16", at::kBFloat16}};
    } else {
        types = {{"fp32", at::kFloat}};
    }
    std::vector<MatmulRate> rates;
    at::NoGradGuard noGrad;
    for (const auto& [name, dtype] : types) {
        auto options = at::TensorOptions().device(toTorchDevice(device)).dtype(dtype);
        const at::Tensor a = at::randn({size, size}, options), b = at::randn({size, size}, options);
        at::Tensor c = at::mm(a, b);  // warm-up: library selection, clocks
        synchronize(device);
        const int repeats = device.isCuda() ? 20 : 3;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < repeats; ++i) {
            c = at::mm(a, b);
        }
        synchronize(device);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rates.push_back({name, size, 2.0 * double(size) * size * size * repeats / seconds / 1e12});
    }
    return rates;
}

BenchReport benchmarkTraining(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
                              const BenchOptions& options) {
    BenchReport report;
    report.plan = planForLoader(recipe, train, options.fullTestExamples);
    if (options.warmupSteps > 0) {
        warmup(recipe, train, TrainOptions{options.mechanics, {}, {}}, options.warmupSteps);
    }
    report.extrapolated = options.steps > 0 && options.steps < report.plan.totalSteps;
    const RunOfSteps timed = runOfSteps(report.plan, recipe, options.mechanics, options.steps);
    TrainResult result = airbench::train(timed.recipe, train, test, timed.options, nullptr);
    const RunSummary& s = result.history.summary;
    report.stepsTimed = s.steps;
    report.notes = s.notes;
    report.setupSeconds = s.setupSeconds;
    report.stepSeconds = s.seconds - s.setupSeconds - s.evalSeconds;
    const int64_t examples = s.steps * train.batchSize();
    report.imagesPerSecond = report.stepSeconds > 0 ? double(examples) / report.stepSeconds : 0;
    const double perStep = s.steps > 0 ? report.stepSeconds / double(s.steps) : 0;
    report.secondsPerEpoch = perStep * double(report.plan.stepsPerEpoch);
    const double testScale =
        test && test->size() > 0 ? double(options.fullTestExamples) / double(test->size()) : 0;
    report.evalSeconds = s.evalSeconds * testScale;
    report.secondsPerRun =
        report.extrapolated
            ? report.setupSeconds + perStep * double(report.plan.totalSteps) + report.evalSeconds
            : s.seconds - s.evalSeconds + report.evalSeconds;
    return report;
}

}  // namespace airbench
