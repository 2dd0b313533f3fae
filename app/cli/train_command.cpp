// airbench train: N seeded runs of a recipe, the per-epoch table, mean and std, optional JSON.

#include <airbench/config.h>
#include <airbench/error.h>
#include <airbench/history.h>
#include <airbench/inference.h>
#include <airbench/mask.h>
#include <airbench/run_recorder.h>
#include <airbench/stats.h>
#include <airbench/train.h>

#include "cli_common.h"
#include "commands.h"

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

namespace airbench::cli {
namespace {

struct TrainCommandOptions {
    DataOptions data;
    DeviceOptions device;
    std::string recipe = "airbench94";
    int runs = 1;
    uint64_t seed = 0;
    std::optional<double> epochs, labelSmoothing, learningRate, weightDecay, whiteningBiasEpochs;
    std::optional<int> batchSize, tta;
    double width = 1.0;
    bool compiled = false;
    bool fusedNorm = false;
    bool compactPool = false;
    std::string warmup = "auto";
    std::string jsonPath;
    std::string saveModel;
    std::string maskPath;
    bool quiet = false;
    bool noRecord = false;
    std::string historyDb;  // empty: history::Database::defaultPath()
};

std::string cell(double value, const char* format) {
    if (!std::isfinite(value)) {
        return "";
    }
    char text[32];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

// Prints the table rows on stdout and, on a terminal, a live progress line on stderr.
class TablePrinter : public TrainObserver {
public:
    TablePrinter(int run, int runs, bool quiet) : run_(run), runs_(runs), quiet_(quiet) {
        live_ = !quiet && isatty(STDERR_FILENO);
    }
    void onStart(const RunPlan& plan) override {
        plan_ = plan;
        started_ = std::chrono::steady_clock::now();
    }
    void onSteps(const std::vector<StepMetrics>& steps) override {
        if (!live_ || steps.empty()) {
            return;
        }
        const StepMetrics& last = steps.back();
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        const double eta = elapsed / double(last.step) * double(plan_.totalSteps - last.step);
        std::fprintf(stderr, "\r  run %d/%d  epoch %d/%d  step %lld/%lld  loss %.4f  ETA %s   ",
                     run_, runs_, last.epoch + 1, plan_.epochs, static_cast<long long>(last.step),
                     static_cast<long long>(plan_.totalSteps), last.trainLoss,
                     formatSeconds(eta).c_str());
        std::fflush(stderr);
    }
    void onEpoch(const EpochMetrics& m) override {
        clearLine();
        if (!quiet_) {
            std::printf("%5d %6d %11.4f %10.4f %8s %12s %9.2f\n", run_, m.epoch + 1, m.trainLoss,
                        m.trainAccuracy, cell(m.valAccuracy, "%.4f").c_str(), "", m.seconds);
            std::fflush(stdout);
        }
    }
    void onNote(const std::string& note) override {
        clearLine();
        std::fprintf(stderr, "note: %s\n", note.c_str());
    }
    void onFinish(const RunSummary& s) override {
        clearLine();
        if (s.cancelled) {
            std::printf("%5d %6s %11s %10s %8s %12s %9.2f  (stopped)\n", run_, "stop", "", "", "",
                        "", s.seconds);
        } else {
            std::printf("%5d %6s %11s %10s %8s %12s %9.2f\n", run_, "final", "", "",
                        cell(s.valAccuracy, "%.4f").c_str(), cell(s.ttaValAccuracy, "%.4f").c_str(),
                        s.seconds);
        }
        std::fflush(stdout);
    }
    bool stopRequested() const override { return interrupted(); }

private:
    void clearLine() {
        if (live_) {
            std::fprintf(stderr, "\r%100s\r", "");
        }
    }
    int run_, runs_;
    bool quiet_, live_;
    RunPlan plan_;
    std::chrono::steady_clock::time_point started_;
};

// The run history, unless --no-record. A default database that cannot be opened only costs the
// record (a warning); one named with --db is an error before any training starts.
std::optional<history::Database> openHistory(const TrainCommandOptions& o) {
    if (o.noRecord) {
        return std::nullopt;
    }
    try {
        return history::Database(o.historyDb.empty() ? history::Database::defaultPath()
                                                     : o.historyDb);
    } catch (const history::HistoryError& e) {
        if (!o.historyDb.empty()) {
            throw;
        }
        std::fprintf(stderr, "warning: not recording the runs: %s\n", e.what());
        return std::nullopt;
    }
}

history::RunRecord historyRecord(const Recipe& recipe, nlohmann::json config,
                                 const Dataset& dataset, const std::string& maskName,
                                 const std::string& maskHash, uint64_t seed) {
    config["seed"] = seed;  // this run's seed; the command's config holds the first run's
    history::RunRecord r;
    r.recipe = recipe.name;
    r.configJson = config.dump();
    r.datasetName = dataset.name;
    r.datasetHash = dataset.hash;
    r.maskName = maskName;
    r.maskHash = maskHash;
    r.seed = seed;
    r.device = config["device"].get<std::string>();
    r.softwareVersion = AIRBENCH_VERSION;
    return r;
}

nlohmann::json runJson(const RunHistory& h) {
    nlohmann::json epochs = nlohmann::json::array();
    for (const EpochMetrics& m : h.epochs) {
        epochs.push_back({{"epoch", m.epoch + 1},
                          {"train_loss", number(m.trainLoss)},
                          {"train_acc", number(m.trainAccuracy)},
                          {"val_acc", number(m.valAccuracy)},
                          {"time_seconds", number(m.seconds)}});
    }
    const RunSummary& s = h.summary;
    nlohmann::json run = {{"seed", s.seed},
                          {"val_acc", number(s.valAccuracy)},
                          {"tta_val_acc", number(s.ttaValAccuracy)},
                          {"time_seconds", number(s.seconds)},
                          {"steps", s.steps},
                          {"cancelled", s.cancelled},
                          {"epochs", epochs}};
    if (!s.notes.empty()) {
        run["notes"] = s.notes;
    }
    if (s.examplesKept >= 0) {
        run["examples_kept"] = s.examplesKept;
        run["proxy_seconds"] = s.proxySeconds;
    }
    return run;
}

int runTrain(const TrainCommandOptions& o) {
    const Recipe& base = findRecipe(o.recipe);
    TrainOptions options;
    options.epochs = o.epochs;
    options.labelSmoothing = o.labelSmoothing;
    options.learningRate = o.learningRate;
    options.weightDecay = o.weightDecay;
    options.whiteningBiasEpochs = o.whiteningBiasEpochs;
    options.batchSize = o.batchSize;
    options.ttaLevel = o.tta;
    options.widthMultiplier = o.width;
    options.compiled = o.compiled;
    options.fusedNormActivation = o.fusedNorm;
    options.compactPooling = o.compactPool;
    const Recipe recipe = resolveRecipe(base, options);
    std::optional<history::Database> runHistory = openHistory(o);

    const Device device = setUpDevice(o.device);
    const Dataset dataset = loadData(o.data);
    options.datasetHash = dataset.hash;
    CifarLoader trainLoader = makeTrainLoader(recipe, dataset.train, device, o.seed);
    CifarLoader testLoader = makeTestLoader(dataset.test, device);
    std::string maskName, maskHash;
    if (!o.maskPath.empty()) {
        const Mask mask = Mask::load(o.maskPath, dataset.hash, dataset.train.size());
        trainLoader.setMask(mask.keep());
        maskName = mask.name();
        maskHash = mask.hash();
        std::fprintf(stderr, "mask '%s': training on %lld of %lld examples\n", maskName.c_str(),
                     static_cast<long long>(mask.count()), static_cast<long long>(mask.size()));
    }
    const RunPlan plan = planRun(recipe, trainLoader.size(), testLoader.size());
    std::fprintf(stderr, "%s on %s: %lld steps (%d epochs of %lld), %.3g PFLOP per run, %d run%s\n",
                 recipe.name.c_str(), describeDevice(device).c_str(),
                 static_cast<long long>(plan.totalSteps), plan.epochs,
                 static_cast<long long>(plan.stepsPerEpoch), plan.totalFlops() / 1e15, o.runs,
                 o.runs == 1 ? "" : "s");

    const bool doWarmup = o.warmup == "on" || (o.warmup == "auto" && device.isCuda());
    if (doWarmup) {
        std::fprintf(stderr, "warm-up: a few steps on random labels (kernel selection)\n");
        warmup(recipe, trainLoader, options, 2 * std::max<int64_t>(1, plan.stepsPerEpoch));
    }

    RunSetting setting;
    setting.datasetName = dataset.name;
    setting.datasetPath = dataset.path;
    setting.datasetHash = dataset.hash;
    setting.trainExamples = dataset.train.size();
    setting.testExamples = dataset.test.size();
    setting.masked = !o.maskPath.empty();
    setting.maskPath = o.maskPath;
    setting.maskName = maskName;
    setting.maskHash = maskHash;
    setting.maskExamples = trainLoader.size();
    setting.device = describeDevice(device);
    setting.runs = o.runs;
    setting.compiled = o.compiled;
    setting.fusedNormActivation = o.fusedNorm;
    setting.compactPooling = o.compactPool;
    setting.warmup = doWarmup;
    const nlohmann::json config = nlohmann::json::parse(runConfigJson(recipe, setting, o.seed));

    std::printf("%5s %6s %11s %10s %8s %12s %9s\n", "run", "epoch", "train_loss", "train_acc",
                "val_acc", "tta_val_acc", "time_s");
    nlohmann::json runs = nlohmann::json::array();
    std::vector<double> accuracies, times;
    bool stopped = false;
    std::vector<int64_t> recordedIds;
    for (int run = 0; run < o.runs && !stopped; ++run) {
        options.seed = o.seed + static_cast<uint64_t>(run);
        TablePrinter printer(run + 1, o.runs, o.quiet);
        std::optional<history::RunRecorder> recorder;
        if (runHistory) {
            recorder.emplace(
                *runHistory,
                historyRecord(recipe, config, dataset, maskName, maskHash, options.seed), &printer);
            recordedIds.push_back(recorder->runId());
        }
        TrainObserver* observer = recorder ? static_cast<TrainObserver*>(&*recorder) : &printer;
        TrainResult result = [&] {
            try {
                return train(recipe, trainLoader, &testLoader, options, observer);
            } catch (const std::exception& e) {
                if (recorder) {
                    recorder->fail(e.what());
                }
                throw;
            }
        }();
        const RunSummary& s = result.history.summary;
        runs.push_back(runJson(result.history));
        stopped = s.cancelled;
        if (!s.cancelled) {
            accuracies.push_back(s.ttaValAccuracy);
            times.push_back(s.seconds);
        }
        if (!o.saveModel.empty() && run + 1 == o.runs && !s.cancelled) {
            result.model.save(o.saveModel);
            std::fprintf(stderr, "saved the model to %s\n", o.saveModel.c_str());
            if (recorder && recorder->error().empty()) {
                try {
                    runHistory->addArtifact(recorder->runId(), "checkpoint", o.saveModel);
                } catch (const history::HistoryError& e) {
                    std::fprintf(stderr, "warning: %s\n", e.what());
                }
            }
        }
    }
    const Summary acc = summarize(accuracies), time = summarize(times);
    if (!accuracies.empty()) {
        std::printf(
            "\n%d run%s: tta_val_acc mean %.4f std %.4f (95%% CI +-%.4f), time mean %.2f s "
            "std %.2f s\n",
            acc.count, acc.count == 1 ? "" : "s", acc.mean, acc.stddev, acc.ci95, time.mean,
            time.stddev);
    }
    if (!recordedIds.empty()) {
        std::string ids = std::to_string(recordedIds.front());
        if (recordedIds.size() > 1) {
            ids = std::to_string(recordedIds.size()) + " runs (ids " + ids + " to " +
                  std::to_string(recordedIds.back()) + ")";
        } else {
            ids = "run " + ids;
        }
        std::fprintf(stderr, "recorded %s in %s (see `airbench runs`)\n", ids.c_str(),
                     runHistory->path().c_str());
    }
    if (!o.jsonPath.empty()) {
        nlohmann::json out = {{"config", config},
                              {"runs", runs},
                              {"summary",
                               {{"runs_finished", acc.count},
                                {"mean_tta_val_acc", number(acc.count ? acc.mean : NAN)},
                                {"std_tta_val_acc", number(acc.count ? acc.stddev : NAN)},
                                {"mean_time_seconds", number(time.count ? time.mean : NAN)}}}};
        writeJsonFile(o.jsonPath, out);
        std::fprintf(stderr, "wrote %s\n", o.jsonPath.c_str());
    }
    return stopped ? kExitInterrupted : 0;
}

}  // namespace

Command addTrainCommand(CLI::App& app) {
    auto o = std::make_shared<TrainCommandOptions>();
    CLI::App* c =
        app.add_subcommand("train", "Train a recipe for N seeded runs and report accuracy");
    c->add_option("--recipe", o->recipe, "Recipe (see `airbench recipes`)")
        ->check(CLI::IsMember(recipeNames()))
        ->capture_default_str();
    addDataOptions(*c, o->data);
    addDeviceOptions(*c, o->device);
    c->add_option("--runs", o->runs, "Number of runs (seeds seed, seed+1, ...)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    c->add_option("--seed", o->seed, "Seed of the first run")->capture_default_str();
    c->add_option("--epochs", o->epochs, "Epochs (fractional allowed; default: the recipe's)")
        ->check(CLI::Range(0.001, 1000.0));
    c->add_option("--width", o->width, "Width multiplier of every block")
        ->check(CLI::Range(0.01, 8.0))
        ->capture_default_str();
    c->add_option("--label-smoothing", o->labelSmoothing, "Label smoothing")
        ->check(CLI::Range(0.0, 0.99));
    c->add_option("--tta", o->tta, "Test-time augmentation level of the final evaluation")
        ->check(CLI::Range(0, 2));
    c->add_option("--batch-size", o->batchSize, "Batch size")->check(CLI::Range(1, 65536));
    c->add_option("--lr", o->learningRate, "Learning rate (per 1024 examples)")
        ->check(CLI::PositiveNumber);
    c->add_option("--weight-decay", o->weightDecay, "Weight decay (per 1024 examples)")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--whiten-bias-epochs", o->whiteningBiasEpochs,
                  "Epochs the whitening bias trains (negative: the whole run)");
    c->add_flag("--compiled", o->compiled, "Capture the training step in a CUDA graph (CUDA only)");
    c->add_flag("--fused-norm", o->fusedNorm,
                "Run each BatchNorm + GELU as one fused operation (CUDA builds with kernels; "
                "same results, fewer passes over memory)");
    c->add_flag("--compact-pool", o->compactPool,
                "2x2 max pooling that keeps one-byte instead of int64 indices (CUDA builds with "
                "kernels; same results, less memory traffic)");
    c->add_option("--warmup", o->warmup, "Untimed warm-up on random labels before the first run")
        ->check(CLI::IsMember({"auto", "on", "off"}))
        ->capture_default_str();
    c->add_option("--json", o->jsonPath, "Write config, every run and the summary as JSON");
    c->add_option("--save-model", o->saveModel, "Save the last run's network");
    c->add_option("--mask", o->maskPath,
                  "Train only on the examples of this mask file (see `airbench score --mask-out`)");
    c->add_flag("--quiet", o->quiet, "Print only the final row of each run");
    c->add_flag("--no-record", o->noRecord, "Do not record the runs in the run history");
    c->add_option("--db", o->historyDb,
                  "Run history database (default: $AIRBENCH_HISTORY_DB, else "
                  "~/.local/share/airbench-workbench/history.sqlite)");
    return {c, [o] { return runTrain(*o); }};
}

}  // namespace airbench::cli
