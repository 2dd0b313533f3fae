#pragma once
// ImportJob: airbench::dataio::importDataset on a worker thread, for the GUI. Converting an image
// folder of 60,000 files takes tens of seconds; the job reports stages and progress through
// queued signals and stops at cancel() leaving nothing behind (see dataio.h).

#include <airbench/dataio.h>

#include <QObject>
#include <QString>

#include <atomic>

class QThread;

namespace airbench::dataio {

class ImportJob : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Running, Succeeded, Failed, Cancelled };
    Q_ENUM(State)

    ImportJob(QString source, ImportOptions options = {}, QObject* parent = nullptr);
    ~ImportJob() override;  // cancels and waits for the worker thread

    State state() const { return state_; }
    QString errorString() const { return error_; }
    const ImportResult& result() const { return result_; }  // valid after success

public Q_SLOTS:
    void start();
    void cancel();

Q_SIGNALS:
    // "scanning", "extracting", "converting", "copying", "checking".
    void stageChanged(const QString& stage, const QString& detail);
    // Items of the current stage: images converted, archive or copied bytes.
    void progress(qint64 done, qint64 total);
    void finished();

private:
    void onWorkerFinished();

    QString source_;
    ImportOptions options_;
    State state_ = State::Idle;
    QString error_;
    ImportResult result_;
    QThread* worker_ = nullptr;
    std::atomic<bool> cancelRequested_{false};
    bool workerCancelled_ = false;
    QString workerError_;
};

}  // namespace airbench::dataio
