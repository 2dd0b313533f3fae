#pragma once
// Scoring the training set: train networks through the Runner and score every training example
// with them (airbench/scores.h), in-sample or held-out over K folds, optionally with the data
// map and forgetting over every epoch.

#include <airbench/runner.h>
#include <airbench/scores.h>

#include <string>

namespace airbench {

struct ScoreOptions {
    int folds = 0;          // 0 or 1: in-sample; K >= 2: held-out over K folds
    bool perEpoch = false;  // in-sample only: data map and forgetting over every epoch
    int ttaLevel = 0;       // when scoring the training set
};

// Observes a scoring job: which network of how many is training, then its progress.
class ScoreObserver : public RunObserver {
public:
    virtual void onNetwork(int index, int total, const std::string& what) {}
};

// Trains request.config.run.runs networks per fold (seeds seed, seed + 1, ...; the request's
// mask is ignored: scores are for the whole training set) and scores every training example in
// use. The networks are recorded like any run when the request names a history (tagged
// "scoring"); they are not evaluated on the test split. Throws airbench::Error when stopped.
ExampleScores scoreTrainingSet(Runner& runner, const RunRequest& request,
                               const ScoreOptions& options, ScoreObserver* observer = nullptr);

}  // namespace airbench
