#include <airbench/dataio/download_job.h>

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

namespace airbench::dataio {
namespace {

constexpr qint64 kProgressIntervalNs = 200'000'000;  // 5 updates per second
constexpr qint64 kRateWindowNs = 3'000'000'000;      // rate over the last 3 s

QString md5OfFile(QFile& file, QCryptographicHash& hash) {
    hash.reset();
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

}  // namespace

DownloadJob::DownloadJob(const QUrl& url, const QString& destination, const QString& expectedMd5,
                         QObject* parent)
    : QObject(parent),
      url_(url),
      destination_(QDir::cleanPath(QDir(destination).absolutePath())),
      expectedMd5_(expectedMd5.trimmed().toLower()),
      network_(new QNetworkAccessManager(this)) {}

DownloadJob::~DownloadJob() {
    if (reply_) {
        reply_->disconnect(this);
        reply_->abort();
    }
}

void DownloadJob::start() {
    if (state_ == State::Running) {
        return;
    }
    state_ = State::Running;
    error_.clear();
    clock_.start();
    // A finished earlier download with the right content is reused as is.
    if (!expectedMd5_.isEmpty() && QFileInfo(destination_).isFile()) {
        QFile existing(destination_);
        if (existing.open(QIODevice::ReadOnly) && md5OfFile(existing, hash_) == expectedMd5_) {
            md5_ = expectedMd5_;
            received_ = total_ = existing.size();
            emitProgress(true);
            finish(State::Succeeded);
            return;
        }
        QFile::remove(destination_);
    }
    qint64 partial = 0;
    if (!hashExistingPartial(&partial)) {
        finish(State::Failed, "cannot read the partial download '" + partialPath() + "'");
        return;
    }
    if (partial > 0) {
        Q_EMIT stageChanged(
            "resuming",
            QString("after the %1 bytes already in %2").arg(partial).arg(partialPath()));
    }
    sendRequest(partial);
}

// Hashes what an earlier attempt left, so the MD5 of a resumed file needs no second pass.
bool DownloadJob::hashExistingPartial(qint64* size) {
    hash_.reset();
    *size = 0;
    QFile part(partialPath());
    if (!part.exists()) {
        return true;
    }
    if (part.size() == 0) {
        part.remove();
        return true;
    }
    if (!part.open(QIODevice::ReadOnly) || !hash_.addData(&part)) {
        return false;
    }
    *size = part.size();
    return true;
}

void DownloadJob::sendRequest(qint64 offset) {
    requestOffset_ = offset;
    received_ = offset;
    total_ = -1;
    responseChecked_ = false;
    samples_.clear();
    QNetworkRequest request(url_);
    request.setTransferTimeout(stallTimeoutMs_);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    // Qt would otherwise ask for gzip transfer encoding and silently unpack a server's
    // "Content-Encoding: gzip" .tar.gz, changing the bytes the MD5 is about.
    request.setRawHeader("Accept-Encoding", "identity");
    if (offset > 0) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(offset) + "-");
    }
    Q_EMIT stageChanged("downloading", url_.toString());
    reply_ = network_->get(request);
    connect(reply_, &QNetworkReply::readyRead, this, &DownloadJob::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &DownloadJob::onFinished);
    samples_.emplace_back(clock_.nsecsElapsed(), received_);
}

// Decides, on the first bytes of a response, whether and how to write them: 206 with the range
// asked for appends; 200 (a server without range support, or a fresh download) starts over.
bool DownloadJob::acceptResponse() {
    const QVariant statusAttribute = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 200;  // file://
    if (status == 206 && requestOffset_ > 0) {
        static const QRegularExpression range(R"(bytes\s+(\d+)-(\d+)/(\d+|\*))");
        const auto match = range.match(QString::fromLatin1(reply_->rawHeader("Content-Range")));
        if (!match.hasMatch() || match.captured(1).toLongLong() != requestOffset_) {
            return false;  // onFinished() starts over without a range
        }
        if (match.captured(3) != "*") {
            total_ = match.captured(3).toLongLong();
        }
        if (!openPartial(QIODevice::Append)) {
            return false;
        }
        resumedFrom_ = requestOffset_;
        return true;
    }
    if (status != 200) {
        return false;
    }
    hash_.reset();
    received_ = 0;
    resumedFrom_ = 0;
    samples_.clear();
    samples_.emplace_back(clock_.nsecsElapsed(), 0);
    const QVariant length = reply_->header(QNetworkRequest::ContentLengthHeader);
    total_ = length.isValid() ? length.toLongLong() : -1;
    return openPartial(QIODevice::Truncate);
}

// The folder is created only now, so that a server that cannot be reached, or answers with an
// error, leaves no empty folder behind.
bool DownloadJob::openPartial(QIODevice::OpenMode mode) {
    file_.setFileName(partialPath());
    if (!QDir().mkpath(QFileInfo(destination_).path()) ||
        !file_.open(QIODevice::WriteOnly | mode)) {
        error_ = "cannot write '" + partialPath() + "': " + file_.errorString();
        reply_->abort();
        return false;
    }
    return true;
}

