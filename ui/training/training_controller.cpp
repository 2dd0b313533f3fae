#include "training/training_controller.h"

#include "common/format.h"
#include "training/step_buffer.h"
#include "training/training_session.h"

#include <QCoreApplication>
#include <QEvent>
#include <QThread>
#include <QTimer>

#include <cmath>

namespace airbench::ui {

QString TrainingProgress::text() const {
    if (stopping) {
        return QObject::tr("stopping…");
    }
    if (runs == 0) {
        return QObject::tr("preparing…");
    }
    return QObject::tr("run %1/%2 · epoch %3/%4 · step %5/%6 · ETA %7")
        .arg(run)
        .arg(runs)
        .arg(epoch)
        .arg(epochs)
        .arg(step)
        .arg(totalSteps)
        .arg(formatEta(etaSeconds));
}

TrainingController::TrainingController(TrainingSession* session, QObject* parent)
    : QObject(parent),
      session_(session),
      steps_(std::make_shared<StepBuffer>()),
      stop_(std::make_shared<std::atomic<bool>>(false)) {
    registerAnalysisMetaTypes();
    qRegisterMetaType<TrainingProgress>();
    thread_ = new QThread(this);
    thread_->setObjectName(QStringLiteral("training"));
    worker_ = new TrainingWorker(steps_, stop_);
    worker_->moveToThread(thread_);
    // Queued: the worker emits on the training thread, these run on the GUI thread.
    connect(worker_, &TrainingWorker::deviceReady, this, &TrainingController::deviceReady);
    connect(worker_, &TrainingWorker::runStarted, this, &TrainingController::onRunStarted);
    connect(worker_, &TrainingWorker::runRecorded, this, &TrainingController::onRunRecorded);
    connect(worker_, &TrainingWorker::epochFinished, this, &TrainingController::onEpochFinished);
    connect(worker_, &TrainingWorker::runFinished, this, &TrainingController::onRunFinished);
    connect(worker_, &TrainingWorker::modelReady, this, &TrainingController::onModelReady);
    connect(worker_, &TrainingWorker::note, this, &TrainingController::onNote);
    connect(worker_, &TrainingWorker::failed, this, &TrainingController::onFailed);
    connect(worker_, &TrainingWorker::finished, this, &TrainingController::onWorkerFinished);

    flushTimer_ = new QTimer(this);
    flushTimer_->setInterval(kFlushIntervalMs);
    connect(flushTimer_, &QTimer::timeout, this, [this] {
        flushSteps(static_cast<int>(ids_.size()) - 1);
        updateProgress();
    });
}

TrainingController::~TrainingController() {
    stop_->store(true);
    thread_->quit();
    thread_->wait();
    delete worker_;
}

bool TrainingController::start(const TrainRequest& request) {
    if (running_) {
        return false;
    }
    if (!thread_->isRunning()) {
        thread_->start();
    }
    stop_->store(false);
    steps_->clear();
    running_ = true;
    batch_ = session_->beginBatch();
    ids_.clear();
    recipe_ = QString::fromStdString(request.config.recipe);
    mask_ = request.mask ? QString::fromStdString(request.mask->name()) : QString();
    plan_ = RunPlan{};
    completedRuns_ = 0;
    progress_ = TrainingProgress{};
    progress_.runs = request.config.run.runs;
    clock_.start();
    flushTimer_->start();
    TrainingWorker* worker = worker_;
    QMetaObject::invokeMethod(
        worker_, [worker, request] { worker->run(request); }, Qt::QueuedConnection);
    emit runningChanged(true);
    emit started(batch_);
    emit progressChanged(progress_);
    return true;
}

void TrainingController::stop() {
    if (!running_) {
        return;
    }
    stop_->store(true);
    progress_.stopping = true;
    emit progressChanged(progress_);
}

void TrainingController::stopAndWait() {
    stop_->store(true);
    // quit() lets the thread's event loop end once TrainingWorker::run has returned.
    thread_->quit();
    thread_->wait();
    // What the worker emitted meanwhile waits in this thread's queue: deliver it now.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    if (running_) {
        // The thread quit before it even began the batch: drop the request, end it here.
        QCoreApplication::removePostedEvents(worker_, QEvent::MetaCall);
        onWorkerFinished();
    }
}

