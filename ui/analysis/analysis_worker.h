#pragma once
// Runs the analysis jobs on the analysis thread: scoring the training set with the last run's
// network, inferring the test set with it (the confusion matrix), scoring jobs that train their
// own networks (runs, held-out folds, every epoch), and the selection experiment. Like the
// TrainingWorker it reports only through queued signals and never touches a widget.

#include "analysis/analysis_types.h"

#include <airbench/run_config.h>
#include <airbench/scoring.h>
#include <airbench/selection.h>

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace airbench::ui {

struct ScoringRequest {
    DataContext context;
    // The scoring networks: recipe, overrides, run settings (runs: networks per fold). Its data
    // selection is the context's.
    RunConfig config;
    int folds = 0;  // >= 2: held-out
    bool perEpoch = false;
    int ttaLevel = 0;
    QString historyPath;  // record the networks here (tagged "scoring"); empty: do not
};

struct SelectionRequest {
    DataContext context;
    RunConfig config;  // recipe, overrides (width, batch size, ...), first seed, device
    SelectionOptions options;
    QString historyPath;  // record the networks here (tagged "selection"); empty: do not
};

class AnalysisWorker : public QObject {
    Q_OBJECT

public:
    explicit AnalysisWorker(std::shared_ptr<std::atomic<bool>> stop);
    ~AnalysisWorker() override;

    // Analysis thread. Each emits started, then progress, then one result or failed, then
    // finished.
    void scoreWithModel(const airbench::ui::TrainedModelPtr& model, int ttaLevel);
    void inferTestSet(const airbench::ui::TrainedModelPtr& model);
    void scoreTrainingSet(const airbench::ui::ScoringRequest& request);
    void runSelection(const airbench::ui::SelectionRequest& request);

signals:
    void started(airbench::ui::AnalysisJob job, const QString& what);
    // `fraction` of the job, 0..1; `text` says which network of how many.
    void progress(airbench::ui::AnalysisJob job, const QString& text, double fraction);
    void scoresReady(const airbench::ui::ScoreTable& table);
    void testPredictionsReady(const airbench::ui::ScoreTable& table);
    void armRunFinished(const QString& phase, int run, double accuracy);
    void selectionReady(const airbench::ui::SelectionResultPtr& result,
                        const airbench::ui::DataContext& context);
    void failed(airbench::ui::AnalysisJob job, const QString& message);
    void finished(airbench::ui::AnalysisJob job);

private:
    class Observer;
    // Every job's frame: started, then its result or failed (an exception's message), then
    // finished.
    template <typename Body>
    void runJob(AnalysisJob job, const QString& what, Body&& body);
    // The analysis thread's own: keeps the data on the device between jobs.
    RunRequest requestFor(const DataContext& context, const RunConfig& config,
                          const QString& historyPath) const;
    std::shared_ptr<std::atomic<bool>> stop_;
    std::unique_ptr<Runner> runner_;
};

}  // namespace airbench::ui
