#pragma once
// DatasetFetchJob: `airbench data get cifar10` for the GUI. Downloads the archive with
// DownloadJob (resume, MD5) to `<target>.download`, then installs it on a worker thread
// (installArchive: extract, validate, rename into place) so the GUI thread stays free.
//
// Left behind: on success only the dataset at the target; on a network failure or cancel during
// the download, `<target>.download.part` for the next start to resume (cancelled while
// extracting: the verified `<target>.download`, reused without a download); after an MD5
// mismatch or a bad archive, nothing.

#include <airbench/dataio.h>
#include <airbench/dataio/archive_extractor.h>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <atomic>

class QThread;

namespace airbench::dataio {

class DownloadJob;

class DatasetFetchJob : public QObject {
    Q_OBJECT

public:
    struct Options {
        QUrl url = QUrl(QString::fromLatin1(kCifar10Url));
        QString md5 = QString::fromLatin1(kCifar10Md5);
        QString target;        // the dataset folder; empty: defaultCifar10Directory()
        bool replace = false;  // download again over a dataset already there
        int stallTimeoutMs = 60000;
        ExtractLimits limits;
    };
    enum class State { Idle, Running, Succeeded, Failed, Cancelled };
    Q_ENUM(State)

    explicit DatasetFetchJob(Options options, QObject* parent = nullptr);
    ~DatasetFetchJob() override;  // cancels and waits for the worker thread

    const Options& options() const { return options_; }
    QString target() const { return options_.target; }
    QString downloadPath() const { return options_.target + ".download"; }
    QString partialPath() const { return downloadPath() + ".part"; }

    State state() const { return state_; }
    QString errorString() const { return error_; }
    // Valid after success.
    const DatasetSummary& dataset() const { return dataset_; }
    bool alreadyPresent() const { return alreadyPresent_; }
    qint64 resumedFrom() const { return resumedFrom_; }
    qint64 bytesDownloaded() const { return bytesDownloaded_; }

public Q_SLOTS:
    void start();
    void cancel();

Q_SIGNALS:
    // Download progress (see DownloadJob::progress).
    void progress(qint64 received, qint64 total, double bytesPerSecond, double etaSeconds);
    // "downloading", "resuming", "verifying", "extracting", "checking".
    void stageChanged(const QString& stage, const QString& detail);
    // Archive bytes read while extracting.
    void installProgress(qint64 done, qint64 total);
    void finished();

private:
    void onDownloaded();
    void onInstalled();
    void finish(State state, const QString& error = {});

    Options options_;
    State state_ = State::Idle;
    QString error_;
    DatasetSummary dataset_;
    bool alreadyPresent_ = false;
    qint64 resumedFrom_ = 0;
    qint64 bytesDownloaded_ = 0;

    QPointer<DownloadJob> download_;
    QThread* worker_ = nullptr;
    std::atomic<bool> cancelRequested_{false};
    // Written by the worker thread, read after it finished.
    QString workerError_;
    bool workerCancelled_ = false;
};

}  // namespace airbench::dataio
