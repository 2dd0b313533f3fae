#pragma once
// Per-example scores of the training set: how confidently and correctly networks predict each
// training example. Every score table records how it was made, because the recipe, label
// smoothing, TTA, the number of runs and epochs, and in-sample versus held-out each change the
// ranking.

#include <airbench/dataset.h>
#include <airbench/inference.h>
#include <airbench/model.h>

#include <cstdint>
#include <string>
#include <vector>

namespace airbench {

enum class ScoreKind {
    Confidence,           // max log-softmax (the seed's data-selection signal)
    TrueProbability,      // p(true label)
    Margin,               // top-1 minus top-2 probability
    Entropy,              // of the predicted distribution, nats
    Loss,                 // cross-entropy of the true label (no smoothing)
    MeanTrueProbability,  // data map: mean of p(true) over runs and epochs
    Variability,          // data map: std of p(true) over runs and epochs
    Forgetting,           // correct at one epoch, wrong at a later one (count)
};
std::vector<ScoreKind> allScoreKinds();
std::string scoreName(ScoreKind kind);              // "confidence", "true_probability", ...
std::string scoreTitle(ScoreKind kind);             // "Confidence (max log-softmax)"
ScoreKind parseScoreKind(const std::string& name);  // throws Error listing the names

struct ScoreProvenance {
    std::string recipe;
    double labelSmoothing = 0;
    int ttaLevel = 0;
    int runs = 0;
    double epochs = 0;
    bool heldOut = false;   // each example scored by networks that did not train on it
    int folds = 0;          // held-out: K
    bool perEpoch = false;  // data map and forgetting include every epoch, not just the end
    std::string datasetHash;
    std::string describe() const;  // one line for the UI and CSV headers
};

struct ExampleScores {
    int64_t size = 0;
    int classes = 0;
    std::vector<int64_t> labels;
    std::vector<float> probabilities;  // (size, classes): mean over runs of the softmax
    std::vector<float> confidence, trueProbability, margin, entropy, loss;
    std::vector<int16_t> predicted;
    std::vector<uint8_t> correct;
    std::vector<float> meanTrueProbability, variability;
    std::vector<int32_t> forgetting;
    ScoreProvenance provenance;

    // Any score as floats (predictions and counts converted), for sorting and histograms.
    std::vector<float> values(ScoreKind kind) const;
    float value(ScoreKind kind, int64_t i) const;
    // The k most probable classes of example i, most probable first.
    std::vector<std::pair<int, float>> topClasses(int64_t i, int k = 3) const;
};

// Scores from the logits of one network (or several, averaged as probabilities) on the
// training set in dataset order. `logitsPerRun` each (size, classes).
ExampleScores scoresFromLogits(const std::vector<Logits>& logitsPerRun,
                               const std::vector<int64_t>& labels);

// Adds the data-map columns from per-snapshot true-label probabilities and predictions
// (snapshots: epochs of runs, in training order within each run; -1 / NaN = not scored).
struct ScoreSnapshot {
    int run = 0;
    std::vector<float> trueProbability;
    std::vector<int16_t> predicted;
};
void addDataMap(ExampleScores& scores, const std::vector<ScoreSnapshot>& snapshots);

// Scores a trained model on a set (normally the training set, without augmentation).
ExampleScores scoreModel(const Model& model, const CifarLoader& examples, int ttaLevel = 0);

// CSV: a header comment with the provenance, then index,label,predicted,correct and every score.
void writeScoresCsv(const std::string& path, const ExampleScores& scores);

}  // namespace airbench
