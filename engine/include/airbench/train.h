#pragma once
// Training: train(recipe, loader, ...) runs one seeded run and returns the network and its
// history. Progress flows to a TrainObserver, which can also stop the run.

#include <airbench/model.h>
#include <airbench/recipe.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace airbench {

// What a run needs beyond its recipe (whose table already holds every hyperparameter, see
// resolveRecipe): its seed and how its step executes, what it was trained on, and what else to
// measure while it trains.
struct RunMechanics {
    uint64_t seed = 0;
    // Capture the training step in a CUDA graph (falls back to eager, with a note, elsewhere).
    bool compiled = false;
    // The network's own CUDA kernels (RunOptions explains them); elsewhere the run notes why and
    // uses the usual operations.
    bool fusedNormActivation = false;
    bool compactPooling = false;
};

struct RunProvenance {
    std::string datasetHash;  // recorded in the trained Model (the Dataset::hash it trained on)
};

struct RunAnalysis {
    // Per-epoch validation accuracy without TTA (not counted in the timing).
    bool evaluateEveryEpoch = true;
    // Keep the per-example training-set predictions after every epoch (costs one inference
    // pass over the training set per epoch); see scores.h.
    bool recordTrainPredictionsEveryEpoch = false;
};

struct TrainOptions {
    RunMechanics mechanics;
    RunProvenance provenance;
    RunAnalysis analysis;
};

// What a run will do, known before it starts.
struct RunPlan {
    int64_t trainExamples = 0;
    int64_t stepsPerEpoch = 0;
    int64_t totalSteps = 0;    // T
    int epochs = 0;            // epochs started (ceil of the fractional count)
    int64_t examplesSeen = 0;  // forward/backward passes over training examples
    double forwardFlopsPerImage = 0;
    double trainFlops = 0;  // 3 x forward per example seen (forward + backward)
    double evalFlops = 0;   // the final TTA evaluation
    double totalFlops() const { return trainFlops + evalFlops; }
};

struct StepMetrics {
    int64_t step = 0;  // 1-based count of optimizer steps done
    int epoch = 0;
    double trainLoss = 0;  // mean per-example loss of the batch (with label smoothing)
};

constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();

struct EpochMetrics {
    int epoch = 0;                      // 0-based
    int64_t steps = 0;                  // optimizer steps done so far
    double trainLoss = 0;               // last batch, per example (as the reference prints it)
    double trainAccuracy = 0;           // last batch
    double valAccuracy = kNotMeasured;  // without TTA
    double seconds = 0;                 // training time so far, excluding evaluation
};

struct RunSummary {
    uint64_t seed = 0;
    double valAccuracy = kNotMeasured;     // without TTA
    double ttaValAccuracy = kNotMeasured;  // at the recipe's TTA level
    double seconds = 0;                    // whitening + training (+ proxy) + final TTA evaluation
    double setupSeconds = 0;               // of which whitening (and proxy training)
    double evalSeconds = 0;                // of which the final TTA evaluation
    int64_t steps = 0;
    bool cancelled = false;
    std::string device;
    // Recipe-specific facts (airbench96_faster: examples kept, proxy seconds; compiled mode).
    std::vector<std::string> notes;
    int64_t examplesKept = -1;  // airbench96_faster: examples the main network trained on
    double proxySeconds = 0;    // airbench96_faster
};

struct RunHistory {
    RunPlan plan;
    std::vector<float> stepLosses;  // per step, mean per-example loss
    std::vector<EpochMetrics> epochs;
    RunSummary summary;
    // Per-epoch training-set predictions when TrainOptions::recordTrainPredictionsEveryEpoch:
    // epochPredictions[e][i] = predicted class of full-set example i after epoch e (-1 if it
    // was masked out), epochTrueProbabilities likewise the probability of its true label.
    std::vector<std::vector<int16_t>> epochPredictions;
    std::vector<std::vector<float>> epochTrueProbabilities;
};

// Receives progress from the training thread. Calls come from the thread that runs train().
class TrainObserver {
public:
    virtual ~TrainObserver() = default;
    virtual void onStart(const RunPlan& plan) {}
    // Batches of steps: every step on CPU, once per epoch on CUDA (no per-step host sync).
    virtual void onSteps(const std::vector<StepMetrics>& steps) {}
    virtual void onEpoch(const EpochMetrics& metrics) {}
    virtual void onNote(const std::string& note) {}
    virtual void onFinish(const RunSummary& summary) {}
    // Polled once per step; returning true ends the run after the current step.
    virtual bool stopRequested() const { return false; }
};

struct TrainResult {
    Model model;
    RunHistory history;
};

// One run of `recipe` (a registered recipe, its table resolved with resolveRecipe; validated
// again here) on `train`, evaluating on `test` when given. Uses the loader's device and batch
// size. Throws airbench::Error (DivergedError for a NaN loss); a stop request returns normally
// with history.summary.cancelled set and the network as trained so far.
TrainResult train(const Recipe& recipe, CifarLoader& train, const CifarLoader* test,
                  const TrainOptions& options = {}, TrainObserver* observer = nullptr);

// A throwaway training on random labels so that the first timed run does not pay for CUDA
// kernel selection (no-op cost on CPU beyond the steps it runs).
void warmup(const Recipe& recipe, CifarLoader& train, const TrainOptions& options = {},
            int64_t steps = 10);

// The plan of a run without running it.
RunPlan planRun(const Recipe& recipe, int64_t trainExamples, int64_t testExamples);
// The same for `train`'s examples at its batch size (which a loader may have changed from the
// recipe's).
RunPlan planForLoader(const Recipe& recipe, const CifarLoader& train, int64_t testExamples);

}  // namespace airbench