int TrainingController::idOf(int run) const {
    return run >= 0 && run < static_cast<int>(ids_.size()) ? ids_[static_cast<size_t>(run)] : -1;
}

void TrainingController::flushSteps(int maxRun) {
    for (auto& [run, steps] : steps_->take(maxRun)) {
        const int id = idOf(run);
        if (id < 0 || steps.empty()) {
            continue;
        }
        progress_.step = steps.back().step;
        progress_.epoch = steps.back().epoch + 1;
        session_->appendSteps(id, steps);
    }
}

void TrainingController::updateProgress() {
    if (!running_ || plan_.totalSteps <= 0) {
        return;
    }
    const double total = double(plan_.totalSteps) * progress_.runs;
    progress_.fraction =
        qBound(0.0, (double(completedRuns_) * plan_.totalSteps + progress_.step) / total, 1.0);
    const double elapsed = clock_.elapsed() / 1000.0;
    progress_.etaSeconds = progress_.fraction > 0
                               ? elapsed * (1 - progress_.fraction) / progress_.fraction
                               : kNotMeasured;
    emit progressChanged(progress_);
}

void TrainingController::onRunStarted(int run, quint64 seed, const QString& device,
                                      const RunPlan& plan) {
    flushSteps(run - 1);
    plan_ = plan;
    const int id = session_->addRun(batch_, recipe_, seed, device, plan, mask_);
    ids_.resize(static_cast<size_t>(run + 1), -1);
    ids_[static_cast<size_t>(run)] = id;
    progress_.run = run + 1;
    progress_.epoch = 1;
    progress_.epochs = plan.epochs;
    progress_.step = 0;
    progress_.totalSteps = plan.totalSteps;
    emit runStarted(id, plan);
    updateProgress();
}

void TrainingController::onRunRecorded(int run, qint64 historyId) {
    const int id = idOf(run);
    if (id < 0) {
        return;
    }
    session_->setHistoryId(id, historyId);
    emit runRecorded(id, historyId);
}

void TrainingController::onEpochFinished(int run, const EpochMetrics& metrics) {
    flushSteps(run);
    const int id = idOf(run);
    if (id < 0) {
        return;
    }
    session_->appendEpoch(id, metrics);
    emit epochFinished(id, metrics);
}

void TrainingController::onRunFinished(int run, const RunSummary& summary) {
    flushSteps(run);
    const int id = idOf(run);
    if (id < 0) {
        return;
    }
    ++completedRuns_;
    session_->finishRun(id, summary);
    emit runFinished(id, summary);
    updateProgress();
}

void TrainingController::onModelReady(int run, const TrainedModelPtr& model) {
    const int id = idOf(run);
    if (id < 0 || !model) {
        return;
    }
    auto kept = std::make_shared<TrainedModel>(*model);
    kept->runId = id;
    lastModel_ = std::move(kept);
    emit modelReady(id, lastModel_);
}

void TrainingController::onNote(int run, const QString& text) {
    emit note(text);
}

void TrainingController::onFailed(int run, const QString& message) {
    flushSteps(run >= 0 ? run : static_cast<int>(ids_.size()) - 1);
    if (const int id = idOf(run); id >= 0) {
        session_->failRun(id, message);
    }
    emit failed(message);
}

void TrainingController::onWorkerFinished() {
    flushSteps(static_cast<int>(ids_.size()) - 1);
    flushTimer_->stop();
    running_ = false;
    progress_.stopping = false;
    emit progressChanged(progress_);
    emit runningChanged(false);
    emit finished(batch_);
}

}  // namespace airbench::ui
