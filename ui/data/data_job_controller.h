#pragma once
// Getting data in from the window: downloads the official CIFAR-10 (DatasetFetchJob: progress,
// cancel, resume, MD5 check, safe extraction) or imports an archive, dataset folder or image
// folder (ImportJob), one job at a time, and reports what happens as state the DataJobBar draws.
// It ends with the folder of the new dataset for the window to load. The jobs' own threads do
// the work; nothing here blocks the GUI thread.
//
// Where data goes is injectable (tests point the download at a local server and a temporary
// folder): fetchOptions() defaults to the official URL and MD5 and to
// ~/.local/share/airbench-workbench/cifar10 (dataio::defaultCifar10Directory()).

#include <airbench/dataio.h>
#include <airbench/dataio/fetch_job.h>

#include <QObject>
#include <QPointer>
#include <QString>

namespace airbench::dataio {
class ImportJob;
}

namespace airbench::ui {

class DataJobController : public QObject {
    Q_OBJECT

public:
    enum class Kind { None, Fetch, Import };
    enum class State { Idle, Running, Succeeded, Failed, Cancelled };

    explicit DataJobController(QObject* parent = nullptr);
    ~DataJobController() override;  // a job still running is cancelled and waited for

    void setFetchOptions(const dataio::DatasetFetchJob::Options& options) { fetch_ = options; }
    const dataio::DatasetFetchJob::Options& fetchOptions() const { return fetch_; }
    void setImportOptions(const dataio::ImportOptions& options) { import_ = options; }

    bool isBusy() const { return state_ == State::Running; }
    Kind kind() const { return kind_; }
    State state() const { return state_; }
    // "Getting CIFAR-10" / "Importing shapes"
    QString title() const { return title_; }
    // The current step ("downloading", "verifying", "extracting", "converting", ...).
    QString stage() const { return stage_; }
    // "12.3 MB of 162.2 MB · 4.1 MB/s · ETA 0:31", or the items of the current step.
    QString progressText() const { return progressText_; }
    // 0..1 of the current step; negative while unknown.
    double fraction() const { return fraction_; }
    // After a failure: the job's message (a download names the URL).
    QString errorString() const { return error_; }
    // After success: the dataset folder to load, and a line saying what happened.
    QString datasetPath() const { return datasetPath_; }
    QString resultText() const { return resultText_; }

    // "12.3 MB", "850 KB".
    static QString formatBytes(qint64 bytes);

public slots:
    // False (and nothing starts) while another job runs.
    bool getCifar10();
    bool importSource(const QString& source);
    void cancel();

signals:
    void started();
    // Stage, progress text or fraction changed.
    void progressChanged();
    void succeeded(const QString& datasetPath);
    void failed(const QString& message);
    void cancelled();
    // Always last, once per job.
    void finished();

private:
    void begin(Kind kind, const QString& title);
    void setStage(const QString& stage, const QString& detail);
    void onTransfer(qint64 received, qint64 total, double bytesPerSecond, double etaSeconds);
    void onItems(qint64 done, qint64 total);
    void onFetchFinished();
    void onImportFinished();
    // Ends on `job`'s outcome: `succeeded(job)` first when it succeeded, its error when it failed;
    // then hands the job to deleteLater.
    template <typename Job, typename Succeeded>
    void finishFrom(Job* job, Succeeded succeeded);
    void end(State state);

    dataio::DatasetFetchJob::Options fetch_;
    dataio::ImportOptions import_;
    QPointer<dataio::DatasetFetchJob> fetchJob_;
    QPointer<dataio::ImportJob> importJob_;

    Kind kind_ = Kind::None;
    State state_ = State::Idle;
    QString title_, stage_, progressText_, error_, datasetPath_, resultText_;
    double fraction_ = -1;
};

}  // namespace airbench::ui
