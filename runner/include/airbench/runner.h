#pragma once
// The one way to carry out a run configuration: N seeded runs of a recipe on a dataset, each
// recorded in the run history as it trains. `airbench train`, the GUI's Train button, scoring
// jobs, selection experiments and experiment trials all call Runner::run; they differ only in
// what they do with its callbacks. Plain C++ (engine + history): no Qt, no LibTorch headers.
//
//   Runner runner;                        // keeps the data, its loaders and the warm-up
//   RunRequest request;                   // between calls: keep one per thread
//   request.config = runConfigFromJson(text);
//   request.history.path = history::Database::defaultPath();
//   RunOutcome outcome = runner.run(request, &myObserver);

#include <airbench/dataset.h>
#include <airbench/mask.h>
#include <airbench/run_config.h>
#include <airbench/stats.h>
#include <airbench/train.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace airbench {

struct RunRequest {
    RunConfig config;
    // The data already in memory (the GUI's loaded dataset): used instead of loading
    // config.data.path; config.data's subsets still apply.
    std::shared_ptr<const Dataset> dataset;
    // A mask in memory (one made in the Explorer): used instead of config.maskPath.
    std::shared_ptr<const Mask> mask;
    // Evaluate on the test split (per epoch when analysis says so, and at the end with TTA).
    // Scoring networks skip it: they are judged on the training set.
    bool evaluate = true;
    RunAnalysis analysis;

    struct History {
        std::string path;       // the run history to record into; empty: record nothing
        bool required = false;  // an unopenable database is an error (else: a note, no record)
        std::vector<std::string> tags;
    } history;
    // Keep every finished run's network in this folder (run-<history id>.pt), registered as the
    // run's checkpoint. Needs the history. Empty: keep none.
    std::string networksDir;
    // Save the last finished run's network to this file (registered when recorded).
    std::string saveModelPath;
};

// What the runs will be, known before the first one starts.
struct RunSetup {
    Recipe recipe;  // resolved: the table the runs use
    Device device;
    std::string deviceName;                  // describeDevice()
    std::shared_ptr<const Dataset> dataset;  // the examples in use (subsets applied)
    double dataSeconds = 0;                  // spent loading it (0 when it was at hand)
    std::shared_ptr<const Mask> mask;        // null: the whole training set
    RunPlan plan;                            // of each run
    RunFacts facts;
    std::string configJson;  // what the first run records (each run records its own seed)
};

// Progress of a set of runs. The TrainObserver callbacks come from the run in progress; the
// others frame them. All calls come from the thread that calls Runner::run.
class RunObserver : public TrainObserver {
public:
    virtual void onSetup(const RunSetup& setup) {}
    // historyId: the run's id in the history; 0 when it is not recorded.
    virtual void onRunBegin(int index, uint64_t seed, int64_t historyId) {}
    // A run that finished or was stopped (result.history.summary.cancelled). The observer may
    // move the network out of `result`.
    virtual void onRunEnd(int index, TrainResult& result) {}
    // A run that threw; Runner::run rethrows right after.
    virtual void onRunFailed(int index, const std::string& message) {}
};

struct RunOutcome {
    std::vector<RunSummary> runs;     // every run that ended, in order (a stopped one last)
    std::vector<int64_t> historyIds;  // of the recorded runs, in order
    bool stopped = false;
    Summary accuracy;         // TTA accuracy over the finished runs
    Summary seconds;          // run-clock seconds over the same runs
    std::string historyPath;  // where they were recorded ("" when not)
};

class Runner {
public:
    Runner();
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    // Validates the request, loads or reuses the data, warms up when the configuration asks for
    // it, then runs config.run.runs seeds (seed, seed + 1, ...) until done or stopped. Throws
    // airbench::Error for a bad request or a failed run (after onRunFailed). A stop request
    // (observer->stopRequested()) ends the current run and starts no other.
    RunOutcome run(const RunRequest& request, RunObserver* observer = nullptr);
    // The examples `request` selects (its dataset or data folder, with its subsets): loaded, or
    // reused from the last request that selected them. Jobs that need the data before their
    // first run (fold splits, random subsets) ask here, then pass it on in their requests.
    std::shared_ptr<const Dataset> dataOf(const RunRequest& request);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace airbench
