#pragma once
// Benchmarks as library functions: the CLI's `bench` and `bench-loader` print what these
// return. Tests never time anything; benchmarks never assert.

#include <airbench/dataset.h>
#include <airbench/loader.h>
#include <airbench/train.h>

#include <cstdint>
#include <string>
#include <vector>

namespace airbench {

// Random CIFAR-shaped images and labels, for timing only (never for accuracy).
ImageSet syntheticImages(int64_t count, int numClasses, uint64_t seed);

struct LoaderBenchResult {
    int epochs = 0;
    double seconds = 0;
    double epochsPerSecond = 0;
    double imagesPerSecond = 0;
};
// Serves `epochs` whole epochs (draws, augmentation, every batch gathered), synchronising once.
LoaderBenchResult benchmarkLoader(CifarLoader& loader, int epochs);

// The device's measured dense matrix-multiply rate (TFLOP/s) for a square GEMM of side `n` in
// fp16 and bf16 (CUDA), or fp32 (CPU): the ceiling the training step's TFLOP/s is compared with.
struct MatmulRate {
    std::string dtype;
    int64_t size = 0;
    double tflops = 0;
};
std::vector<MatmulRate> measureMatmulRates(Device device, int64_t size = 0);

struct BenchOptions {
    RunMechanics mechanics;            // seed and how the step executes
    int64_t steps = 0;                 // optimizer steps to time; 0 = a whole run
    int64_t warmupSteps = 5;           // untimed steps first (kernel selection, allocator)
    int64_t fullTestExamples = 10000;  // the final TTA time is scaled to this many images
};

struct BenchReport {
    RunPlan plan;  // the whole run on the loader's data
    int64_t stepsTimed = 0;
    double stepSeconds = 0;  // training steps only
    double imagesPerSecond = 0;
    double secondsPerEpoch = 0;
    double setupSeconds = 0;   // whitening (+ proxy)
    double evalSeconds = 0;    // final TTA, scaled to fullTestExamples
    double secondsPerRun = 0;  // measured for a whole run, else setup + steps + eval extrapolated
    bool extrapolated = false;
    // What the run noted (a compiled or fused mode unavailable here, and why).
    std::vector<std::string> notes;
    double runTflops() const {
        return secondsPerRun > 0 ? plan.totalFlops() / secondsPerRun / 1e12 : 0;
    }
    double stepTflops() const { return imagesPerSecond * 3 * plan.forwardFlopsPerImage / 1e12; }
};
BenchReport benchmarkTraining(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
                              const BenchOptions& options);

// Where a training run's time goes, from LibTorch's profiler (Kineto). On CUDA the rows are GPU
// kernels with their device time; on the CPU they are operators with their self time (time not
// spent in the operators they call). Each row also has a coarse category (convolution, batch
// norm, GELU, pooling, optimizer, ...) so that runs of different recipes or builds compare.
struct ProfileRow {
    std::string name;
    std::string category;
    int64_t calls = 0;
    double seconds = 0;
};
// Only what the run clock counts is in the rows (whitening, training steps, final TTA: what a
// run's time counts); kernels or operators outside it (data loading, per-epoch evaluation) are
// summed in untimedSeconds.
struct ProfileReport {
    std::string clock;        // what the seconds count: "CUDA kernel time" or "CPU self time"
    int64_t steps = 0;        // optimizer steps in the profiled run
    double wallSeconds = 0;   // the profiled run end to end (profiler overhead included)
    double clockSeconds = 0;  // the run clock's stretches, as the profiler saw them
    // The sum over rows; on CUDA, divided by clockSeconds it says how busy the GPU was.
    double profiledSeconds = 0;
    double untimedSeconds = 0;           // kernels or operators outside the run clock
    std::vector<ProfileRow> rows;        // by seconds, largest first
    std::vector<ProfileRow> categories;  // the rows summed per category, largest first
    std::string traceError;  // why ProfileOptions::tracePath could not be written, if it could not
};
struct ProfileOptions {
    RunMechanics mechanics;  // seed and how the step executes
    int64_t steps = 0;       // steps in the profiled run; 0 = a whole run (with the final TTA)
    int64_t warmupSteps = 5;
    std::string tracePath;  // also save the full trace here (chrome://tracing, Perfetto)
};
// The coarse category of a kernel or operator name.
std::string profileCategory(const std::string& name);
// Profiles one run of `recipe` after an untimed warm-up. Throws airbench::Error if this
// LibTorch cannot profile.
ProfileReport profileTraining(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
                              const ProfileOptions& options);

}  // namespace airbench
