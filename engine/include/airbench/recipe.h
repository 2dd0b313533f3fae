#pragma once
// A recipe is a method (the network's structure, the optimizer, the schedule) plus one table of
// numbers in the units a researcher thinks in. Each recipe lives in one file under
// engine/src/recipes/ and is listed once in the registry (registry.cpp); the GUI and the CLI only
// enumerate them. Every number of the table is a knob (knobs.h): it can be overridden, it is
// validated and it is recorded with every run. docs/recipes.md describes each recipe against the
// reference scripts.

#include <airbench/loader.h>

#include <array>
#include <map>
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

enum class LrSchedule {
    WarmupThenFloor,  // schedule A: 0.2 -> 1 over the warm-up, then down to `lrFloor`
    WarmupThenZero,   // schedule B: 0.2 -> 1 over the warm-up, then down to 0
    LinearToZero,     // airbench94_muon: 1 -> 0, no warm-up
};

enum class OptimizerKind {
    NesterovSgd,  // every tensor by Nesterov SGD in airbench's decoupled units, with lookahead
    Muon,         // Muon for the conv filters, Nesterov SGD for the biases and the head
};

// What the network builder needs: derived from a recipe (networkOf), stored in checkpoints.
struct NetworkSpec {
    std::array<int, 3> widths{};
    BlockKind block = BlockKind::TwoConv;
    // In the reference's convention: the share of the running statistics kept at each step
    // (airbench94: 0.6). PyTorch's BatchNorm momentum is 1 minus this; nn/network.cpp converts.
    double batchNormMomentum = 0;
    double batchNormEps = 0;
    HeadKind head = HeadKind::ScaledByNinth;
    WhiteningBiasInit whiteningBias = WhiteningBiasInit::Zero;
    int numClasses = 10;

    // Every block width times `multiplier` (at least 1 channel each).
    NetworkSpec scaled(double multiplier) const;
};

// A recipe's table. The defaults are neutral: every recipe sets the values it uses, and a field
// outside a recipe's scope (knobs.h) changes nothing in it.
struct Hyperparameters {
    // Length and batch.
    double epochs = 0;  // fractional: the last epoch is cut short
    int batchSize = 0;
    // The optimizer. SGD recipes: learning rate and weight decay per 1024 examples, in the
    // decoupled units of optim/nesterov_sgd.h; Muon recipes: Muon's own rate and momentum.
    double learningRate = 0;
    double weightDecay = 0;
    double momentum = 0;
    double labelSmoothing = 0;
    double whiteningBiasEpochs = 0;  // the whitening bias trains this long; negative: whole run
    // SGD recipes.
    double biasScaler = 0;      // BatchNorm biases learn this much faster
    double warmupFraction = 0;  // of all steps (both warm-up schedules)
    double lrFloor = 0;         // the warm-up-then-floor schedule's final multiplier
    bool lookahead = false;
    // Muon recipes: the SGD side (whitening bias, BatchNorm biases, head).
    double whiteningBiasLr = 0;
    double batchNormBiasLr = 0;
    double headLr = 0;
    double sgdMomentum = 0;
    // The network.
    std::array<int, 3> widths{};
    double widthMultiplier = 1;    // every block width times this
    double batchNormMomentum = 0;  // the reference's convention (NetworkSpec)
    double batchNormEps = 0;
    // Augmentation of the training images.
    bool flip = false;
    bool alternatingFlip = false;
    int translate = 0;
    int cutout = 0;
    // The final evaluation.
    int ttaLevel = 0;
    // Proxy-based data filtering (airbench96_faster): a small proxy network picks the hardest
    // examples of every batch for the main network.
    int proxyUpdateEvery = 0;          // the proxy backpropagates on every k-th step only
    double proxyKeepFraction = 0;      // of each batch, kept for the main network
    std::array<int, 3> proxyWidths{};  // times the width multiplier, like the main network
    double proxyBatchNormMomentum = 0;
};

// The figures the original scripts report (docs/recipes.md), shown beside our own results.
struct ReferenceFigures {
    double accuracy = 0;  // mean TTA accuracy, fraction
    double seconds = 0;   // per run on the card below
    std::string card;     // "A100"
    double pflop = 0;     // per run
    int runs = 0;         // runs behind the mean
};

struct Recipe {
    std::string name;         // "airbench94"
    std::string title;        // "airbench94"
    std::string description;  // one line
    ReferenceFigures reference;
    // The method: structure, not numbers; fixed per recipe.
    BlockKind block = BlockKind::TwoConv;
    HeadKind head = HeadKind::ScaledByNinth;
    WhiteningBiasInit whiteningBias = WhiteningBiasInit::Zero;
    LrSchedule schedule = LrSchedule::WarmupThenFloor;
    OptimizerKind optimizer = OptimizerKind::NesterovSgd;
    bool proxyFiltering = false;
    int numClasses = 10;
    // Every number.
    Hyperparameters hyp;
};

// The main network of a recipe, at its width multiplier.
NetworkSpec networkOf(const Recipe& recipe);
// The loader augmentation of a recipe's table.
Augmentation augmentationOf(const Hyperparameters& table);

// Every recipe, in the order the seed's table lists them.
const std::vector<Recipe>& recipes();
// Throws airbench::Error listing the known names when `name` is unknown. (A string_view, so that
// findRecipe("airbench94") binds no temporary string: the result refers to the registry.)
const Recipe& findRecipe(std::string_view name);
std::vector<std::string> recipeNames();

// `recipe` with `overrides` (knob key -> value, knobs.h's KnobValues) applied to its table. Throws
// airbench::Error for a key that is no knob of this recipe's table, and (validateRecipe) for a
// value out of range.
Recipe resolveRecipe(const Recipe& recipe, const std::map<std::string, double>& overrides);
// Throws airbench::Error naming the first knob whose value is out of its range, or a combination
// the recipe cannot train (a proxy keeping no example of a batch).
void validateRecipe(const Recipe& recipe);

}  // namespace airbench
