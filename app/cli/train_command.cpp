// airbench train: N seeded runs of a run configuration through the Runner, the per-epoch table,
// mean and confidence interval, optional JSON.

#include <airbench/error.h>
#include <airbench/history.h>
#include <airbench/runner.h>

#include "cli_common.h"
#include "commands.h"
#include "knob_options.h"

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

namespace airbench::cli {
namespace {

struct TrainCommandOptions {
    DataOptions data;
    KnobOptions knobs;
    std::string recipe = "airbench94";
    std::string configPath;
    int64_t fromRun = 0;
    bool printConfig = false;
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

// Prints the plan, the table rows on stdout and, on a terminal, a live progress line on stderr;
// keeps every run's JSON for --json.
class TablePrinter : public RunObserver {
public:
    explicit TablePrinter(bool quiet) : quiet_(quiet), live_(!quiet && isatty(STDERR_FILENO)) {}

    nlohmann::json config;
    nlohmann::json runs = nlohmann::json::array();

    void onSetup(const RunSetup& setup) override {
        config = nlohmann::json::parse(setup.configJson);
        runs_ = config.value("runs", 1);
        printDataLine(*setup.dataset, setup.dataSeconds);
        if (setup.mask) {
            std::fprintf(stderr, "mask '%s': training on %lld of %lld examples\n",
                         setup.mask->name().c_str(), static_cast<long long>(setup.mask->count()),
                         static_cast<long long>(setup.mask->size()));
        }
        const RunPlan& plan = setup.plan;
        std::fprintf(stderr,
                     "%s on %s: %lld steps (%d epochs of %lld), %.3g PFLOP per run, %d run%s\n",
                     setup.recipe.name.c_str(), setup.deviceName.c_str(),
                     static_cast<long long>(plan.totalSteps), plan.epochs,
                     static_cast<long long>(plan.stepsPerEpoch), plan.totalFlops() / 1e15, runs_,
                     runs_ == 1 ? "" : "s");
        std::printf("%5s %6s %11s %10s %8s %12s %9s\n", "run", "epoch", "train_loss", "train_acc",
                    "val_acc", "tta_val_acc", "time_s");
        std::fflush(stdout);
    }
    void onRunBegin(int index, uint64_t, int64_t) override { run_ = index + 1; }
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
    void onRunEnd(int, TrainResult& result) override { runs.push_back(runJson(result.history)); }
    bool stopRequested() const override { return interrupted(); }

private:
    void clearLine() {
        if (live_) {
            std::fprintf(stderr, "\r%100s\r", "");
        }
    }
    bool quiet_, live_;
    int run_ = 0, runs_ = 1;
    RunPlan plan_;
    std::chrono::steady_clock::time_point started_;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw Error("cannot read the run configuration '" + path + "'");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string historyPath(const TrainCommandOptions& o) {
    return o.historyDb.empty() ? history::Database::defaultPath() : o.historyDb;
}

// The configuration the command line describes: --config or --from-run as the base, then
// --recipe, the data options, --mask and every knob typed.
RunConfig configOf(const TrainCommandOptions& o, const CLI::App& command) {
    RunConfig config;
    if (!o.configPath.empty()) {
        config = runConfigFromJson(readFile(o.configPath), o.configPath);
    } else if (o.fromRun > 0) {
        const history::Database db(historyPath(o));
        const auto run = db.run(o.fromRun);
        if (!run) {
            throw Error("no run " + std::to_string(o.fromRun) + " in " + db.path());
        }
        config = runConfigFromJson(run->configJson,
                                   "the configuration of run " + std::to_string(o.fromRun));
        config.run.runs = 1;  // that run; --runs asks for more seeds
    }
    if (command.count("--recipe") > 0 || (o.configPath.empty() && o.fromRun == 0)) {
        config.recipe = o.recipe;
    }
    applyDataOptions(o.data, command, config.data);
    if (!o.maskPath.empty()) {
        config.maskPath = o.maskPath;
    }
    o.knobs.apply(config);
    validateRunConfig(config);
    return config;
}

int runTrain(const TrainCommandOptions& o, const CLI::App& command) {
    RunRequest request;
    request.config = configOf(o, command);
    if (o.printConfig) {
        std::printf("%s\n", runConfigToJson(request.config, nullptr, 2).c_str());
        return 0;
    }
    if (!o.noRecord) {
        request.history.path = historyPath(o);
        // A default database that cannot be opened only costs the record (a note); one named
        // with --db is an error before any training starts.
        request.history.required = !o.historyDb.empty();
    }
    request.saveModelPath = o.saveModel;

    TablePrinter printer(o.quiet);
    Runner runner;
    const RunOutcome outcome = runner.run(request, &printer);

    const Summary& acc = outcome.accuracy;
    const Summary& time = outcome.seconds;
    if (acc.count > 0) {
        std::printf(
            "\n%d run%s: tta_val_acc mean %.4f std %.4f (95%% CI +-%.4f), time mean %.2f s "
            "std %.2f s\n",
            acc.count, acc.count == 1 ? "" : "s", acc.mean, acc.stddev, acc.ci95, time.mean,
            time.stddev);
    }
    const auto& ids = outcome.historyIds;
    if (!ids.empty()) {
        const std::string which = ids.size() == 1 ? "run " + std::to_string(ids.front())
                                                  : std::to_string(ids.size()) + " runs (ids " +
                                                        std::to_string(ids.front()) + " to " +
                                                        std::to_string(ids.back()) + ")";
        std::fprintf(stderr, "recorded %s in %s (see `airbench runs`)\n", which.c_str(),
                     outcome.historyPath.c_str());
    }
    if (!o.jsonPath.empty()) {
        nlohmann::json out = {{"config", printer.config},
                              {"runs", printer.runs},
                              {"summary",
                               {{"runs_finished", acc.count},
                                {"mean_tta_val_acc", number(acc.count ? acc.mean : NAN)},
                                {"std_tta_val_acc", number(acc.count ? acc.stddev : NAN)},
                                {"ci95_tta_val_acc", number(acc.count ? acc.ci95 : NAN)},
                                {"mean_time_seconds", number(time.count ? time.mean : NAN)}}}};
        writeJsonFile(o.jsonPath, out);
        std::fprintf(stderr, "wrote %s\n", o.jsonPath.c_str());
    }
    return outcome.stopped ? kExitInterrupted : 0;
}

}  // namespace

Command addTrainCommand(CLI::App& app) {
    auto o = std::make_shared<TrainCommandOptions>();
    CLI::App* c = app.add_subcommand(
        "train",
        "Train a run configuration for N seeded runs and report accuracy. Every hyperparameter "
        "of the recipe's table and every run setting is an option below (`airbench config "
        "knobs` lists them per recipe).");
    c->add_option("--recipe", o->recipe, "Recipe (see `airbench recipes`)")
        ->check(CLI::IsMember(recipeNames()))
        ->capture_default_str();
    c->add_option("--config", o->configPath,
                  "Start from this run configuration (JSON, as --print-config or a run's record "
                  "writes it); the options given here override it")
        ->check(CLI::ExistingFile);
    c->add_option("--from-run", o->fromRun,
                  "Start from the configuration run ID recorded in the history (its seed, one "
                  "run): reproduces it")
        ->check(CLI::PositiveNumber)
        ->excludes("--config");
    c->add_flag("--print-config", o->printConfig,
                "Print the resolved run configuration as JSON and exit without training");
    addDataOptions(*c, o->data);
    o->knobs.add(*c);
    c->add_option("--json", o->jsonPath, "Write config, every run and the summary as JSON");
    c->add_option("--save-model", o->saveModel, "Save the last run's network");
    c->add_option("--mask", o->maskPath,
                  "Train only on the examples of this mask file (see `airbench score --mask-out`)");
    c->add_flag("--quiet", o->quiet, "Print only the final row of each run");
    c->add_flag("--no-record", o->noRecord, "Do not record the runs in the run history");
    c->add_option("--db", o->historyDb,
                  "Run history database (default: $AIRBENCH_HISTORY_DB, else "
                  "~/.local/share/airbench-workbench/history.sqlite)");
    return {c, [o, c] { return runTrain(*o, *c); }};
}

}  // namespace airbench::cli
