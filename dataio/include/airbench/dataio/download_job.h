#pragma once
// DownloadJob: one file over HTTP(S) with Qt Network, streamed to `<destination>.part`, resumed
// with an HTTP Range request when that file exists (a server that answers 200 instead of 206 gets
// a fresh download), hashed with MD5 as it arrives, and renamed to `destination` only when the
// hash matches. It knows nothing about datasets (DatasetFetchJob builds on it).
//
// What is left behind: after success only `destination`; after a network failure or cancel the
// `.part` file (for the next start to resume); after an MD5 mismatch nothing.

#include <QByteArray>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <deque>
#include <utility>

class QNetworkAccessManager;
class QNetworkReply;

namespace airbench::dataio {

class DownloadJob : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Running, Succeeded, Failed, Cancelled };
    Q_ENUM(State)

    // `expectedMd5` in hex; empty skips the check (the caller then vouches for the content).
    DownloadJob(const QUrl& url, const QString& destination, const QString& expectedMd5 = {},
                QObject* parent = nullptr);
    ~DownloadJob() override;

    QUrl url() const { return url_; }
    QString destination() const { return destination_; }
    QString partialPath() const { return destination_ + ".part"; }
    // Abort when no byte arrives for this long (default 60 s).
    void setStallTimeout(int milliseconds) { stallTimeoutMs_ = milliseconds; }

    State state() const { return state_; }
    // For Failed: what went wrong, naming the URL and saying how to import a local file instead
    // when the server could not be reached.
    QString errorString() const { return error_; }
    qint64 resumedFrom() const { return resumedFrom_; }     // bytes kept from an earlier .part
    qint64 bytesDownloaded() const { return downloaded_; }  // bytes fetched by this job
    QString md5() const { return md5_; }                    // of the finished file

public Q_SLOTS:
    // Returns at once; finished() follows. A destination that already exists with the expected
    // MD5 finishes successfully without touching the network.
    void start();
    // Stops the transfer; the `.part` file stays for a later resume. finished() follows.
    void cancel();

Q_SIGNALS:
    // `received` counts the whole file (a resumed prefix included); `total` is -1 until known,
    // `etaSeconds` -1 when unknown. Emitted about five times a second and once at the end.
    void progress(qint64 received, qint64 total, double bytesPerSecond, double etaSeconds);
    // A step: "resuming", "downloading", "verifying".
    void stageChanged(const QString& stage, const QString& detail);
    void finished();

private:
    void sendRequest(qint64 offset);
    bool acceptResponse();
    bool openPartial(QIODevice::OpenMode mode);
    void onReadyRead();
    void onFinished();
    void finish(State state, const QString& error = {});
    void emitProgress(bool force);
    bool hashExistingPartial(qint64* size);
    QString unreachableMessage(const QString& reason, bool network) const;

    QUrl url_;
    QString destination_;
    QString expectedMd5_;
    int stallTimeoutMs_ = 60000;

    QNetworkAccessManager* network_ = nullptr;
    QPointer<QNetworkReply> reply_;
    QFile file_;
    QCryptographicHash hash_{QCryptographicHash::Md5};
    bool responseChecked_ = false;
    bool retriedFromScratch_ = false;
    bool cancelRequested_ = false;

    State state_ = State::Idle;
    QString error_;
    QString md5_;
    qint64 requestOffset_ = 0;
    qint64 resumedFrom_ = 0;
    qint64 received_ = 0;
    qint64 total_ = -1;
    qint64 downloaded_ = 0;

    QElapsedTimer clock_;
    qint64 lastProgressNs_ = -1'000'000'000;
    std::deque<std::pair<qint64, qint64>> samples_;  // (ms, received) of the last few seconds
};

}  // namespace airbench::dataio
