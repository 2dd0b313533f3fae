#include <airbench/dataio/import_job.h>

#include <QThread>

namespace airbench::dataio {

ImportJob::ImportJob(QString source, ImportOptions options, QObject* parent)
    : QObject(parent), source_(std::move(source)), options_(std::move(options)) {}

ImportJob::~ImportJob() {
    cancelRequested_ = true;
    if (worker_) {
        worker_->wait();
        delete worker_;
    }
}

void ImportJob::start() {
    if (state_ == State::Running) {
        return;
    }
    state_ = State::Running;
    cancelRequested_ = false;
    workerCancelled_ = false;
    workerError_.clear();
    worker_ = QThread::create([this] {
        Callbacks callbacks;
        callbacks.onStage = [this](const std::string& stage, const std::string& detail) {
            Q_EMIT stageChanged(QString::fromStdString(stage), QString::fromStdString(detail));
        };
        callbacks.onProgress = [this](int64_t done, int64_t total) {
            Q_EMIT progress(done, total);
        };
        callbacks.cancelled = [this] { return cancelRequested_.load(); };
        try {
            result_ = importDataset(source_.toStdString(), options_, callbacks);
        } catch (const Cancelled&) {
            workerCancelled_ = true;
        } catch (const std::exception& e) {
            workerError_ = QString::fromStdString(e.what());
        }
    });
    connect(worker_, &QThread::finished, this, &ImportJob::onWorkerFinished);
    worker_->start();
}

void ImportJob::cancel() {
    cancelRequested_ = true;
}

void ImportJob::onWorkerFinished() {
    worker_->wait();
    delete worker_;
    worker_ = nullptr;
    if (workerCancelled_) {
        state_ = State::Cancelled;
    } else if (!workerError_.isEmpty()) {
        state_ = State::Failed;
        error_ = workerError_;
    } else {
        state_ = State::Succeeded;
    }
    Q_EMIT finished();
}

}  // namespace airbench::dataio
