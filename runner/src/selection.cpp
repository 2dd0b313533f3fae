#include <airbench/error.h>
#include <airbench/forwarding_observer.h>
#include <airbench/knobs.h>
#include <airbench/selection.h>

namespace airbench {
namespace {

// The arm runs' accuracy, as each run ends.
class ArmObserver : public ForwardingObserver {
public:
    using ForwardingObserver::ForwardingObserver;
    double accuracy = kNotMeasured;
    double seconds = 0;
    void onRunEnd(int index, TrainResult& result) override {
        accuracy = result.history.summary.ttaValAccuracy;
        seconds = result.history.summary.seconds;
        ForwardingObserver::onRunEnd(index, result);
    }
};

}  // namespace

SelectionResult runSelectionExperiment(Runner& runner, const RunRequest& request,
                                       const SelectionOptions& o, SelectionObserver* observer) {
    if (!(o.keep > 0 && o.keep < 1)) {
        throw Error("the kept fraction must be in (0, 1), got " + std::to_string(o.keep));
    }
    if (o.runs < 1) {
        throw Error("each arm needs at least one run, got " + std::to_string(o.runs));
    }
    RunRequest base = request;
    base.dataset = runner.dataOf(request);
    base.mask.reset();
    base.config.maskPath.clear();
    base.saveModelPath.clear();
    base.history.tags.push_back("selection");
    const Dataset& data = *base.dataset;
    SelectionResult result;

    // 1. The scoring network, trained on everything without label smoothing.
    if (observer)
        observer->onPhase("scoring", 0, 1);
    RunRequest scoring = base;
    scoring.config.run.runs = 1;
    scoring.config.overrides["label_smoothing"] = o.scoringLabelSmoothing;
    ScoreOptions scoreOptions;
    scoreOptions.ttaLevel = o.scoringTtaLevel;
    result.scores = scoreTrainingSet(runner, scoring, scoreOptions, observer);

    // 2. The selection.
    const std::vector<float> values = result.scores.values(o.score);
    result.selection = maskFromQuantile(values, o.keep, o.lowest);
    result.selection.setName((o.lowest ? "lowest " : "highest ") + scoreName(o.score));
    result.selection.setDatasetHash(data.hash);
    result.keptExamples = result.selection.count();

    // 3. Both arms under the same budget and the same seeds, one run per seed: the random arm
    // draws a fresh subset for every seed (it measures random subsets, not one of them).
    RunRequest arms = base;
    arms.config.run.runs = 1;
    arms.config.overrides["epochs"] = o.epochs;
    arms.config.overrides["alternating_flip"] = o.alternatingFlip ? 1 : 0;
    arms.analysis.evaluateEveryEpoch = false;
    result.selected.name = result.selection.name();
    result.random.name = o.matchClassMix ? "random (same class mix)" : "random";
    for (const bool selectedArm : {true, false}) {
        SelectionArm& arm = selectedArm ? result.selected : result.random;
        const std::string phase = selectedArm ? "selected" : "random";
        for (int r = 0; r < o.runs; ++r) {
            if (observer)
                observer->onPhase(phase, r, o.runs);
            const uint64_t seed = request.config.run.seed + 1 + static_cast<uint64_t>(r);
            const uint64_t maskSeed = seed * 7919 + 17;
            Mask mask =
                selectedArm ? result.selection
                : o.matchClassMix
                    ? maskRandomLike(result.selection, data.train.labels, maskSeed)
                    : maskRandom(data.train.size(),
                                 double(result.keptExamples) / double(data.train.size()), maskSeed);
            mask.setDatasetHash(data.hash);
            arms.mask = std::make_shared<const Mask>(std::move(mask));
            arms.config.run.seed = seed;
            ArmObserver run(observer);
            if (runner.run(arms, &run).stopped) {
                throw Error("the selection experiment was stopped");
            }
            arm.accuracies.push_back(run.accuracy);
            arm.seconds.push_back(run.seconds);
            if (observer)
                observer->onArmRun(phase, r, run.accuracy);
        }
        arm.summary = summarize(arm.accuracies);
    }
    result.test = welchTest(result.random.accuracies, result.selected.accuracies);
    return result;
}

}  // namespace airbench
