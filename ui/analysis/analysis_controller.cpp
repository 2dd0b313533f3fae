#include "analysis/analysis_controller.h"

#include <QCoreApplication>
#include <QEvent>
#include <QThread>

#include <algorithm>

namespace airbench::ui {

AnalysisController::AnalysisController(QObject* parent)
    : QObject(parent), stop_(std::make_shared<std::atomic<bool>>(false)) {
    registerAnalysisMetaTypes();
    thread_ = new QThread(this);
    thread_->setObjectName(QStringLiteral("analysis"));
    worker_ = new AnalysisWorker(stop_);
    worker_->moveToThread(thread_);
    // Queued: the worker emits on the analysis thread, these arrive on the GUI thread.
    connect(worker_, &AnalysisWorker::started, this, &AnalysisController::started);
    connect(worker_, &AnalysisWorker::progress, this, &AnalysisController::progress);
    connect(worker_, &AnalysisWorker::scoresReady, this, &AnalysisController::scoresReady);
    connect(worker_, &AnalysisWorker::testPredictionsReady, this,
            &AnalysisController::testPredictionsReady);
    connect(worker_, &AnalysisWorker::armRunFinished, this, &AnalysisController::armRunFinished);
    connect(worker_, &AnalysisWorker::selectionReady, this, &AnalysisController::selectionReady);
    connect(worker_, &AnalysisWorker::failed, this, &AnalysisController::failed);
    connect(worker_, &AnalysisWorker::finished, this, &AnalysisController::onWorkerFinished);
}

AnalysisController::~AnalysisController() {
    stop_->store(true);
    thread_->quit();
    thread_->wait();
    delete worker_;
}

bool AnalysisController::isHeavyBusy() const {
    return std::find(queue_.begin(), queue_.end(), true) != queue_.end();
}

void AnalysisController::setTrainingRunning(bool running) {
    if (training_ != running) {
        training_ = running;
        emit trainingRunningChanged(running);
    }
}

template <typename Job>
void AnalysisController::enqueue(bool heavy, Job job) {
    if (!thread_->isRunning()) {
        thread_->start();
    }
    const bool wasBusy = isBusy();
    const bool wasHeavyBusy = isHeavyBusy();
    queue_.push_back(heavy);
    auto stop = stop_;
    QMetaObject::invokeMethod(
        worker_,
        [stop, job = std::move(job)] {
            stop->store(false);  // a Stop applies to the job that was running when pressed
            job();
        },
        Qt::QueuedConnection);
    if (!wasBusy) {
        emit busyChanged(true);
    }
    if (heavy && !wasHeavyBusy) {
        emit heavyBusyChanged(true);
    }
}

void AnalysisController::scoreWithModel(const TrainedModelPtr& model, int ttaLevel) {
    if (!model) {
        return;
    }
    AnalysisWorker* w = worker_;
    enqueue(false, [w, model, ttaLevel] { w->scoreWithModel(model, ttaLevel); });
}

void AnalysisController::inferTestSet(const TrainedModelPtr& model) {
    if (!model) {
        return;
    }
    AnalysisWorker* w = worker_;
    enqueue(false, [w, model] { w->inferTestSet(model); });
}

bool AnalysisController::scoreTrainingSet(const ScoringRequest& request) {
    if (!canStartHeavy()) {
        return false;
    }
    AnalysisWorker* w = worker_;
    ScoringRequest recorded = request;
    recorded.historyPath = historyPath_;
    enqueue(true, [w, recorded] { w->scoreTrainingSet(recorded); });
    return true;
}

bool AnalysisController::runSelection(const SelectionRequest& request) {
    if (!canStartHeavy()) {
        return false;
    }
    AnalysisWorker* w = worker_;
    SelectionRequest recorded = request;
    recorded.historyPath = historyPath_;
    enqueue(true, [w, recorded] { w->runSelection(recorded); });
    return true;
}

void AnalysisController::stop() {
    if (isBusy()) {
        stop_->store(true);
    }
}

void AnalysisController::stopAndWait() {
    stop_->store(true);
    thread_->quit();
    thread_->wait();
    // Deliver what the worker reported; jobs that never started are dropped.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    QCoreApplication::removePostedEvents(worker_, QEvent::MetaCall);
    while (isBusy()) {
        onWorkerFinished(AnalysisJob::ScoreWithModel);  // never started: nothing to report
    }
}

void AnalysisController::onWorkerFinished(AnalysisJob job) {
    if (queue_.empty()) {
        return;
    }
    const bool heavy = queue_.front();
    queue_.pop_front();
    emit jobFinished(job);
    if (heavy && !isHeavyBusy()) {
        emit heavyBusyChanged(false);
    }
    if (!isBusy()) {
        emit busyChanged(false);
    }
}

}  // namespace airbench::ui
