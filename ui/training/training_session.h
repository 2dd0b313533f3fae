#pragma once
// The data of this session's runs, owned outside the widgets that draw it: every run's per-step
// losses, per-epoch metrics and summary, grouped in batches (one batch per press of Train). The
// plots, the run table and the summary observe it through its signals.

#include <airbench/stats.h>
#include <airbench/train.h>

#include <QObject>
#include <QString>
#include <QVector>

#include <cstdint>
#include <vector>

namespace airbench::ui {

struct RunRecord {
    enum class State { Running, Finished, Stopped, Failed };

    int id = 0;     // 0-based, session-wide (legend "run id+1")
    int batch = 0;  // which press of Train started it (0-based)
    QString recipe;
    uint64_t seed = 0;
    QString device;  // describeDevice() of the run's device
    QString mask;    // the mask it trained on; empty: the whole training set
    RunPlan plan;
    QVector<double> steps;   // (S,) 1-based optimizer step numbers, the loss plot's x
    QVector<double> losses;  // (S,) mean per-example training loss of that step
    std::vector<EpochMetrics> epochs;
    RunSummary summary;  // meaningful once state is Finished or Stopped
    State state = State::Running;
    QString error;         // when Failed: the engine's message
    qint64 historyId = 0;  // its id in the run history; 0: not recorded

    QString label() const;  // "run 2 · airbench94 · seed 1" (+ " · mask NAME")
};

// Mean and spread of one batch's completed runs (stopped and failed runs are left out).
struct BatchSummary {
    int runs = 0;  // runs in the batch
    int completed = 0;
    int stopped = 0;
    int failed = 0;
    Summary ttaAccuracy;  // fraction
    Summary seconds;
};

class TrainingSession : public QObject {
    Q_OBJECT

public:
    explicit TrainingSession(QObject* parent = nullptr);

    int runCount() const { return static_cast<int>(runs_.size()); }
    const RunRecord& run(int id) const { return runs_.at(static_cast<size_t>(id)); }
    int batchCount() const { return batches_; }
    std::vector<int> runsOfBatch(int batch) const;
    BatchSummary summarizeBatch(int batch) const;

    // Writers (the TrainingController calls them on the GUI thread).
    int beginBatch();
    int addRun(int batch, const QString& recipe, uint64_t seed, const QString& device,
               const RunPlan& plan, const QString& mask = {});
    void appendSteps(int id, const std::vector<StepMetrics>& steps);
    void appendEpoch(int id, const EpochMetrics& metrics);
    void finishRun(int id, const RunSummary& summary);
    void failRun(int id, const QString& error);
    void setHistoryId(int id, qint64 historyId);
    void clear();

signals:
    void runAdded(int id);
    // losses[first, first + count) of run `id` are new.
    void stepsAppended(int id, int first, int count);
    void epochAppended(int id);
    // The run's state or summary changed.
    void runUpdated(int id);
    void cleared();

private:
    std::vector<RunRecord> runs_;
    int batches_ = 0;
};

}  // namespace airbench::ui
