#pragma once
// Runs the engine on the training thread: a request's run configuration, carried out by the
// Runner as `airbench train` carries it out (and recorded the same way). Everything it reports
// leaves through queued signals, except per-step losses, which go to a StepBuffer that the GUI
// drains on a timer. It never touches a widget.

#include "analysis/analysis_types.h"
#include "common/engine_types.h"

#include <airbench/run_config.h>
#include <airbench/runner.h>

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>

namespace airbench::ui {

class StepBuffer;

struct TrainRequest {
    DatasetPtr dataset;
    // The form's recipe, overrides and run settings, and the dataset panel's subsets
    // (config.data.trainSubset / testSubset: the first N examples of each split).
    RunConfig config;
    // Train on these examples of the training set only (null: all of them). The mask must have
    // been made for the training set in use (its size and dataset hash).
    MaskPtr mask;
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
    ~TrainingWorker() override;

    // Training thread: the whole set of runs; returns when it is done, stopped or failed, after
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

    std::shared_ptr<StepBuffer> steps_;
    std::shared_ptr<std::atomic<bool>> stop_;
    // Keeps the data on the device, its loaders and the warm-up between presses of Train.
    std::unique_ptr<Runner> runner_;
};

}  // namespace airbench::ui
