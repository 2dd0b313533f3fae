#include "analysis/analysis_worker.h"

#include <airbench/error.h>
#include <airbench/inference.h>
#include <airbench/loader.h>

#include <QElapsedTimer>

#include <algorithm>
#include <exception>

namespace airbench::ui {
namespace {

constexpr qint64 kProgressIntervalMs = 100;

// The examples in use as an ImageSet; the whole split without a copy when nothing is cut.
struct SplitImages {
    ImageSet copy;
    const ImageSet* images = nullptr;
    SplitImages(const DataContext& c, Split s) {
        if (c.count(s) == c.images(s).size()) {
            images = &c.images(s);
        } else {
            copy = c.subset(s);
            images = &copy;
        }
    }
    SplitImages(const SplitImages&) = delete;
    SplitImages& operator=(const SplitImages&) = delete;
};

// Scores of one trained network: how it was trained, beyond what the engine records.
void describeTraining(ScoreProvenance& p, const TrainedModel& model) {
    p.labelSmoothing = model.labelSmoothing;
    p.epochs = model.epochs;
    p.heldOut = false;
    p.datasetHash = model.context.hash;
}

// The scores of one split as the explorer receives them, named after the network.
ScoreTable tableOf(ExampleScores scores, const TrainedModel& model, Split split) {
    ScoreTable table;
    table.scores = std::make_shared<ExampleScores>(std::move(scores));
    table.context = model.context;
    table.split = split;
    table.source = model.label();
    return table;
}

}  // namespace

// Turns the engine's callbacks into throttled progress signals; polls the stop flag.
class AnalysisWorker::Observer final : public SelectionObserver {
public:
    Observer(AnalysisWorker& worker, AnalysisJob job, int networks)
        : worker_(worker), job_(job), networks_(networks) {
        clock_.start();
    }

    void onNetwork(int index, int total, const std::string& what) override {
        if (phase_.empty()) {  // a scoring job: the engine counts the networks
            networks_ = total;
            index_ = index;
            what_ = QString::fromStdString(what);
        } else {
            what_ = QObject::tr("scoring network");
        }
        step_ = 0;
        report(true);
    }
    void onPhase(const std::string& phase, int run, int runs) override {
        phase_ = phase;
        index_ = phase == "scoring" ? 0 : phase == "selected" ? 1 + run : 1 + runs + run;
        networks_ = 1 + 2 * runs;
        what_ = phase == "scoring" ? QObject::tr("scoring network")
                                   : QObject::tr("%1 arm, run %2/%3")
                                         .arg(QString::fromStdString(phase))
                                         .arg(run + 1)
                                         .arg(runs);
        step_ = 0;
        report(true);
    }
    void onArmRun(const std::string& phase, int run, double accuracy) override {
        emit worker_.armRunFinished(QString::fromStdString(phase), run, accuracy);
    }
    void onStart(const RunPlan& plan) override {
        totalSteps_ = std::max<int64_t>(1, plan.totalSteps);
        step_ = 0;
    }
    void onSteps(const std::vector<StepMetrics>& steps) override {
        if (!steps.empty()) {
            step_ = steps.back().step;
        }
        report(false);
    }
    bool stopRequested() const override { return worker_.stop_->load(std::memory_order_relaxed); }

private:
    void report(bool now) {
        if (!now && clock_.elapsed() < kProgressIntervalMs) {
            return;
        }
        clock_.restart();
        const double within = std::min(1.0, double(step_) / double(totalSteps_));
        const double fraction = (index_ + within) / std::max(1, networks_);
        emit worker_.progress(
            job_, QObject::tr("network %1/%2: %3").arg(index_ + 1).arg(networks_).arg(what_),
            std::clamp(fraction, 0.0, 1.0));
    }

