#pragma once
// What the explorer, the masks and the analysis jobs pass around: which examples are in use
// (a DataContext), the network of the last run (a TrainedModel), and shared, immutable results
// (scores, selection experiments). All plain engine types behind shared pointers, so that they
// travel through queued signals without copies.

#include "common/engine_types.h"

#include <airbench/mask.h>
#include <airbench/model.h>
#include <airbench/scores.h>
#include <airbench/selection.h>

#include <QMetaType>
#include <QString>

#include <cstdint>
#include <memory>
#include <string>

namespace airbench::ui {

enum class Split { Train, Test };

// The analysis thread's kinds of work (progress and errors say which one they are about).
enum class AnalysisJob { ScoreWithModel, InferTestSet, ScoringJob, Selection };

// The examples a run, a score table or a mask refers to: the first trainCount / testCount
// examples of a dataset's splits (the dataset panel's subsets), and the hash of exactly those
// (Dataset::hash when the whole dataset is in use, as the training worker computes it).
struct DataContext {
    DatasetPtr dataset;
    int64_t trainCount = 0;
    int64_t testCount = 0;
    std::string hash;

    bool valid() const { return dataset != nullptr; }
    int64_t count(Split split) const { return split == Split::Train ? trainCount : testCount; }
    const ImageSet& images(Split split) const {
        return split == Split::Train ? dataset->train : dataset->test;
    }
    // Labels of the examples in use (the first count(split) of the split).
    std::vector<int64_t> labels(Split split) const;
    // Copies of the examples in use, for the engine's loaders.
    ImageSet subset(Split split) const;
    int classes() const { return dataset ? dataset->numClasses() : 0; }
    QString className(int64_t c) const;
    bool sameExamples(const DataContext& other) const {
        return dataset == other.dataset && trainCount == other.trainCount &&
               testCount == other.testCount;
    }
};

// How many examples of a split of `all` a subset setting uses: the first `subset` (as the dataset
// panel and `airbench train --train-subset` give it), or all of them when it is not positive.
int64_t usedCount(int64_t subset, int64_t all);

// `trainSubset` / `testSubset` as the dataset panel gives them (-1: the whole split).
DataContext makeDataContext(DatasetPtr dataset, int64_t trainSubset, int64_t testSubset);

// The network a run trained, kept after the run so that the GUI can score the training set and
// infer the test set with it.
struct TrainedModel {
    Model model;
    DataContext context;    // what it trained on (before its mask)
    int runId = -1;         // the session's run id (TrainingController fills it in)
    int64_t historyId = 0;  // the run's id in the history, for a network reopened from there
    std::string recipe;
    double labelSmoothing = 0;
    double epochs = 0;
    int ttaLevel = 0;  // the recipe's, as the run's final evaluation used it
    uint64_t seed = 0;
    QString maskName;       // empty: the whole training set
    QString label() const;  // "run 3 · airbench94 · seed 2"
};

using TrainedModelPtr = std::shared_ptr<const TrainedModel>;
using ScoresPtr = std::shared_ptr<const ExampleScores>;
using MaskPtr = std::shared_ptr<const Mask>;
using SelectionResultPtr = std::shared_ptr<const SelectionResult>;

// Scores of one split, with the examples they are about and where they came from.
struct ScoreTable {
    ScoresPtr scores;
    DataContext context;
    Split split = Split::Train;
    QString source;  // "run 3 · airbench94 · seed 2" or "scoring job"
    bool valid() const { return scores != nullptr && context.valid(); }
};

// Call once before the first queued connection (the controllers' constructors do).
void registerAnalysisMetaTypes();

}  // namespace airbench::ui

Q_DECLARE_METATYPE(airbench::Mask)
Q_DECLARE_METATYPE(airbench::ui::AnalysisJob)
Q_DECLARE_METATYPE(airbench::ui::DataContext)
Q_DECLARE_METATYPE(airbench::ui::TrainedModelPtr)
Q_DECLARE_METATYPE(airbench::ui::ScoreTable)
Q_DECLARE_METATYPE(airbench::ui::SelectionResultPtr)
Q_DECLARE_METATYPE(airbench::ui::MaskPtr)
