// airbench bench / bench-loader: figures, never assertions.

#include <airbench/bench.h>
#include <airbench/error.h>
#include <airbench/selftest.h>
#include <airbench/train.h>

#include "cli_common.h"
#include "commands.h"
#include "knob_options.h"

#include <cstdio>
#include <memory>

namespace airbench::cli {
namespace {

struct BenchCommandOptions {
    DataOptions data;
    KnobOptions knobs;
    std::string recipe = "airbench94";
    bool synthetic = false;
    bool dryRun = false;
    int64_t steps = -1;  // -1: a whole run on CUDA, 10 steps on CPU
    bool matmul = false;
    bool profile = false;
    std::string tracePath;
    int profileTop = 15;
    std::string jsonPath;
};

std::string shortened(const std::string& name, size_t width) {
    return name.size() <= width ? name : name.substr(0, width - 3) + "...";
}

// Profiles the same run that was just timed (same steps, same options), after its own warm-up;
// prints the tables and puts them into `json`. Returns why the trace was not saved, if it was not.
std::string printProfile(const Recipe& recipe, CifarLoader& trainLoader,
                         const CifarLoader& testLoader, const BenchOptions& timed,
                         const BenchCommandOptions& o, nlohmann::json& json) {
    ProfileOptions options;
    options.mechanics = timed.mechanics;
    options.steps = timed.steps;
    options.warmupSteps = timed.warmupSteps;
    options.tracePath = o.tracePath;
    std::fprintf(stderr, "profiling the same run...\n");
    const ProfileReport p = profileTraining(recipe, trainLoader, &testLoader, options);
    std::printf("\nprofile: %lld steps; %s inside the run clock %.3f s of the clock's %.3f s",
                static_cast<long long>(p.steps), p.clock.c_str(), p.profiledSeconds,
                p.clockSeconds);
    if (p.clock.rfind("CUDA", 0) == 0 && p.clockSeconds > 0) {
        std::printf(" (the GPU busy %.0f%% of it)", 100 * p.profiledSeconds / p.clockSeconds);
    }
    std::printf("; outside it (data loading) %.3f s; wall time with the profiler %.3f s\n",
                p.untimedSeconds, p.wallSeconds);
    auto rowsJson = [&](const std::vector<ProfileRow>& rows, size_t limit) {
        nlohmann::json out = nlohmann::json::array();
        for (size_t i = 0; i < rows.size() && i < limit; ++i) {
            out.push_back({{"name", rows[i].name},
                           {"category", rows[i].category},
                           {"calls", rows[i].calls},
                           {"seconds", rows[i].seconds},
                           {"share", rows[i].seconds / p.profiledSeconds}});
        }
        return out;
    };
    auto printTable = [&](const char* title, const std::vector<ProfileRow>& rows, size_t limit,
                          int width) {
        std::printf("%-*s %8s %10s %7s\n", width, title, "calls", "ms/step", "share");
        for (size_t i = 0; i < rows.size() && i < limit; ++i) {
            std::printf("%-*s %8lld %10.3f %6.1f%%\n", width,
                        shortened(rows[i].name, static_cast<size_t>(width)).c_str(),
                        static_cast<long long>(rows[i].calls),
                        1e3 * rows[i].seconds / double(p.steps),
                        100 * rows[i].seconds / p.profiledSeconds);
        }
    };
    const size_t top = static_cast<size_t>(o.profileTop);
    printTable("category", p.categories, p.categories.size(), 28);
    std::printf("\n");
    printTable("top kernels / operators", p.rows, top, 72);
    if (!o.tracePath.empty() && p.traceError.empty()) {
        std::printf("full trace: %s\n", o.tracePath.c_str());
    }
    json = {{"clock", p.clock},
            {"steps", p.steps},
            {"wall_seconds", p.wallSeconds},
            {"clock_seconds", p.clockSeconds},
            {"profiled_seconds", p.profiledSeconds},
            {"untimed_seconds", p.untimedSeconds},
            {"categories", rowsJson(p.categories, p.categories.size())},
            {"top", rowsJson(p.rows, top)},
            {"trace_error", p.traceError}};
    return p.traceError;
}

int runBench(const BenchCommandOptions& o) {
    RunConfig config;
    config.recipe = o.recipe;
    o.knobs.apply(config);
    const Recipe recipe = resolvedRecipe(config);
    const RunPlan full = planRun(recipe, 50000, 10000);
    std::printf("%s: %lld steps, %d epochs, %lld examples seen, %.3f GFLOP per forward image\n",
                recipe.name.c_str(), static_cast<long long>(full.totalSteps), full.epochs,
                static_cast<long long>(full.examplesSeen), full.forwardFlopsPerImage / 1e9);
    std::printf("FLOP per run: %.3f PFLOP (training %.3f + final TTA %.3f); seed reports %.2f\n",
                full.totalFlops() / 1e15, full.trainFlops / 1e15, full.evalFlops / 1e15,
                recipe.reference.pflop);
    nlohmann::json j = {{"recipe", recipe.name},
                        {"steps", full.totalSteps},
                        {"epochs", full.epochs},
                        {"examples_seen", full.examplesSeen},
                        {"pflop", full.totalFlops() / 1e15},
                        {"reference_pflop", recipe.reference.pflop}};
    if (o.dryRun) {
        if (!o.jsonPath.empty()) {
            writeJsonFile(o.jsonPath, j);
        }
        return 0;
    }
    setCpuThreads(config.run.threads);
    const Device device = resolveDevice(config.run.device);
    ImageSet trainSet, testSet;
    std::string source = "synthetic";
    if (o.synthetic || o.data.path.empty()) {
        trainSet = syntheticImages(50000, recipe.numClasses, 1);
        testSet = syntheticImages(device.isCuda() ? 10000 : 1000, recipe.numClasses, 2);
    } else {
        const Dataset d = loadData(o.data);
        trainSet = d.train;
        testSet = device.isCuda() ? d.test : d.test.head(1000);
        source = d.name;
    }
    CifarLoader trainLoader = makeTrainLoader(recipe, trainSet, device);
    CifarLoader testLoader = makeTestLoader(testSet, device);
    BenchOptions options;
    options.mechanics = {config.run.seed, config.run.compiled, config.run.fusedNormActivation,
                         config.run.compactPooling};
    options.steps = o.steps >= 0 ? o.steps : (device.isCuda() ? 0 : 10);
    options.warmupSteps = device.isCuda() ? 20 : 2;
    std::fprintf(
        stderr, "timing %s on %s with %s data...\n",
        options.steps == 0 ? "a whole run" : (std::to_string(options.steps) + " steps").c_str(),
        describeDevice(device).c_str(), source.c_str());
    const BenchReport r = benchmarkTraining(recipe, trainLoader, &testLoader, options);
    for (const std::string& note : r.notes) {
        std::fprintf(stderr, "note: %s\n", note.c_str());
    }
    std::printf("device: %s\n", describeDevice(device).c_str());
    std::printf("training step: %.0f images/s (%lld steps of %d timed), %.2f TFLOP/s\n",
                r.imagesPerSecond, static_cast<long long>(r.stepsTimed), trainLoader.batchSize(),
                r.stepTflops());
    std::printf("per epoch: %.3f s   whitening: %.3f s   final TTA: %.3f s\n", r.secondsPerEpoch,
                r.setupSeconds, r.evalSeconds);
    std::printf("per run: %.3f s%s, %.2f TFLOP/s\n", r.secondsPerRun,
                r.extrapolated ? " (extrapolated from the timed steps)" : " (measured)",
                r.runTflops());
    j["device"] = describeDevice(device);
    j["data"] = source;
    j["images_per_second"] = r.imagesPerSecond;
    j["steps_timed"] = r.stepsTimed;
    j["seconds_per_epoch"] = r.secondsPerEpoch;
    j["seconds_per_run"] = r.secondsPerRun;
    j["run_extrapolated"] = r.extrapolated;
    j["step_tflops"] = r.stepTflops();
    j["run_tflops"] = r.runTflops();
    j["compiled"] = config.run.compiled;
    j["fused_norm"] = config.run.fusedNormActivation;
    j["compact_pool"] = config.run.compactPooling;
    j["overrides"] = describeOverrides(config.overrides);
    j["notes"] = r.notes;
    if (o.matmul) {
        nlohmann::json rates = nlohmann::json::array();
        for (const MatmulRate& m : measureMatmulRates(device)) {
            std::printf("matmul %s %lldx%lld: %.3g TFLOP/s; this run reaches %.3g%% of it\n",
                        m.dtype.c_str(), static_cast<long long>(m.size),
                        static_cast<long long>(m.size), m.tflops, 100 * r.runTflops() / m.tflops);
            rates.push_back({{"dtype", m.dtype},
                             {"size", m.size},
                             {"tflops", m.tflops},
                             {"run_fraction", r.runTflops() / m.tflops}});
        }
        j["matmul"] = rates;
    }
    std::string traceError;
    if (o.profile) {
        traceError = printProfile(recipe, trainLoader, testLoader, options, o, j["profile"]);
    }
    if (!o.jsonPath.empty()) {
        writeJsonFile(o.jsonPath, j);
    }
    if (!traceError.empty()) {
        // After the table and the JSON: the profile itself is good, only the trace is missing.
        std::fprintf(stderr, "airbench: error: %s\n", traceError.c_str());
        return 1;
    }
    return 0;
}

struct BenchLoaderOptions {
    DataOptions data;
    DeviceOptions device;
    int epochs = 5;
    bool synthetic = false;
};

int runBenchLoader(const BenchLoaderOptions& o) {
    const Device device = setUpDevice(o.device);
    const Recipe& recipe = findRecipe("airbench94");
    ImageSet images;
    std::string source = "synthetic";
    if (o.synthetic) {
        images = syntheticImages(50000, 10, 1);
    } else {
        const Dataset d = loadData(o.data);
        images = d.train;
        source = d.name;
    }
    CifarLoader loader = makeTrainLoader(recipe, images, device);
    benchmarkLoader(loader, 1);  // first touch: allocation, pre-flip and padding caches
    const LoaderBenchResult r = benchmarkLoader(loader, o.epochs);
    std::printf(
        "loader (%s, %lld images, batch %d, flip + translate 2) on %s: %.2f epochs/s, "
        "%.0f images/s (%d epochs in %.2f s)\n",
        source.c_str(), static_cast<long long>(loader.size()), loader.batchSize(),
        describeDevice(device).c_str(), r.epochsPerSecond, r.imagesPerSecond, r.epochs, r.seconds);
    return 0;
}

}  // namespace

Command addBenchCommand(CLI::App& app) {
    auto o = std::make_shared<BenchCommandOptions>();
    CLI::App* c = app.add_subcommand(
        "bench", "Time a recipe's training step, epoch and run; print its FLOP count");
    c->add_option("--recipe", o->recipe, "Recipe")
        ->check(CLI::IsMember(recipeNames()))
        ->capture_default_str();
    addDataOptions(*c, o->data, /*subsets=*/false);
    c->add_flag("--synthetic", o->synthetic,
                "Random CIFAR-shaped data (the default without --data)");
    c->add_flag("--dry-run", o->dryRun, "Print the plan and FLOP count without training");
    c->add_option("--steps", o->steps,
                  "Steps to time (0: a whole run; default: whole run on "
                  "CUDA, 10 on CPU)");
    o->knobs.add(*c, KnobOptions::Which::Everything, {"runs", "warmup"});
    c->add_flag("--matmul", o->matmul,
                "Also measure the device's dense matmul rate and the run's fraction of it");
    c->add_flag("--profile", o->profile,
                "Then profile the same run: time per category (convolution, batch norm, ...) and "
                "the top kernels (CUDA) or operators (CPU)");
    c->add_option("--profile-top", o->profileTop, "Kernels or operators listed by --profile")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    c->add_option("--trace", o->tracePath,
                  "With --profile: also save the full trace (chrome://tracing, Perfetto)");
    c->add_option("--json", o->jsonPath, "Write the figures as JSON");
    return {c, [o] { return runBench(*o); }};
}

Command addBenchLoaderCommand(CLI::App& app) {
    auto o = std::make_shared<BenchLoaderOptions>();
    CLI::App* c = app.add_subcommand(
        "bench-loader", "Epochs per second of the loader with airbench94's augmentation");
    addDataOptions(*c, o->data, /*subsets=*/false);
    addDeviceOptions(*c, o->device);
    c->add_option("--epochs", o->epochs, "Epochs to time")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    c->add_flag("--synthetic", o->synthetic, "Random data instead of a dataset");
    return {c, [o] { return runBenchLoader(*o); }};
}

}  // namespace airbench::cli