    AnalysisWorker& worker_;
    AnalysisJob job_;
    int networks_ = 1;
    int index_ = 0;
    int64_t step_ = 0, totalSteps_ = 1;
    std::string phase_;
    QString what_;
    QElapsedTimer clock_;
};

AnalysisWorker::AnalysisWorker(std::shared_ptr<std::atomic<bool>> stop)
    : stop_(std::move(stop)), runner_(std::make_unique<Runner>()) {}

AnalysisWorker::~AnalysisWorker() = default;

RunRequest AnalysisWorker::requestFor(const DataContext& context, const RunConfig& config,
                                      const QString& historyPath) const {
    RunRequest request;
    request.config = config;
    request.config.data.trainSubset = context.trainCount;
    request.config.data.testSubset = context.testCount;
    request.dataset = context.dataset;
    request.history.path = historyPath.toStdString();
    return request;
}

template <typename Body>
void AnalysisWorker::runJob(AnalysisJob job, const QString& what, Body&& body) {
    emit started(job, what);
    try {
        body();
    } catch (const std::exception& e) {
        emit failed(job, QString::fromStdString(e.what()));
    }
    emit finished(job);
}

void AnalysisWorker::scoreWithModel(const TrainedModelPtr& model, int ttaLevel) {
    const QString what = tr("Scoring the training set with %1").arg(model->label());
    runJob(AnalysisJob::ScoreWithModel, what, [&] {
        const SplitImages train(model->context, Split::Train);
        emit progress(AnalysisJob::ScoreWithModel,
                      tr("inference on %1 training images").arg(train.images->size()), 0);
        const CifarLoader loader = makeTestLoader(*train.images, model->model.device());
        ExampleScores scores = airbench::scoreModel(model->model, loader, ttaLevel);
        describeTraining(scores.provenance, *model);
        ScoreTable table = tableOf(std::move(scores), *model, Split::Train);
        if (!model->maskName.isEmpty()) {
            table.source += tr(" (examples outside the mask were not trained on)");
        }
        emit progress(AnalysisJob::ScoreWithModel, QString(), 1);
        emit scoresReady(table);
    });
}

void AnalysisWorker::inferTestSet(const TrainedModelPtr& model) {
    const QString what = tr("Inferring the test set with %1").arg(model->label());
    runJob(AnalysisJob::InferTestSet, what, [&] {
        const SplitImages test(model->context, Split::Test);
        const CifarLoader loader = makeTestLoader(*test.images, model->model.device());
        ExampleScores scores = airbench::scoreModel(model->model, loader, model->ttaLevel);
        describeTraining(scores.provenance, *model);
        emit testPredictionsReady(tableOf(std::move(scores), *model, Split::Test));
    });
}

void AnalysisWorker::scoreTrainingSet(const ScoringRequest& request) {
    const int networks =
        std::max(1, request.config.run.runs) * (request.folds >= 2 ? request.folds : 1);
    const QString what = tr("Scoring job: %1 network(s)").arg(networks);
    runJob(AnalysisJob::ScoringJob, what, [&] {
        ScoreOptions options;
        options.folds = request.folds;
        options.perEpoch = request.perEpoch;
        options.ttaLevel = request.ttaLevel;
        Observer observer(*this, AnalysisJob::ScoringJob, networks);
        auto scores = std::make_shared<ExampleScores>(airbench::scoreTrainingSet(
            *runner_, requestFor(request.context, request.config, request.historyPath), options,
            &observer));
        ScoreTable table;
        table.scores = std::move(scores);
        table.context = request.context;
        table.split = Split::Train;
        table.source = tr("scoring job");
        emit progress(AnalysisJob::ScoringJob, QString(), 1);
        emit scoresReady(table);
    });
}

void AnalysisWorker::runSelection(const SelectionRequest& request) {
    const QString what = tr("Selection experiment: keep %1% by %2, %3 runs per arm")
                             .arg(100 * request.options.keep, 0, 'g', 3)
                             .arg(QString::fromStdString(scoreName(request.options.score)))
                             .arg(request.options.runs);
    runJob(AnalysisJob::Selection, what, [&] {
        Observer observer(*this, AnalysisJob::Selection, 1 + 2 * request.options.runs);
        auto result = std::make_shared<SelectionResult>(runSelectionExperiment(
            *runner_, requestFor(request.context, request.config, request.historyPath),
            request.options, &observer));
        emit progress(AnalysisJob::Selection, QString(), 1);
        emit selectionReady(result, request.context);
    });
}

}  // namespace airbench::ui
