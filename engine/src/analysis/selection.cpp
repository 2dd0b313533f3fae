#include <airbench/error.h>
#include <airbench/selection.h>

namespace airbench {

SelectionResult runSelectionExperiment(const Recipe& base, const Dataset& dataset, Device device,
                                       const SelectionOptions& o, SelectionObserver* observer) {
    if (!(o.keep > 0 && o.keep < 1)) {
        throw Error("the kept fraction must be in (0, 1), got " + std::to_string(o.keep));
    }
    SelectionResult result;
    // 1. The scoring network, trained on everything without label smoothing.
    if (observer)
        observer->onPhase("scoring", 0, 1);
    ScoreOptions scoring;
    scoring.runs = 1;
    scoring.ttaLevel = o.scoringTtaLevel;
    scoring.train = o.train;
    scoring.train.labelSmoothing = o.scoringLabelSmoothing;
    result.scores = scoreTrainingSet(base, dataset.train, device, scoring, dataset.hash, observer);

    // 2. The selection.
    const std::vector<float> values = result.scores.values(o.score);
    result.selection = maskFromQuantile(values, o.keep, o.lowest);
    result.selection.setName((o.lowest ? "lowest " : "highest ") + scoreName(o.score));
    result.selection.setDatasetHash(dataset.hash);
    result.keptExamples = result.selection.count();

    // 3. Both arms under the same budget and the same seeds.
    TrainOptions armOptions = o.train;
    armOptions.epochs = o.epochs;
    const Recipe recipe = resolveRecipe(base, armOptions);
    CifarLoader train = makeTrainLoader(recipe, dataset.train, device);
    Augmentation aug = train.augmentation();
    aug.alternatingFlip = o.alternatingFlip;
    train.setAugmentation(aug);
    CifarLoader test = makeTestLoader(dataset.test, device);
    result.selected.name = result.selection.name();
    result.random.name = o.matchClassMix ? "random (same class mix)" : "random";
    for (const bool selectedArm : {true, false}) {
        SelectionArm& arm = selectedArm ? result.selected : result.random;
        const std::string phase = selectedArm ? "selected" : "random";
        for (int r = 0; r < o.runs; ++r) {
            if (observer)
                observer->onPhase(phase, r, o.runs);
            const uint64_t seed = o.train.seed + 1 + static_cast<uint64_t>(r);
            // A fresh random subset per seed: the arm measures random subsets, not one of them.
            const Mask mask =
                selectedArm ? result.selection
                : o.matchClassMix
                    ? maskRandomLike(result.selection, dataset.train.labels, seed * 7919 + 17)
                    : maskRandom(dataset.train.size(),
                                 double(result.keptExamples) / double(dataset.train.size()),
                                 seed * 7919 + 17);
            train.setMask(mask.keep());
            TrainOptions runOptions = armOptions;
            runOptions.seed = seed;
            runOptions.evaluateEveryEpoch = false;
            runOptions.datasetHash = dataset.hash;
            TrainResult run = airbench::train(recipe, train, &test, runOptions, observer);
            if (run.history.summary.cancelled) {
                throw Error("the selection experiment was stopped");
            }
            arm.accuracies.push_back(run.history.summary.ttaValAccuracy);
            arm.seconds.push_back(run.history.summary.seconds);
            if (observer)
                observer->onArmRun(phase, r, arm.accuracies.back());
        }
        arm.summary = summarize(arm.accuracies);
    }
    result.test = welchTest(result.random.accuracies, result.selected.accuracies);
    return result;
}

}  // namespace airbench