namespace airbench::cli {

// airbench selftest: is this machine's GPU path computing what the CPU path computes?
Command addSelftestCommand(CLI::App& app) {
    auto device = std::make_shared<std::string>("auto");
    auto json = std::make_shared<bool>(false);
    CLI::App* c = app.add_subcommand(
        "selftest", "Check that the CUDA path computes what the CPU path computes; print versions");
    c->add_option("--device", *device, "Device to check (auto: CUDA when available)")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
        ->capture_default_str();
    c->add_flag("--json", *json, "Print JSON");
    return {c, [device, json] {
                setCpuThreads(0);
                const Device d = resolveDevice(parseDeviceRequest(*device));
                const SelfTestReport r = runSelfTest(d);
                if (*json) {
                    nlohmann::json checks = nlohmann::json::array();
                    for (const auto& k : r.checks) {
                        checks.push_back({{"name", k.name},
                                          {"passed", k.passed},
                                          {"error", number(k.error)},
                                          {"tolerance", k.tolerance},
                                          {"detail", k.detail}});
                    }
                    std::printf("%s\n", nlohmann::json{{"device", r.device},
                                                       {"libtorch", r.libtorch},
                                                       {"cuda_runtime", r.cudaRuntime},
                                                       {"driver", r.driver},
                                                       {"cudnn", r.cudnn},
                                                       {"passed", r.passed()},
                                                       {"checks", checks}}
                                            .dump(2)
                                            .c_str());
                } else {
                    std::printf("device:    %s\nLibTorch:  %s\n", r.device.c_str(),
                                r.libtorch.c_str());
                    if (!r.cudaRuntime.empty()) {
                        std::printf("CUDA:      runtime %s, driver %s, cuDNN %s\n",
                                    r.cudaRuntime.c_str(), r.driver.c_str(),
                                    r.cudnn.empty() ? "none" : r.cudnn.c_str());
                    }
                    if (!d.isCuda()) {
                        std::printf("CUDA:      %s; only the CPU checks run\n",
                                    libtorchHasCuda() ? "no device found" : "not in this build");
                    }
                    for (const auto& k : r.checks) {
                        std::printf("%s  %-55s %s\n", k.passed ? "PASS" : "FAIL", k.name.c_str(),
                                    k.detail.c_str());
                    }
                    std::printf("%s\n", r.passed() ? "all checks passed" : "SOME CHECKS FAILED");
                }
                return r.passed() ? 0 : kExitError;
            }};
}

}  // namespace airbench::cli
