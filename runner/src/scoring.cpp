#include <airbench/error.h>
#include <airbench/forwarding_observer.h>
#include <airbench/loader.h>
#include <airbench/scoring.h>

#include <algorithm>
#include <optional>

namespace airbench {
namespace {

// Collects, from every network of one fold, its logits on the fold's held-out examples (all of
// them in-sample) and its per-epoch predictions.
class FoldScorer : public ForwardingObserver {
public:
    FoldScorer(ScoreObserver* observer, const Mask* heldOut, int fold, int folds, int ttaLevel,
               std::vector<Logits>& logitsPerRun, std::vector<ScoreSnapshot>& snapshots)
        : ForwardingObserver(observer),
          observer_(observer),
          heldOut_(heldOut),
          fold_(fold),
          folds_(folds),
          ttaLevel_(ttaLevel),
          logitsPerRun_(logitsPerRun),
          snapshots_(snapshots) {}

    void onSetup(const RunSetup& setup) override {
        examples_.emplace(makeTestLoader(setup.dataset->train, setup.device));
        if (heldOut_) {
            examples_->setMask(heldOut_->keep());
        }
        ForwardingObserver::onSetup(setup);
    }
    void onRunBegin(int index, uint64_t seed, int64_t historyId) override {
        const int runs = static_cast<int>(logitsPerRun_.size());
        if (observer_) {
            std::string what = "run " + std::to_string(index + 1) + "/" + std::to_string(runs);
            if (folds_ > 1) {
                what += ", fold " + std::to_string(fold_ + 1) + "/" + std::to_string(folds_);
            }
            observer_->onNetwork(fold_ * runs + index, runs * folds_, what);
        }
        ForwardingObserver::onRunBegin(index, seed, historyId);
    }
    void onRunEnd(int index, TrainResult& result) override {
        ForwardingObserver::onRunEnd(index, result);
        if (result.history.summary.cancelled) {
            return;
        }
        const Logits part = infer(result.model, *examples_, ttaLevel_);
        Logits& all = logitsPerRun_[static_cast<size_t>(index)];
        const std::vector<int64_t> rows =
            heldOut_ ? examples_->activeIndices() : std::vector<int64_t>();
        for (int64_t j = 0; j < part.rows; ++j) {
            const int64_t i = heldOut_ ? rows[static_cast<size_t>(j)] : j;
            std::copy(part.values.begin() + j * part.classes,
                      part.values.begin() + (j + 1) * part.classes,
                      all.values.begin() + i * part.classes);
        }
        const RunHistory& h = result.history;
        for (size_t e = 0; e < h.epochPredictions.size(); ++e) {
            snapshots_.push_back({index, h.epochTrueProbabilities[e], h.epochPredictions[e]});
        }
    }

private:
    ScoreObserver* observer_;
    const Mask* heldOut_;
    int fold_, folds_, ttaLevel_;
    std::vector<Logits>& logitsPerRun_;
    std::vector<ScoreSnapshot>& snapshots_;
    std::optional<CifarLoader> examples_;
};

}  // namespace

ExampleScores scoreTrainingSet(Runner& runner, const RunRequest& request,
                               const ScoreOptions& options, ScoreObserver* observer) {
    validateRunConfig(request.config);
    const Recipe recipe = resolvedRecipe(request.config);
    const int runs = request.config.run.runs;
    const bool heldOut = options.folds >= 2;
    const int folds = heldOut ? options.folds : 1;
    const bool perEpoch = options.perEpoch && !heldOut;

    RunRequest job = request;
    job.dataset = runner.dataOf(request);  // loaded once for every fold
    job.mask.reset();
    job.config.maskPath.clear();
    job.evaluate = false;
    job.analysis.evaluateEveryEpoch = false;
    job.analysis.recordTrainPredictionsEveryEpoch = perEpoch;
    job.history.tags.push_back("scoring");
    job.saveModelPath.clear();
    const ImageSet& train = job.dataset->train;
    const int64_t n = train.size();

    std::vector<Logits> logitsPerRun(static_cast<size_t>(runs));
    for (Logits& l : logitsPerRun) {
        l.rows = n;
        l.classes = recipe.numClasses;
        l.values.assign(static_cast<size_t>(n * l.classes), 0.0f);
    }
    std::vector<ScoreSnapshot> snapshots;
    const std::vector<Mask> heldOutFolds =
        heldOut ? maskFolds(n, folds, request.config.run.seed ^ 0x5eedf01dull)
                : std::vector<Mask>();
    for (int k = 0; k < folds; ++k) {
        const Mask* fold = heldOut ? &heldOutFolds[static_cast<size_t>(k)] : nullptr;
        if (fold) {
            job.mask = std::make_shared<const Mask>(fold->complement());
        }
        FoldScorer scorer(observer, fold, k, folds, options.ttaLevel, logitsPerRun, snapshots);
        if (runner.run(job, &scorer).stopped) {
            throw Error("scoring was stopped");
        }
    }

    ExampleScores s = scoresFromLogits(logitsPerRun, train.labels);
    if (perEpoch) {
        addDataMap(s, snapshots);
    }
    ScoreProvenance& p = s.provenance;
    p.recipe = recipe.name;
    p.labelSmoothing = recipe.hyp.labelSmoothing;
    p.ttaLevel = options.ttaLevel;
    p.runs = runs;
    p.epochs = recipe.hyp.epochs;
    p.heldOut = heldOut;
    p.folds = heldOut ? folds : 0;
    p.perEpoch = perEpoch;
    p.datasetHash = job.dataset->hash;
    return s;
}

}  // namespace airbench
