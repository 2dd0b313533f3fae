#pragma once
// The data-selection experiment of airbench's README: score the training set with a network
// trained without label smoothing, keep a fraction of it chosen by a score (the seed: the 60%
// with the lowest confidence), and compare N seeded trainings on that subset against N on random
// subsets of the same size (optionally the same class mix), same recipe and budget.
// The seed's figures (CIFAR-10, 16 epochs): random ~93%, low-confidence ~94%.

#include <airbench/mask.h>
#include <airbench/runner.h>
#include <airbench/scores.h>
#include <airbench/scoring.h>
#include <airbench/stats.h>

#include <vector>

namespace airbench {

struct SelectionOptions {
    double keep = 0.6;  // fraction of the training set kept
    ScoreKind score = ScoreKind::Confidence;
    bool lowest = true;                // keep the lowest (true) or highest scores
    int runs = 4;                      // seeds per arm
    double epochs = 16;                // training budget of both arms
    bool matchClassMix = false;        // random arm: same examples per class as the selection
    double scoringLabelSmoothing = 0;  // the scoring network (the seed: no smoothing)
    int scoringTtaLevel = 0;
    // The seed's selection loaders: random flip every epoch (altflip=False), translate 2.
    bool alternatingFlip = false;
};

struct SelectionArm {
    std::string name;
    std::vector<double> accuracies;  // TTA accuracy per seed
    std::vector<double> seconds;
    Summary summary;
};

struct SelectionResult {
    ExampleScores scores;  // of the scoring network
    Mask selection;        // the kept examples
    SelectionArm selected, random;
    WelchTest test;  // random vs selected: difference = selected - random
    int64_t keptExamples = 0;
};

class SelectionObserver : public ScoreObserver {
public:
    // phase: "scoring", "selected", "random"; run is 0-based within the phase.
    virtual void onPhase(const std::string& phase, int run, int runs) {}
    virtual void onArmRun(const std::string& phase, int run, double accuracy) {}
};

// `request` gives the recipe, its overrides (width, batch size, ...), the first seed, the device,
// the data and where to record; its runs count and mask are the experiment's own. The scoring
// network trains with request.config.run.seed, the arms' runs with seed + 1, + 2, ...; every
// network is recorded like any run when the request names a history (tagged "selection").
SelectionResult runSelectionExperiment(Runner& runner, const RunRequest& request,
                                       const SelectionOptions& options,
                                       SelectionObserver* observer = nullptr);

}  // namespace airbench
