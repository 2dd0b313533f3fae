#include "training/training_worker.h"

#include "training/step_buffer.h"

#include <airbench/build_info.h>
#include <airbench/config.h>
#include <airbench/error.h>
#include <airbench/history.h>
#include <airbench/loader.h>
#include <airbench/run_recorder.h>

#include <QDir>

#include <exception>
#include <optional>

namespace airbench::ui {
namespace {

// What the runs of this request train on, as `airbench train` describes it (runConfigJson), so
// that GUI and CLI runs of one setting record one configuration.
RunSetting runSettingOf(const Dataset& data, const std::string& hash, int64_t trainExamples,
                        int64_t testExamples, const Mask* mask, int64_t maskExamples,
                        const Device& device, const RunSettings& s) {
    RunSetting setting;
    setting.datasetName = data.name;
    setting.datasetPath = data.path;
    setting.datasetHash = hash;
    setting.trainExamples = trainExamples;
    setting.testExamples = testExamples;
    if (mask) {
        setting.masked = true;
        setting.maskName = mask->name();
        setting.maskHash = mask->hash();
        setting.maskExamples = maskExamples;
    }
    setting.device = describeDevice(device);
    setting.runs = s.runs;
    setting.compiled = s.options.compiled;
    setting.fusedNormActivation = s.options.fusedNormActivation;
    setting.compactPooling = s.options.compactPooling;
    setting.warmup = device.isCuda();  // as the CLI's --warmup auto
    return setting;
}

history::RunRecord historyRecordOf(const Recipe& recipe, const RunSetting& setting,
                                   const Mask* mask, const std::string& device, uint64_t seed) {
    history::RunRecord r;
    r.recipe = recipe.name;
    r.configJson = runConfigJson(recipe, setting, seed);
    r.datasetName = setting.datasetName;
    r.datasetHash = setting.datasetHash;
    if (mask) {
        r.maskName = mask->name();
        r.maskHash = mask->hash();
    }
    r.seed = seed;
    r.device = device;
    r.softwareVersion = build::version();
    return r;
}

}  // namespace

// Turns the engine's callbacks (on this thread) into queued signals and buffered steps.
class TrainingWorker::Observer final : public TrainObserver {
public:
    Observer(TrainingWorker& worker, int run, uint64_t seed, QString device)
        : worker_(worker), run_(run), seed_(seed), device_(std::move(device)) {}

    bool started() const { return started_; }
    void setHistoryId(int64_t id) { historyId_ = id; }

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
    bool stopRequested() const override { return worker_.stop_->load(std::memory_order_relaxed); }

private:
    TrainingWorker& worker_;
    int run_;
    uint64_t seed_;
    QString device_;
    bool started_ = false;
    int64_t historyId_ = 0;
};

void TrainingWorker::keepNetwork(history::Database& db, int64_t historyId, const Model& model,
                                 const QString& folder, int run) {
    // A network that cannot be kept costs the checkpoint, never the run or its record.
    const QString path = QDir(folder).filePath(QStringLiteral("run-%1.pt").arg(historyId));
    try {
        if (!QDir().mkpath(folder)) {
            throw Error("cannot create the folder " + folder.toStdString());
        }
        model.save(path.toStdString());
        db.addArtifact(historyId, "checkpoint", path.toStdString());
        emit note(run, tr("kept the network in %1").arg(path));
    } catch (const std::exception& e) {
        emit note(run, tr("the network was not kept: %1").arg(e.what()));
    }
}

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
        options.datasetHash = !request.datasetHash.empty() ? request.datasetHash
                              : subset                     ? computeDatasetHash(train, test)
                                                           : data.hash;
        if (!data.normalizationNote.empty()) {
            emit note(-1, QString::fromStdString(data.normalizationNote));
        }

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

        // The run history: this thread's own connection (one per thread, history.h).
        std::optional<history::Database> runHistory;
        const RunSetting setting =
            runSettingOf(data, options.datasetHash, train.size(), test.size(), request.mask.get(),
                         trainLoader.size(), device, settings);
        if (!request.historyPath.isEmpty()) {
            try {
                runHistory.emplace(request.historyPath.toStdString());
            } catch (const std::exception& e) {
                runHistory.reset();
                emit note(-1, tr("run history: not recording: %1").arg(e.what()));
            }
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
            // Inserts the run as "running" at once; a recording error stops only the recording
            // (the recorder forwards it to the observer as a note).
            std::optional<history::RunRecorder> recorder;
            if (runHistory) {
                recorder.emplace(*runHistory,
                                 historyRecordOf(recipe, setting, request.mask.get(),
                                                 deviceText.toStdString(), options.seed),
                                 &observer);
                observer.setHistoryId(recorder->runId());
            }
            TrainObserver* watching =
                recorder ? static_cast<TrainObserver*>(&*recorder) : &observer;
            failedRun = -1;
            try {
                TrainResult result =
                    airbench::train(recipe, trainLoader, &testLoader, options, watching);
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
                if (recorder && !request.networksDir.isEmpty()) {
                    keepNetwork(*runHistory, recorder->runId(), model->model, request.networksDir,
                                run);
                }
                emit modelReady(run, TrainedModelPtr(std::move(model)));
            } catch (const std::exception& e) {
                if (recorder) {
                    recorder->fail(e.what());
                }
                failedRun = observer.started() ? run : -1;
                throw;
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
