#include "training_worker.h"

#include "step_buffer.h"

#include <airbench/error.h>
#include <airbench/loader.h>

#include <exception>

namespace airbench::ui {

// Turns the engine's callbacks (on this thread) into queued signals and buffered steps.
class TrainingWorker::Observer final : public TrainObserver {
public:
    Observer(TrainingWorker& worker, int run, uint64_t seed, QString device)
        : worker_(worker), run_(run), seed_(seed), device_(std::move(device)) {}

    bool started() const { return started_; }

    void onStart(const RunPlan& plan) override {
        started_ = true;
        emit worker_.runStarted(run_, seed_, device_, plan);
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
    bool stopRequested() const override { return worker_.stop_->load(std::memory_order_relaxed); }

private:
    TrainingWorker& worker_;
    int run_;
    uint64_t seed_;
    QString device_;
    bool started_ = false;
};

TrainingWorker::TrainingWorker(std::shared_ptr<StepBuffer> steps,
                               std::shared_ptr<std::atomic<bool>> stop)
    : steps_(std::move(steps)), stop_(std::move(stop)) {}

void TrainingWorker::run(const TrainRequest& request) {
    int failedRun = -1;
    try {
        if (!request.dataset) {
            throw Error(
                "No dataset is loaded: choose a dataset folder first (File > Open dataset).");
        }
        const Dataset& data = *request.dataset;
        const RunSettings& settings = request.settings;
        TrainOptions options = settings.options;
        const Recipe recipe = resolveRecipe(findRecipe(settings.recipe), options);
        const Device device = resolveDevice(settings.device);
        const QString deviceText = QString::fromStdString(describeDevice(device));
        emit deviceReady(deviceText);

        // Subsets are the first N examples, as `airbench train --train-subset` takes them.
        const bool subset = (request.trainSubset > 0 && request.trainSubset < data.train.size()) ||
                            (request.testSubset > 0 && request.testSubset < data.test.size());
        const ImageSet trainImages =
            request.trainSubset > 0 ? data.train.head(request.trainSubset) : ImageSet{};
        const ImageSet testImages =
            request.testSubset > 0 ? data.test.head(request.testSubset) : ImageSet{};
        const ImageSet& train = request.trainSubset > 0 ? trainImages : data.train;
        const ImageSet& test = request.testSubset > 0 ? testImages : data.test;
        options.datasetHash = subset ? computeDatasetHash(train, test) : data.hash;

        CifarLoader trainLoader = makeTrainLoader(recipe, train, device, options.seed);
        CifarLoader testLoader = makeTestLoader(test, device);
        if (request.mask) {
            const Mask& mask = *request.mask;
            if (mask.size() != train.size() ||
                (!mask.datasetHash().empty() && mask.datasetHash() != options.datasetHash)) {
                throw Error("mask '" + mask.name() + "' was made for other examples (" +
                            std::to_string(mask.size()) +
                            " of them); the training set in use has " +
                            std::to_string(train.size()) +
                            ": make the mask again or choose the subset it was made for");
            }
            if (mask.count() == 0) {
                throw Error("mask '" + mask.name() + "' keeps no examples");
            }
            trainLoader.setMask(mask.keep());
        }

        const std::string warmupKey = recipe.name + "/" + std::to_string(options.widthMultiplier) +
                                      "/" + std::to_string(trainLoader.batchSize());
        if (device.isCuda() && warmedUpFor_ != warmupKey && !stop_->load()) {
            emit note(-1, tr("warm-up: a few untimed steps on random labels (kernel selection)"));
            const RunPlan plan = planRun(recipe, trainLoader.size(), testLoader.size());
            warmup(recipe, trainLoader, options, 2 * std::max<int64_t>(1, plan.stepsPerEpoch));
            warmedUpFor_ = warmupKey;
        }

        const uint64_t firstSeed = options.seed;
        for (int run = 0; run < settings.runs && !stop_->load(); ++run) {
            options.seed = firstSeed + static_cast<uint64_t>(run);
            Observer observer(*this, run, options.seed, deviceText);
            failedRun = -1;
            try {
                TrainResult result =
                    airbench::train(recipe, trainLoader, &testLoader, options, &observer);
                if (result.history.summary.cancelled) {
                    break;
                }
                auto model = std::make_shared<TrainedModel>();
                model->model = std::move(result.model);
                model->context.dataset = request.dataset;
                model->context.trainCount = train.size();
                model->context.testCount = test.size();
                model->context.hash = options.datasetHash;
                model->recipe = recipe.name;
                model->labelSmoothing = recipe.hyp.labelSmoothing;
                model->epochs = recipe.hyp.epochs;
                model->ttaLevel = recipe.hyp.ttaLevel;
                model->seed = options.seed;
                if (request.mask) {
                    model->maskName = QString::fromStdString(request.mask->name());
                }
                emit modelReady(run, TrainedModelPtr(std::move(model)));
            } catch (...) {
                failedRun = observer.started() ? run : -1;
                throw;
            }
        }
    } catch (const std::exception& e) {
        // airbench::Error messages are written for users (CUDA OOM included); anything else is
        // still better shown than lost.
        emit failed(failedRun, QString::fromStdString(e.what()));
    }
    emit finished();
}

}  // namespace airbench::ui
