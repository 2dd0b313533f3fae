#include "data/data_job_controller.h"

#include "common/format.h"

#include <airbench/dataio/import_job.h>

#include <QFileInfo>
#include <QLocale>

namespace airbench::ui {

DataJobController::DataJobController(QObject* parent) : QObject(parent) {}

DataJobController::~DataJobController() {
    // The jobs' destructors cancel and join their threads.
    delete fetchJob_;
    delete importJob_;
}

QString DataJobController::formatBytes(qint64 bytes) {
    if (bytes < 0) {
        return QStringLiteral("?");
    }
    if (bytes < 1000) {
        return tr("%1 B").arg(bytes);
    }
    if (bytes < 1000 * 1000) {
        return tr("%1 KB").arg(bytes / 1000.0, 0, 'f', 0);
    }
    if (bytes < 1000ll * 1000 * 1000) {
        return tr("%1 MB").arg(bytes / 1e6, 0, 'f', 1);
    }
    return tr("%1 GB").arg(bytes / 1e9, 0, 'f', 2);
}

bool DataJobController::getCifar10() {
    if (isBusy()) {
        return false;
    }
    begin(Kind::Fetch, tr("Getting CIFAR-10"));
    auto* job = new dataio::DatasetFetchJob(fetch_, this);
    fetchJob_ = job;
    connect(job, &dataio::DatasetFetchJob::stageChanged, this, &DataJobController::setStage);
    connect(job, &dataio::DatasetFetchJob::progress, this, &DataJobController::onTransfer);
    connect(job, &dataio::DatasetFetchJob::installProgress, this, &DataJobController::onItems);
    connect(job, &dataio::DatasetFetchJob::finished, this, &DataJobController::onFetchFinished);
    stage_ = tr("connecting");
    progressText_ = job->options().url.toString();
    emit started();
    emit progressChanged();
    job->start();
    return true;
}

bool DataJobController::importSource(const QString& source) {
    if (isBusy() || source.isEmpty()) {
        return false;
    }
    begin(Kind::Import, tr("Importing %1").arg(QFileInfo(source).fileName()));
    auto* job = new dataio::ImportJob(source, import_, this);
    importJob_ = job;
    connect(job, &dataio::ImportJob::stageChanged, this, &DataJobController::setStage);
    connect(job, &dataio::ImportJob::progress, this, &DataJobController::onItems);
    connect(job, &dataio::ImportJob::finished, this, &DataJobController::onImportFinished);
    stage_ = tr("starting");
    progressText_ = source;
    emit started();
    emit progressChanged();
    job->start();
    return true;
}

void DataJobController::cancel() {
    if (fetchJob_ && state_ == State::Running) {
        fetchJob_->cancel();
    }
    if (importJob_ && state_ == State::Running) {
        importJob_->cancel();
    }
}

void DataJobController::begin(Kind kind, const QString& title) {
    kind_ = kind;
    state_ = State::Running;
    title_ = title;
    stage_.clear();
    progressText_.clear();
    error_.clear();
    datasetPath_.clear();
    resultText_.clear();
    fraction_ = -1;
}

void DataJobController::setStage(const QString& stage, const QString& detail) {
    stage_ = stage;
    fraction_ = -1;
    progressText_ = detail;
    emit progressChanged();
}

void DataJobController::onTransfer(qint64 received, qint64 total, double bytesPerSecond,
                                   double etaSeconds) {
    QString text = total > 0 ? tr("%1 of %2").arg(formatBytes(received), formatBytes(total))
                             : formatBytes(received);
    if (bytesPerSecond > 0) {
        text += tr(" · %1/s").arg(formatBytes(static_cast<qint64>(bytesPerSecond)));
    }
    if (etaSeconds >= 0) {
        text += tr(" · ETA %1").arg(formatEta(etaSeconds));
    }
    progressText_ = text;
    fraction_ = total > 0 ? qBound(0.0, double(received) / double(total), 1.0) : -1;
    if (stage_.isEmpty() || stage_ == tr("connecting")) {
        stage_ = QStringLiteral("downloading");
    }
    emit progressChanged();
}

void DataJobController::onItems(qint64 done, qint64 total) {
    // Extracting and copying count bytes; converting counts images.
    const bool bytes = stage_ == QLatin1String("extracting") || stage_ == QLatin1String("copying");
    const QLocale locale;
    if (bytes) {
        progressText_ = total > 0 ? tr("%1 of %2").arg(formatBytes(done), formatBytes(total))
                                  : formatBytes(done);
    } else {
        progressText_ = total > 0
                            ? tr("%1 of %2").arg(locale.toString(done), locale.toString(total))
                            : locale.toString(done);
    }
    fraction_ = total > 0 ? qBound(0.0, double(done) / double(total), 1.0) : -1;
    emit progressChanged();
}

template <typename Job, typename Succeeded>
void DataJobController::finishFrom(Job* job, Succeeded succeeded) {
    switch (job->state()) {
        case Job::State::Succeeded:
            succeeded(*job);
            end(State::Succeeded);
            break;
        case Job::State::Cancelled:
            end(State::Cancelled);
            break;
        default:
            error_ = job->errorString();
            end(State::Failed);
            break;
    }
    job->deleteLater();
}

void DataJobController::onFetchFinished() {
    if (!fetchJob_) {
        return;
    }
    finishFrom(fetchJob_.data(), [this](const dataio::DatasetFetchJob& job) {
        datasetPath_ = job.target();
        const dataio::DatasetSummary& d = job.dataset();
        if (job.alreadyPresent()) {
            resultText_ = tr("CIFAR-10 is already in %1.").arg(datasetPath_);
            return;
        }
        const QLocale locale;
        resultText_ =
            tr("Installed %1 (%2 train / %3 test images) in %4.")
                .arg(QString::fromStdString(d.name),
                     locale.toString(static_cast<qlonglong>(d.trainExamples)),
                     locale.toString(static_cast<qlonglong>(d.testExamples)), datasetPath_);
    });
}

void DataJobController::onImportFinished() {
    if (!importJob_) {
        return;
    }
    finishFrom(importJob_.data(), [this](const dataio::ImportJob& job) {
        const dataio::ImportResult& r = job.result();
        datasetPath_ = QString::fromStdString(r.dataset.path);
        const QLocale locale;
        resultText_ = tr("Imported %1 (%2 train / %3 test images, %4 classes)%5: %6")
                          .arg(QString::fromStdString(r.dataset.name),
                               locale.toString(static_cast<qlonglong>(r.dataset.trainExamples)),
                               locale.toString(static_cast<qlonglong>(r.dataset.testExamples)))
                          .arg(r.dataset.classNames.size())
                          .arg(r.inPlace       ? tr(", used in place")
                               : r.reusedCache ? tr(", from the cache")
                                               : QString(),
                               datasetPath_);
    });
}

void DataJobController::end(State state) {
    state_ = state;
    emit progressChanged();
    switch (state) {
        case State::Succeeded:
            emit succeeded(datasetPath_);
            break;
        case State::Failed:
            emit failed(error_);
            break;
        case State::Cancelled:
            emit cancelled();
            break;
        default:
            break;
    }
    emit finished();
}

}  // namespace airbench::ui
