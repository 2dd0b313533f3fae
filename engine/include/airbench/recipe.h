#pragma once
// A recipe is data (the network shape and the hyperparameter table, in the units a researcher
// thinks in) plus the function that trains it. Each recipe lives in one file under
// engine/src/recipes/ and is listed once in the registry; the GUI and CLI only enumerate them.

#include <airbench/loader.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace airbench {

enum class BlockKind {
    TwoConv,            // conv -> maxpool -> BN -> GELU -> conv -> BN -> GELU
    ResidualThreeConv,  // conv -> maxpool -> BN -> GELU -> (conv -> BN -> GELU -> conv -> BN) +
                        // skip -> GELU
};

enum class HeadKind {
    ScaledByNinth,     // Linear(w3, 10) then logits / 9 (legacy recipes)
    UnitStdOverWidth,  // head weight rescaled to std 1, logits / w3 (airbench94_muon)
};

enum class WhiteningBiasInit { Zero, Uniform };  // Uniform = PyTorch's default conv bias init

struct NetworkSpec {
    std::array<int, 3> widths{64, 256, 256};
    BlockKind block = BlockKind::TwoConv;
    double batchNormMomentum = 0.4;  // PyTorch convention: new = (1-m) old + m batch
    double batchNormEps = 1e-12;
    HeadKind head = HeadKind::ScaledByNinth;
    WhiteningBiasInit whiteningBias = WhiteningBiasInit::Zero;
    int numClasses = 10;

    // Every block width times `multiplier` (at least 1 channel each).
    NetworkSpec scaled(double multiplier) const;
};

enum class LrSchedule {
    WarmupThenFloor,  // schedule A: 0.2 -> 1 over the warm-up, then down to `lrFloor`
    WarmupThenZero,   // schedule B: 0.2 -> 1 over the warm-up, then down to 0
    LinearToZero,     // airbench94_muon: 1 -> 0, no warm-up
};

struct Hyperparameters {
    double epochs = 9.9;  // fractional: the last epoch is cut short
    int batchSize = 1024;
    double learningRate = 11.5;   // per 1024 examples, before the Nesterov scale (see optim)
    double weightDecay = 0.0153;  // per 1024 examples, decoupled
    double biasScaler = 64.0;     // BatchNorm biases train this much faster
    double momentum = 0.85;       // Nesterov
    double labelSmoothing = 0.2;
    double whiteningBiasEpochs = 3;  // the whitening bias trains this long; negative: whole run
    LrSchedule schedule = LrSchedule::WarmupThenFloor;
    double warmupFraction = 0.23;  // of all steps
    double lrFloor = 0.07;         // schedule A's final multiplier
    bool lookahead = true;
    Augmentation augmentation{true, 2, 0, true};
    int ttaLevel = 2;
    double widthMultiplier = 1.0;  // already applied to the network's widths; kept for the record
};

// The figures the original scripts report (RECIPES.md §7), shown beside our own results.
struct ReferenceFigures {
    double accuracy = 0;  // mean TTA accuracy, fraction
    double seconds = 0;   // per run on the card below
    std::string card;     // "A100"
    double pflop = 0;     // per run
    int runs = 0;         // runs behind the mean
};

class CifarLoader;
class TrainObserver;
struct TrainOptions;
struct TrainResult;
struct RunPlan;
struct Recipe;

using TrainFunction = TrainResult (*)(const Recipe& recipe, CifarLoader& train,
                                      const CifarLoader* test, const TrainOptions& options,
                                      TrainObserver* observer);
// Steps, epochs and the analytic FLOP count of one run on `trainExamples` training examples.
using PlanFunction = RunPlan (*)(const Recipe& recipe, int64_t trainExamples, int64_t testExamples);

struct Recipe {
    std::string name;         // "airbench94"
    std::string title;        // "airbench94: 94% in 3.83 s"
    std::string description;  // one line
    ReferenceFigures reference;
    NetworkSpec network;
    Hyperparameters hyp;
    TrainFunction train = nullptr;
    PlanFunction plan = nullptr;
};

// Every recipe, in the order the seed's table lists them.
const std::vector<Recipe>& recipes();
// Throws airbench::Error listing the known names when `name` is unknown. (A string_view, so that
// findRecipe("airbench94") binds no temporary string: the result refers to the registry.)
const Recipe& findRecipe(std::string_view name);
std::vector<std::string> recipeNames();

}  // namespace airbench
