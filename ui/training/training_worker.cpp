#include "training/training_worker.h"

#include "training/step_buffer.h"

#include <airbench/error.h>

#include <exception>

namespace airbench::ui {

// Turns the Runner's callbacks (on this thread) into queued signals and buffered steps.
class TrainingWorker::Observer final : public RunObserver {
public:
    Observer(TrainingWorker& worker, const TrainRequest& request)
        : worker_(worker), request_(request) {}

    // The run that failed, when one had started (else -1).
    int failedRun = -1;

    void onSetup(const RunSetup& setup) override {
        setup_ = &setup;
        device_ = QString::fromStdString(setup.deviceName);
        emit worker_.deviceReady(device_);
        if (!setup.dataset->normalizationNote.empty()) {
            emit worker_.note(-1, QString::fromStdString(setup.dataset->normalizationNote));
        }
    }
    void onRunBegin(int index, uint64_t seed, int64_t historyId) override {
        run_ = index;
        seed_ = seed;
        historyId_ = historyId;
        started_ = false;
    }
    void onStart(const RunPlan& plan) override {
        started_ = true;
        emit worker_.runStarted(run_, seed_, device_, plan);
        if (historyId_ > 0) {
            emit worker_.runRecorded(run_, historyId_);
        }
    }
    void onSteps(const std::vector<StepMetrics>& steps) override {
        worker_.steps_->push(run_, steps);
    }
    void onEpoch(const EpochMetrics& metrics) override {
        emit worker_.epochFinished(run_, metrics);
    }
    void onNote(const std::string& text) override {
        emit worker_.note(run_, QString::fromStdString(text));
    }
    void onFinish(const RunSummary& summary) override { emit worker_.runFinished(run_, summary); }
    void onRunEnd(int index, TrainResult& result) override {
        if (result.history.summary.cancelled) {
            return;
        }
        const Recipe& recipe = setup_->recipe;
        auto model = std::make_shared<TrainedModel>();
        model->model = std::move(result.model);
        model->context.dataset = request_.dataset;
        model->context.trainCount = setup_->dataset->train.size();
        model->context.testCount = setup_->dataset->test.size();
        model->context.hash = setup_->dataset->hash;
        model->recipe = recipe.name;
        model->labelSmoothing = recipe.hyp.labelSmoothing;
        model->epochs = recipe.hyp.epochs;
        model->ttaLevel = recipe.hyp.ttaLevel;
        model->seed = seed_;
        if (setup_->mask) {
            model->maskName = QString::fromStdString(setup_->mask->name());
        }
        emit worker_.modelReady(index, TrainedModelPtr(std::move(model)));
    }
    void onRunFailed(int index, const std::string&) override { failedRun = started_ ? index : -1; }
    bool stopRequested() const override { return worker_.stop_->load(std::memory_order_relaxed); }

private:
    TrainingWorker& worker_;
    const TrainRequest& request_;
    const RunSetup* setup_ = nullptr;
    QString device_;
    int run_ = -1;
    uint64_t seed_ = 0;
    int64_t historyId_ = 0;
    bool started_ = false;
};

TrainingWorker::TrainingWorker(std::shared_ptr<StepBuffer> steps,
                               std::shared_ptr<std::atomic<bool>> stop)
    : steps_(std::move(steps)), stop_(std::move(stop)), runner_(std::make_unique<Runner>()) {}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::run(const TrainRequest& request) {
    Observer observer(*this, request);
    try {
        if (!request.dataset) {
            throw Error(
                "No dataset is loaded: choose a dataset folder first (File > Open dataset).");
        }
        RunRequest run;
        run.config = request.config;
        run.dataset = request.dataset;
        run.mask = request.mask;
        run.history.path = request.historyPath.toStdString();
        run.networksDir = request.networksDir.toStdString();
        runner_->run(run, &observer);
    } catch (const std::exception& e) {
        // airbench::Error messages are written for users (CUDA OOM included); anything else is
        // still better shown than lost.
        emit failed(observer.failedRun, QString::fromStdString(e.what()));
    }
    emit finished();
}

}  // namespace airbench::ui
