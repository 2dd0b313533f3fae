#include <airbench/dataio/fetch_job.h>

#include <airbench/dataio/archive_install.h>
#include <airbench/dataio/download_job.h>
#include <airbench/dataset.h>

#include "staging_area.h"

#include <QDir>
#include <QFile>
#include <QMetaObject>
#include <QThread>

namespace airbench::dataio {

DatasetFetchJob::DatasetFetchJob(Options options, QObject* parent)
    : QObject(parent), options_(std::move(options)) {
    if (options_.target.isEmpty()) {
        options_.target = QString::fromStdString(defaultCifar10Directory());
    }
    options_.target = QDir::cleanPath(QDir(options_.target).absolutePath());
}

DatasetFetchJob::~DatasetFetchJob() {
    cancelRequested_ = true;
    if (worker_) {
        worker_->wait();
        delete worker_;
    }
}

void DatasetFetchJob::start() {
    if (state_ == State::Running) {
        return;
    }
    state_ = State::Running;
    cancelRequested_ = false;
    // A dataset already there: done (a quick look at its files; `data info` does the full
    // check). Anything there that must not be replaced: fail now, not after the download.
    if (targetState(options_.target) == TargetState::Replaceable && !options_.replace) {
        alreadyPresent_ = true;
        dataset_.path = options_.target.toStdString();
        finish(State::Succeeded);
        return;
    }
    try {
        checkTarget(options_.target, options_.replace);
    } catch (const Error& e) {
        finish(State::Failed, QString::fromStdString(e.what()));
        return;
    }
    download_ = new DownloadJob(options_.url, downloadPath(), options_.md5, this);
    download_->setStallTimeout(options_.stallTimeoutMs);
    connect(download_, &DownloadJob::progress, this, &DatasetFetchJob::progress);
    connect(download_, &DownloadJob::stageChanged, this, &DatasetFetchJob::stageChanged);
    connect(download_, &DownloadJob::finished, this, &DatasetFetchJob::onDownloaded);
    download_->start();
}

void DatasetFetchJob::cancel() {
    cancelRequested_ = true;
    if (download_ && download_->state() == DownloadJob::State::Running) {
        download_->cancel();
    } else if (state_ == State::Idle) {
        finish(State::Cancelled);
    }
}

void DatasetFetchJob::onDownloaded() {
    DownloadJob* download = download_;
    download_ = nullptr;
    download->deleteLater();
    resumedFrom_ = download->resumedFrom();
    bytesDownloaded_ = download->bytesDownloaded();
    switch (download->state()) {
        case DownloadJob::State::Succeeded:
            break;
        case DownloadJob::State::Cancelled:
            finish(State::Cancelled);
            return;
        default:
            finish(State::Failed, download->errorString());
            return;
    }
    if (cancelRequested_) {
        finish(State::Cancelled);
        return;
    }
    // Extracting 170 MB and loading the result takes seconds: off the GUI thread.
    worker_ = QThread::create([this] {
        Callbacks callbacks;
        callbacks.onStage = [this](const std::string& stage, const std::string& detail) {
            Q_EMIT stageChanged(QString::fromStdString(stage), QString::fromStdString(detail));
        };
        callbacks.onProgress = [this](int64_t done, int64_t total) {
            Q_EMIT installProgress(done, total);
        };
        callbacks.cancelled = [this] { return cancelRequested_.load(); };
        try {
            dataset_ = installArchive(downloadPath(), options_.target, options_.replace,
                                      options_.limits, callbacks);
        } catch (const Cancelled&) {
            workerCancelled_ = true;
        } catch (const std::exception& e) {
            workerError_ = QString::fromStdString(e.what());
        }
    });
    connect(worker_, &QThread::finished, this, &DatasetFetchJob::onInstalled);
    worker_->start();
}

void DatasetFetchJob::onInstalled() {
    worker_->wait();
    delete worker_;
    worker_ = nullptr;
    if (workerCancelled_) {
        finish(State::Cancelled);  // the verified download stays: the next start reuses it
        return;
    }
    // Installed, or verified yet unusable: either way the archive has served its purpose.
    QFile::remove(downloadPath());
    if (!workerError_.isEmpty()) {
        finish(State::Failed, workerError_);
        return;
    }
    finish(State::Succeeded);
}

void DatasetFetchJob::finish(State state, const QString& error) {
    state_ = state;
    error_ = error;
    QMetaObject::invokeMethod(this, &DatasetFetchJob::finished, Qt::QueuedConnection);
}

}  // namespace airbench::dataio
