// profileTraining: one training run under LibTorch's Kineto profiler, summarised per kernel (CUDA)
// or per operator (CPU) and per coarse category.

#include <airbench/bench.h>
#include <airbench/error.h>

#include "bench/run_of_steps.h"
#include "core/torch_device.h"
#include "train/run_context.h"

#ifdef AIRBENCH_WITH_PROFILER
#include <torch/csrc/autograd/profiler_kineto.h>
#endif

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>

namespace airbench {
namespace {

std::string lowercase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool containsAny(const std::string& text, std::initializer_list<const char*> parts) {
    for (const char* p : parts) {
        if (text.find(p) != std::string::npos) {
            return true;
        }
    }
    return false;
}

#ifdef AIRBENCH_WITH_PROFILER
namespace kineto = torch::autograd::profiler;
using torch::profiler::impl::ActivityType;
using torch::profiler::impl::ProfilerConfig;
using torch::profiler::impl::ProfilerState;

// An event's start and end in nanoseconds. KinetoEvent counts microseconds up to LibTorch 1.13
// (startUs, durationUs) and nanoseconds in 2.x (startNs, durationNs): whichever it has.
struct Interval {
    uint64_t start = 0;
    uint64_t end = 0;
};
template <class Event>
auto intervalOf(const Event& e, int) -> decltype(e.startNs(), Interval{}) {
    return {e.startNs(), e.startNs() + e.durationNs()};
}
template <class Event>
Interval intervalOf(const Event& e, long) {
    return {e.startUs() * 1000, (e.startUs() + e.durationUs()) * 1000};
}
Interval interval(const kineto::KinetoEvent& e) {
    return intervalOf(e, 0);
}

struct Span {
    uint64_t start = 0;
    uint64_t end = 0;
    std::string name;
};

struct Sample {
    std::string name;
    uint64_t start = 0;  // ns, on the profiler's clock
    double seconds = 0;
};

// Self time of each CPU operator: on its thread, its duration minus that of the operators it
// directly encloses (operators nest: aten::conv2d calls aten::convolution calls ...).
std::vector<Sample> cpuSelfTimes(const std::vector<kineto::KinetoEvent>& events) {
    std::map<uint64_t, std::vector<Span>> byThread;
    for (const auto& e : events) {
        if (e.deviceType() == c10::DeviceType::CPU) {
            const Interval t = interval(e);
            byThread[e.startThreadId()].push_back({t.start, t.end, e.name()});
        }
    }
    std::vector<Sample> out;
    for (auto& [thread, spans] : byThread) {
        std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
            return a.start != b.start ? a.start < b.start : a.end > b.end;
        });
        std::vector<double> self(spans.size());
        std::vector<size_t> open;
        for (size_t i = 0; i < spans.size(); ++i) {
            self[i] = double(spans[i].end - spans[i].start);
            while (!open.empty() && spans[open.back()].end <= spans[i].start) {
                open.pop_back();
            }
            if (!open.empty()) {
                self[open.back()] -= double(spans[i].end - spans[i].start);
            }
            open.push_back(i);
        }
        for (size_t i = 0; i < spans.size(); ++i) {
            if (spans[i].name != kTimedScopeName) {
                out.push_back({spans[i].name, spans[i].start, std::max(0.0, self[i]) * 1e-9});
            }
        }
    }
    return out;
}

std::vector<Sample> deviceTimes(const std::vector<kineto::KinetoEvent>& events) {
    std::vector<Sample> out;
    for (const auto& e : events) {
        if (e.deviceType() == c10::DeviceType::CUDA) {
            const Interval t = interval(e);
            out.push_back({e.name(), t.start, double(t.end - t.start) * 1e-9});
        }
    }
    return out;
}

// The stretches of the run clock (whitening, training epochs, final evaluation): the clock
// synchronises the device before it opens a stretch and before it closes one, so every kernel
// that starts inside a stretch belongs to it.
std::vector<std::pair<uint64_t, uint64_t>> timedStretches(
    const std::vector<kineto::KinetoEvent>& events) {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    for (const auto& e : events) {
        if (e.deviceType() == c10::DeviceType::CPU && e.name() == kTimedScopeName) {
            const Interval t = interval(e);
            out.emplace_back(t.start, t.end);
        }
    }
    return out;
}

bool inside(const std::vector<std::pair<uint64_t, uint64_t>>& stretches, uint64_t t) {
    for (const auto& [from, to] : stretches) {
        if (t >= from && t < to) {
            return true;
        }
    }
    return false;
}

void sortLargestFirst(std::vector<ProfileRow>& rows) {
    std::sort(rows.begin(), rows.end(), [](const ProfileRow& a, const ProfileRow& b) {
        return a.seconds != b.seconds ? a.seconds > b.seconds : a.name < b.name;
    });
}

// One row per kernel or operator name.
std::vector<ProfileRow> byName(const std::vector<Sample>& samples) {
    std::map<std::string, ProfileRow> rows;
    for (const auto& [name, start, seconds] : samples) {
        ProfileRow& row = rows[name];
        if (row.calls == 0) {
            row.name = name;
            row.category = profileCategory(name);
        }
        row.calls += 1;
        row.seconds += seconds;
    }
    std::vector<ProfileRow> out;
    for (auto& [key, row] : rows) {
        out.push_back(std::move(row));
    }
    sortLargestFirst(out);
    return out;
}