void DownloadJob::onReadyRead() {
    if (!reply_ || state_ != State::Running || !reply_->isOpen()) {
        return;  // not running, or aborted: nothing more to read
    }
    if (!responseChecked_) {
        responseChecked_ = true;
        acceptResponse();
        if (!reply_) {
            return;  // acceptResponse() aborted it
        }
    }
    const QByteArray data = reply_->readAll();
    if (!file_.isOpen()) {
        return;  // an error page or an unusable range answer: never part of the file
    }
    if (file_.write(data) != data.size()) {
        error_ = "cannot write '" + partialPath() + "': " + file_.errorString();
        reply_->abort();
        return;
    }
    hash_.addData(data);
    received_ += data.size();
    downloaded_ += data.size();
    emitProgress(false);
}

void DownloadJob::onFinished() {
    QNetworkReply* reply = reply_;
    if (!reply || state_ != State::Running) {
        return;
    }
    onReadyRead();
    reply_ = nullptr;
    reply->deleteLater();
    const bool wrote = file_.isOpen();
    file_.close();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError networkError = reply->error();

    if (cancelRequested_) {
        finish(State::Cancelled);
        return;
    }
    if (!error_.isEmpty()) {
        finish(State::Failed, error_);  // a local write error
        return;
    }
    if (requestOffset_ > 0 && !wrote && !retriedFromScratch_ && (status == 206 || status == 416)) {
        // 416: the partial file is not shorter than the file (complete, or from another file);
        // 206 at the wrong offset: an odd server. Both: keep what verifies, else start over.
        if (status == 416 && !expectedMd5_.isEmpty() &&
            QString::fromLatin1(hash_.result().toHex()) == expectedMd5_) {
            received_ = total_ = requestOffset_;
        } else {
            retriedFromScratch_ = true;
            QFile::remove(partialPath());
            hash_.reset();
            sendRequest(0);
            return;
        }
    } else if (networkError != QNetworkReply::NoError) {
        const QString reason = networkError == QNetworkReply::OperationCanceledError ||
                                       networkError == QNetworkReply::TimeoutError
                                   ? QString("no data for %1 s").arg(stallTimeoutMs_ / 1000.0)
                                   : reply->errorString();
        if (QFileInfo(partialPath()).size() == 0) {
            QFile::remove(partialPath());
        }
        const bool http = status >= 400;
        const QString httpReason =
            QString("the server answered HTTP %1 %2")
                .arg(status)
                .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        finish(State::Failed, unreachableMessage(http ? httpReason : reason, !http));
        return;
    } else if (!wrote) {
        finish(State::Failed,
               unreachableMessage(QString("unexpected HTTP status %1").arg(status), false));
        return;
    } else if (total_ >= 0 && received_ != total_) {
        finish(State::Failed,
               unreachableMessage(
                   QString("the transfer ended after %1 of %2 bytes").arg(received_).arg(total_),
                   true));
        return;
    }
    emitProgress(true);

    Q_EMIT stageChanged("verifying", "the MD5");
    md5_ = QString::fromLatin1(hash_.result().toHex());
    if (!expectedMd5_.isEmpty() && md5_ != expectedMd5_) {
        QFile::remove(partialPath());
        finish(State::Failed, QString("the file from %1 has MD5 %2, expected %3; it was deleted "
                                      "and nothing was installed")
                                  .arg(url_.toString(), md5_, expectedMd5_));
        return;
    }
    QFile::remove(destination_);
    if (!QFile::rename(partialPath(), destination_)) {
        finish(State::Failed, "cannot rename '" + partialPath() + "' to '" + destination_ + "'");
        return;
    }
    finish(State::Succeeded);
}

QString DownloadJob::unreachableMessage(const QString& reason, bool network) const {
    QString name = QFileInfo(url_.path()).fileName();
    name = name.isEmpty() ? QString("the file") : name;
    const QString hint = network ? QString(
                                       "Without network access, fetch %1 on another machine "
                                       "and import the local copy")
                                       .arg(name)
                                 : QString("With a copy of %1 from elsewhere, import it").arg(name);
    return QString("could not download %1: %2. %3 with `airbench data import FILE`")
        .arg(url_.toString(), reason, hint);
}

void DownloadJob::cancel() {
    if (state_ == State::Idle) {
        finish(State::Cancelled);
        return;
    }
    if (state_ != State::Running) {
        return;
    }
    cancelRequested_ = true;
    if (reply_) {
        reply_->abort();  // onFinished() reports the cancel
    }
}

void DownloadJob::finish(State state, const QString& error) {
    state_ = state;
    error_ = state == State::Failed ? error : QString();
    // Queued: a caller that starts the job and then enters an event loop always sees finished().
    QMetaObject::invokeMethod(this, &DownloadJob::finished, Qt::QueuedConnection);
}

void DownloadJob::emitProgress(bool force) {
    const qint64 now = clock_.nsecsElapsed();
    if (!force && now - lastProgressNs_ < kProgressIntervalNs) {
        return;
    }
    lastProgressNs_ = now;
    samples_.emplace_back(now, received_);
    while (samples_.size() > 2 && now - samples_.front().first > kRateWindowNs) {
        samples_.pop_front();
    }
    double rate = 0;
    const auto& [firstNs, firstBytes] = samples_.front();
    if (now > firstNs) {
        rate =
            static_cast<double>(received_ - firstBytes) * 1e9 / static_cast<double>(now - firstNs);
    }
    const double eta = total_ >= 0 && rate > 0 ? static_cast<double>(total_ - received_) / rate
                                               : (total_ >= 0 && received_ >= total_ ? 0.0 : -1.0);
    Q_EMIT progress(received_, total_, rate, eta);
}

}  // namespace airbench::dataio
