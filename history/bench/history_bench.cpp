// airbench-history-bench: how big and how fast the run history is at 10,000 runs.
//
// Writes N airbench94-shaped runs through the real write path (RunRecorder fed like train()
// feeds it on CPU: every step, 10 epochs of 97 steps, one transaction per epoch), then reopens
// the file and times what the GUI's Runs view does: open, list every run, group them, load one
// run's curves. Not a test: it asserts nothing, it prints numbers.
//
//   airbench-history-bench [--runs N] [--db PATH] [--keep]
//   airbench-history-bench --db PATH --measure-only    (time an existing history, write nothing)

#include <airbench/history.h>
#include <airbench/recipe.h>
#include <airbench/run_config.h>
#include <airbench/run_recorder.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

using namespace airbench;
using namespace airbench::history;
namespace fs = std::filesystem;

namespace {

constexpr int kEpochs = 10;
constexpr int kStepsPerEpoch = 97;  // airbench94 on 50,000 examples, batch 1024, with the tail
constexpr int kConfigs = 20;        // distinct settings (learning rates), seeds within each

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string configFor(int config, uint64_t seed) {
    // A real recorded configuration (as long as the CLI records), made distinct per group.
    RunConfig c;
    c.overrides["learning_rate"] = 10.0 + 0.1 * config;
    c.run.seed = seed;
    c.run.runs = 50;
    c.data.path = "/data/cifar10";
    RunFacts facts;
    facts.datasetName = "CIFAR-10";
    facts.datasetHash = "6c1f0f5d2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5";
    facts.trainExamples = 50000;
    facts.testExamples = 10000;
    facts.device = "NVIDIA H100";
    facts.warmedUp = true;
    return runConfigToJson(c, &facts);
}

void writeRun(Database& db, int index, std::mt19937& random) {
    const int config = index % kConfigs;
    const uint64_t seed = static_cast<uint64_t>(index / kConfigs);
    RunRecord record;
    record.recipe = "airbench94";
    record.configJson = configFor(config, seed);
    record.datasetName = "CIFAR-10";
    record.datasetHash = "6c1f0f5d2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5";
    record.seed = seed;
    record.device = "NVIDIA H100 80GB HBM3";
    record.softwareVersion = "0.1.0";
    RunRecorder recorder(db, record);

    RunPlan plan;
    plan.epochs = kEpochs;
    plan.stepsPerEpoch = kStepsPerEpoch;
    plan.totalSteps = int64_t{kEpochs} * kStepsPerEpoch;
    recorder.onStart(plan);
    std::normal_distribution<double> noise(0, 0.02);
    int64_t step = 0;
    for (int epoch = 0; epoch < kEpochs; ++epoch) {
        for (int s = 0; s < kStepsPerEpoch; ++s) {
            ++step;
            const double loss = 2.3 * std::exp(-double(step) / 300) + 0.4 + noise(random);
            recorder.onSteps({{step, epoch, loss}});
        }
        EpochMetrics m;
        m.epoch = epoch;
        m.steps = step;
        m.trainLoss = 0.4 + std::exp(-double(epoch));
        m.trainAccuracy = 0.9 - 0.5 * std::exp(-double(epoch));
        m.valAccuracy = 0.93 - 0.5 * std::exp(-double(epoch));
        m.seconds = 0.35 * (epoch + 1);
        recorder.onEpoch(m);
    }
    RunSummary summary;
    summary.seed = seed;
    summary.valAccuracy = 0.935 + noise(random) / 10;
    summary.ttaValAccuracy = 0.940 + noise(random) / 10;
    summary.seconds = 3.6;
    summary.steps = step;
    recorder.onFinish(summary);
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 10000;
    std::string path = (fs::temp_directory_path() / "airbench-history-bench.sqlite").string();
    bool keep = false, measureOnly = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = std::atoi(argv[++i]);
        } else if (!std::strcmp(argv[i], "--db") && i + 1 < argc) {
            path = argv[++i];
        } else if (!std::strcmp(argv[i], "--keep")) {
            keep = true;
        } else if (!std::strcmp(argv[i], "--measure-only")) {
            measureOnly = keep = true;
        } else {
            std::fprintf(stderr, "usage: %s [--runs N] [--db PATH] [--keep | --measure-only]\n",
                         argv[0]);
            return 2;
        }
    }
    if (!measureOnly) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            fs::remove(path + suffix);
        }
    }

    try {
        std::mt19937 random(1);
        auto start = std::chrono::steady_clock::now();
        if (!measureOnly) {
            Database db(path);
            for (int i = 0; i < runs; ++i) {
                writeRun(db, i, random);
            }
        }
        const double writeSeconds = secondsSince(start);
        const auto bytes = fs::file_size(path);

        start = std::chrono::steady_clock::now();
        Database db(path);
        const double openSeconds = secondsSince(start);
        if (measureOnly) {
            runs = static_cast<int>(db.countRuns());
        }

        // The first listing after open reads the file from the page cache into SQLite's; the
        // later ones are what a view refresh costs.
        RunFilter listing;
        listing.withConfig = false;
        std::vector<RunRecord> all;
        double listColdSeconds = 0, listSeconds = 1e9, listFullSeconds = 1e9;
        for (int repeat = 0; repeat < 4; ++repeat) {
            start = std::chrono::steady_clock::now();
            all = db.runs(listing);
            const double seconds = secondsSince(start);
            if (repeat == 0) {
                listColdSeconds = seconds;
            } else {
                listSeconds = std::min(listSeconds, seconds);
            }
            start = std::chrono::steady_clock::now();
            const auto full = db.runs();
            listFullSeconds = std::min(listFullSeconds, secondsSince(start));
        }

        start = std::chrono::steady_clock::now();
        const int64_t counted = db.countRuns();
        const double countSeconds = secondsSince(start);

        RunFilter page;
        page.limit = 100;
        page.offset = 5000;
        page.withConfig = false;
        start = std::chrono::steady_clock::now();
        const auto rows = db.runs(page);
        const double pageSeconds = secondsSince(start);

        start = std::chrono::steady_clock::now();
        const auto groups = db.groups();
        const double groupSeconds = secondsSince(start);

        start = std::chrono::steady_clock::now();
        const auto details = db.details(all.at(all.size() / 2).id);
        const double detailSeconds = secondsSince(start);

        std::printf("runs                         %d (%d epochs x %d steps each, %d configs)\n",
                    runs, kEpochs, kStepsPerEpoch, kConfigs);
        std::printf("database                     %s\n", path.c_str());
        std::printf("size                         %.1f MB, %.1f KB per run\n", bytes / 1e6,
                    bytes / 1e3 / runs);
        if (!measureOnly) {
            std::printf("write (recorder, per epoch)  %.1f s, %.2f ms per run, %.3f ms per epoch\n",
                        writeSeconds, 1e3 * writeSeconds / runs,
                        1e3 * writeSeconds / runs / kEpochs);
        }
        std::printf("open (migrate check, repair) %.1f ms\n", 1e3 * openSeconds);
        std::printf("list all runs, first after open %.1f ms (%zu rows, no config JSON)\n",
                    1e3 * listColdSeconds, all.size());
        std::printf("list all runs, again         %.1f ms (with config JSON: %.1f ms)\n",
                    1e3 * listSeconds, 1e3 * listFullSeconds);
        std::printf("count runs                   %.2f ms (%lld)\n", 1e3 * countSeconds,
                    static_cast<long long>(counted));
        std::printf("one page (100 rows at 5000)  %.2f ms (%zu rows)\n", 1e3 * pageSeconds,
                    rows.size());
        std::printf("group by configuration       %.1f ms (%zu groups)\n", 1e3 * groupSeconds,
                    groups.size());
        std::printf("one run's epochs and steps   %.2f ms (%zu epochs, %zu points)\n",
                    1e3 * detailSeconds, details.epochs.size(), details.steps.size());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "airbench-history-bench: %s\n", e.what());
        return 1;
    }
    if (!keep) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            fs::remove(path + suffix);
        }
    }
    return 0;
}
