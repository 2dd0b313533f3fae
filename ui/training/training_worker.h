#pragma once
// Runs the engine on the training thread: N seeded runs of one recipe, as the CLI's `train` does.
// Everything it reports leaves through queued signals, except per-step losses, which go to a
// StepBuffer that the GUI drains on a timer. It never touches a widget. When the request names a
// history database, the thread opens its own connection and records each run the way the CLI
// does (a RunRecorder around the observer); a recording error is a note, never a failed run.

#include "analysis/analysis_types.h"
#include "common/engine_types.h"
#include "training/run_settings.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace airbench::history {
class Database;
}

namespace airbench::ui {

class StepBuffer;

struct TrainRequest {
    DatasetPtr dataset;
    int64_t trainSubset = -1;  // first N examples of each split; -1: all
    int64_t testSubset = -1;
    RunSettings settings;
    // Train on these examples of the training set only (null: all of them). The mask must have
    // been made for the training set in use (its size and dataset hash).
    MaskPtr mask;
    // The hash of the examples in use (DataContext::hash), when the caller has it; empty: the
    // worker computes it (SHA-256 over the subset's pixels).
    std::string datasetHash;
    // Record every run in this run-history database (see history/README.md); empty: do not.
    QString historyPath;
    // With historyPath: save each finished run's network here (run-<history id>.pt) and register
    // it as the run's checkpoint, so that the Runs tab can reopen it; empty: keep none.
    QString networksDir;
};

class TrainingWorker : public QObject {
    Q_OBJECT

public:
    // `stop` is shared with the controller, which sets it from the GUI thread.
    TrainingWorker(std::shared_ptr<StepBuffer> steps, std::shared_ptr<std::atomic<bool>> stop);

    // Training thread: the whole batch of runs; returns when it is done, stopped or failed, after
    // emitting `finished`.
    void run(const TrainRequest& request);

signals:
    void deviceReady(const QString& description);
    void note(int run, const QString& text);
    void runStarted(int run, quint64 seed, const QString& device, const airbench::RunPlan& plan);
    // Right after runStarted, when the run is being recorded: its id in the history database.
    void runRecorded(int run, qint64 historyId);
    void epochFinished(int run, const airbench::EpochMetrics& metrics);
    void runFinished(int run, const airbench::RunSummary& summary);
    // After a run that completed: its network, to score and infer with (runId still -1).
    void modelReady(int run, const airbench::ui::TrainedModelPtr& model);
    // An engine error (airbench::Error's message, meant for the user). `run` is -1 when no run
    // had started (bad options, no CUDA, ...).
    void failed(int run, const QString& message);
    // Always last, once per request.
    void finished();

private:
    class Observer;

    // Saves a finished run's network into `folder` and registers it as the run's checkpoint.
    void keepNetwork(history::Database& db, int64_t historyId, const Model& model,
                     const QString& folder, int run);

    std::shared_ptr<StepBuffer> steps_;
    std::shared_ptr<std::atomic<bool>> stop_;
    // cuDNN picks kernels per shape on the first steps; a throwaway warm-up per configuration
    // keeps that out of the first run's timing (as the CLI's --warmup auto does).
    std::string warmedUpFor_;
};

}  // namespace airbench::ui