// The rows summed per category (each row already knows its category).
std::vector<ProfileRow> byCategory(const std::vector<ProfileRow>& rows) {
    std::map<std::string, ProfileRow> categories;
    for (const ProfileRow& row : rows) {
        ProfileRow& sum = categories[row.category];
        sum.name = sum.category = row.category;
        sum.calls += row.calls;
        sum.seconds += row.seconds;
    }
    std::vector<ProfileRow> out;
    for (auto& [key, sum] : categories) {
        out.push_back(std::move(sum));
    }
    sortLargestFirst(out);
    return out;
}
#endif

}  // namespace

std::string profileCategory(const std::string& name) {
    const std::string n = lowercase(name);
    // Order matters: cuDNN's batch-norm kernels also say "cudnn"; ours (nn/cuda) fuse two.
    if (containsAny(n, {"batchnormgelu"})) {
        return "batch norm + GELU (fused)";
    }
    if (containsAny(n, {"batch_norm", "batchnorm", "bn_fw", "bn_bw", "welford"})) {
        return "batch norm";
    }
    if (containsAny(n, {"gelu"})) {
        return "GELU";
    }
    if (containsAny(n, {"pool"})) {
        return "pooling";
    }
    // cuDNN and cuBLAS kernels both say "xmma"/"cutlass"/"gemm"; only convolutions say which pass.
    if (containsAny(n, {"conv", "implicit_gemm", "fprop", "dgrad", "wgrad", "cudnn", "nchwtonhwc",
                        "nhwctonchw"})) {
        return "convolution";
    }
    if (containsAny(n, {"foreach", "multi_tensor"})) {
        return "optimizer (multi-tensor)";
    }
    if (containsAny(n, {"gemm", "cublas", "cutlass", "aten::mm", "aten::bmm", "aten::addmm",
                        "aten::baddbmm", "aten::linear", "aten::matmul", "sm90_", "sm80_"})) {
        return "matrix multiply";
    }
    if (containsAny(n, {"softmax", "nll_loss", "cross_entropy", "log_sum_exp"})) {
        return "loss";
    }
    if (containsAny(n, {"memcpy", "memset", "copy", "cast", "aten::to", "contiguous", "cat",
                        "stack", "index", "gather"})) {
        return "copy, cast, gather";
    }
    if (containsAny(n, {"reduce", "sum", "norm", "mean", "max", "argmax"})) {
        return "reduction";
    }
    return "other element-wise";
}

#ifdef AIRBENCH_WITH_PROFILER
ProfileReport profileTraining(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
                              const ProfileOptions& options) {
    const bool cuda = train.device().isCuda();
    if (options.warmupSteps > 0) {
        warmup(recipe, train, TrainOptions{options.mechanics, {}, {}}, options.warmupSteps);
    }
    const RunOfSteps run = runOfSteps(planForLoader(recipe, train, test ? test->size() : 0), recipe,
                                      options.mechanics, options.steps);

    const ProfilerConfig config(ProfilerState::KINETO);
    std::set<ActivityType> activities{ActivityType::CPU};
    if (cuda) {
        activities.insert(ActivityType::CUDA);
    }
    TrainResult trained;
    const auto started = std::chrono::steady_clock::now();
    try {
        kineto::prepareProfiler(config, activities);
        kineto::enableProfiler(config, activities);
    } catch (const std::exception& e) {
        throw Error(std::string("this LibTorch cannot profile: ") + e.what());
    }
    try {
        trained = airbench::train(run.recipe, train, options.steps > 0 ? nullptr : test,
                                  run.options, nullptr);
        synchronize(train.device());
    } catch (...) {
        kineto::disableProfiler();
        throw;
    }
    const std::unique_ptr<kineto::ProfilerResult> result = kineto::disableProfiler();
    ProfileReport report;
    report.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!options.tracePath.empty()) {
        try {
            result->save(options.tracePath);
        } catch (const std::exception& e) {
            // Debian's CPU LibTorch profiles through its fallback collector, which has no trace.
            const std::string what = e.what();
            report.traceError = "could not save the trace to " + options.tracePath + ": " +
                                what.substr(0, what.find('\n'));
        }
    }
    report.clock = cuda ? "CUDA kernel time" : "CPU self time";
    report.steps = trained.history.summary.steps;
    const auto& events = result->events();
    const auto stretches = timedStretches(events);
    std::vector<Sample> timed;
    for (Sample& sample : cuda ? deviceTimes(events) : cpuSelfTimes(events)) {
        if (inside(stretches, sample.start)) {
            report.profiledSeconds += sample.seconds;
            timed.push_back(std::move(sample));
        } else {
            report.untimedSeconds += sample.seconds;
        }
    }
    for (const auto& [from, to] : stretches) {
        report.clockSeconds += double(to - from) * 1e-9;
    }
    report.rows = byName(timed);
    report.categories = byCategory(report.rows);
    if (report.rows.empty()) {
        throw Error("the profiler recorded no " + std::string(cuda ? "CUDA kernels" : "operators") +
                    " (is Kineto built into this LibTorch?)");
    }
    return report;
}

#else
ProfileReport profileTraining(const Recipe&, CifarLoader&, const CifarLoader*,
                              const ProfileOptions&) {
    throw Error("this build has no profiler (configured with AIRBENCH_WITH_PROFILER=OFF)");
}
#endif

}  // namespace airbench
