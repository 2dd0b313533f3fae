#pragma once
// The GUI thread's handle on analysis: it owns the analysis thread and its AnalysisWorker, queues
// jobs there, and re-emits what they report. Jobs run one at a time in the order asked.
// "Heavy" jobs train networks (scoring jobs, the selection experiment); the window does not let
// them overlap a training batch. Light ones (inference with the last run's network) may.
//
//   GUI thread                                  analysis thread
//   scoreTrainingSet(request) --queued--------> AnalysisWorker::scoreTrainingSet -> engine
//   onProgress / scoresReady / ... <--queued--- progress / scoresReady / finished
//   stop() -> atomic flag ----------------------> ScoreObserver::stopRequested()

#include "analysis/analysis_worker.h"

#include <QObject>

#include <atomic>
#include <deque>
#include <memory>

class QThread;

namespace airbench::ui {

class AnalysisController : public QObject {
    Q_OBJECT

public:
    explicit AnalysisController(QObject* parent = nullptr);
    ~AnalysisController() override;  // stops the job in flight and joins the thread

    bool isBusy() const { return !queue_.empty(); }
    bool isHeavyBusy() const;
    // A training run (the main window's) trains on the same cores: no heavy job starts meanwhile.
    void setTrainingRunning(bool running);
    bool isTrainingRunning() const { return training_; }
    // Whether a heavy job (scoring job, selection experiment) would be accepted now.
    bool canStartHeavy() const { return !training_ && !isHeavyBusy(); }

public slots:
    void scoreWithModel(const airbench::ui::TrainedModelPtr& model, int ttaLevel = 0);
    void inferTestSet(const airbench::ui::TrainedModelPtr& model);
    // Heavy: false (and nothing queued) unless canStartHeavy().
    // The networks that scoring jobs and selection experiments train are recorded in this run
    // history (tagged by their job), like every training run; empty: not recorded.
    void setHistoryPath(const QString& path) { historyPath_ = path; }
    bool scoreTrainingSet(const airbench::ui::ScoringRequest& request);
    bool runSelection(const airbench::ui::SelectionRequest& request);
    // Stops the job in flight after its current step ("stopped" arrives as failed()).
    void stop();
    // Stops and blocks until the analysis thread is idle (closing the window).
    void stopAndWait();

signals:
    void busyChanged(bool busy);
    void heavyBusyChanged(bool heavy);
    void trainingRunningChanged(bool running);
    void started(airbench::ui::AnalysisJob job, const QString& what);
    void progress(airbench::ui::AnalysisJob job, const QString& text, double fraction);
    void scoresReady(const airbench::ui::ScoreTable& table);
    void testPredictionsReady(const airbench::ui::ScoreTable& table);
    void armRunFinished(const QString& phase, int run, double accuracy);
    void selectionReady(const airbench::ui::SelectionResultPtr& result,
                        const airbench::ui::DataContext& context);
    void failed(airbench::ui::AnalysisJob job, const QString& message);
    // After each job (its result or failure came before).
    void jobFinished(airbench::ui::AnalysisJob job);

private:
    template <typename Job>
    void enqueue(bool heavy, Job job);
    void onWorkerFinished(airbench::ui::AnalysisJob job);

    std::shared_ptr<std::atomic<bool>> stop_;
    QThread* thread_;
    AnalysisWorker* worker_;  // lives on thread_
    bool training_ = false;
    QString historyPath_;
    std::deque<bool> queue_;  // heavy flag of each pending job, oldest first
};

}  // namespace airbench::ui
