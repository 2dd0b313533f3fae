#pragma once
// The GUI thread's handle on training. It owns the training thread and its TrainingWorker, records
// what the worker reports into the TrainingSession, and re-emits it for the widgets. The GUI
// thread never waits on the engine, except in stopAndWait() (closing the window mid-run).
//
//   GUI thread                               training thread
//   start(request) --invokeMethod(queued)--> TrainingWorker::run -> airbench::train(...)
//   onFlushTimer (every 50 ms) <-- StepBuffer <-- onSteps (every step on CPU)
//   onRunStarted/onEpoch/... <--queued signals-- onStart/onEpoch/onNote/onFinish
//   stop() -> atomic flag ----------------------> TrainObserver::stopRequested()

#include "common/engine_types.h"
#include "training/training_worker.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

class QThread;
class QTimer;

namespace airbench::ui {

class StepBuffer;
class TrainingSession;

struct TrainingProgress {
    int run = 0, runs = 0;             // 1-based run of the batch
    int epoch = 0, epochs = 0;         // 1-based epoch of the run
    int64_t step = 0, totalSteps = 0;  // optimizer steps of the run
    double fraction = 0;               // of the whole batch, 0..1
    double etaSeconds = kNotMeasured;  // until the batch ends
    bool stopping = false;

    // "run 1/2 · epoch 3/8 · step 120/400 · ETA 0:12"
    QString text() const;
};

class TrainingController : public QObject {
    Q_OBJECT

public:
    static constexpr int kFlushIntervalMs = 50;

    explicit TrainingController(TrainingSession* session, QObject* parent = nullptr);
    ~TrainingController() override;  // stops a run in flight and joins the thread

    bool isRunning() const { return running_; }
    const TrainingProgress& progress() const { return progress_; }
    TrainingSession* session() const { return session_; }
    // The batch being trained, or the last one.
    int currentBatch() const { return batch_; }
    // The network of the last run that completed (null before one has); kept so that the
    // explorer can score the training set and infer the test set with it.
    TrainedModelPtr lastModel() const { return lastModel_; }

public slots:
    // Starts a batch of runs on the training thread; false when one is already running.
    bool start(const airbench::ui::TrainRequest& request);
    // Asks the run to stop after its current step; returns at once. `finished` follows.
    void stop();
    // Stops and blocks until the training thread has finished (for closing the window), then
    // delivers what the worker reported so the session ends in a consistent state.
    void stopAndWait();

signals:
    void runningChanged(bool running);
    void started(int batch);
    void deviceReady(const QString& description);
    // `id` is the session's run id (TrainingSession::run(id)).
    void runStarted(int id, const airbench::RunPlan& plan);
    // Run `id` is being recorded in the run history as `historyId` (after runStarted).
    void runRecorded(int id, qint64 historyId);
    void epochFinished(int id, const airbench::EpochMetrics& metrics);
    void runFinished(int id, const airbench::RunSummary& summary);
    // A completed run's network (its runId is the session's id); lastModel() returns it now.
    void modelReady(int id, const airbench::ui::TrainedModelPtr& model);
    void note(const QString& text);
    void progressChanged(const airbench::ui::TrainingProgress& progress);
    // An engine error, ready to show as is.
    void failed(const QString& message);
    // Always last, once per start(): completed, stopped or failed.
    void finished(int batch);

private:
    void flushSteps(int maxRun);
    int idOf(int run) const;
    void updateProgress();

    void onRunStarted(int run, quint64 seed, const QString& device, const airbench::RunPlan& plan);
    void onRunRecorded(int run, qint64 historyId);
    void onEpochFinished(int run, const airbench::EpochMetrics& metrics);
    void onRunFinished(int run, const airbench::RunSummary& summary);
    void onModelReady(int run, const airbench::ui::TrainedModelPtr& model);
    void onFailed(int run, const QString& message);
    void onNote(int run, const QString& text);
    void onWorkerFinished();

    TrainingSession* session_;
    std::shared_ptr<StepBuffer> steps_;
    std::shared_ptr<std::atomic<bool>> stop_;
    QThread* thread_;
    TrainingWorker* worker_;  // lives on thread_
    QTimer* flushTimer_;

    bool running_ = false;
    int batch_ = -1;
    std::vector<int> ids_;  // session id of each run of the batch, by run index
    QString recipe_;
    QString mask_;  // name of the mask the batch trains on
    TrainedModelPtr lastModel_;
    RunPlan plan_;  // of the current run (all runs of a batch share it)
    int completedRuns_ = 0;
    TrainingProgress progress_;
    QElapsedTimer clock_;  // since start(), for the ETA
};

}  // namespace airbench::ui

Q_DECLARE_METATYPE(airbench::ui::TrainingProgress)
