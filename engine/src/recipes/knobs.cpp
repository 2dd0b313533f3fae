// The knob table (airbench/knobs.h): every hyperparameter and run setting, once. To add a knob:
// a field in Hyperparameters or RunOptions, one row below, and its value in the recipes whose
// scope it is in. Everything else (CLI options, the GUI's form, JSON, the schema, validation)
// follows from the row.

#include <airbench/error.h>
#include <airbench/knobs.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <variant>

namespace airbench {
namespace {

// Where a knob's value lives.
template <typename Owner>
struct WidthField {
    std::array<int, 3> Owner::*array;
    size_t index;
};
using Field =
    std::variant<double Hyperparameters::*, int Hyperparameters::*, bool Hyperparameters::*,
                 WidthField<Hyperparameters>, uint64_t RunOptions::*, int RunOptions::*,
                 bool RunOptions::*, DeviceRequest RunOptions::*, WarmupMode RunOptions::*>;

struct Row {
    Knob knob;
    Field field;
};

using H = Hyperparameters;
using R = RunOptions;
using T = KnobType;
using S = KnobScope;

constexpr double kMaxSeed = 2147483647.0;  // what every front end can show (a Qt spin box's int)

const std::vector<Row>& rows() {
    static const std::vector<Row> table = {
        // ---- Schedule
        {{"epochs",
          "--epochs",
          "Epochs",
          "epochs",
          "Training length; fractional: the last epoch is cut short",
          "Schedule",
          T::Real,
          1e-4,  // one step of 50,000 examples at batch 8: `bench --steps` times single steps
          1000,
          1,
          S::AllRecipes,
          {}},
         &H::epochs},
        {{"batch_size",
          "--batch-size",
          "Batch size",
          "examples",
          "Examples per optimizer step",
          "Schedule",
          T::Integer,
          1,
          65536,
          128,
          S::AllRecipes,
          {}},
         &H::batchSize},
        {{"warmup_fraction",
          "--warmup-fraction",
          "LR warm-up",
          "of all steps",
          "Share of the steps over which the learning rate rises from 0.2 to 1 times its value",
          "Schedule",
          T::Real,
          0,
          0.99,
          0.01,
          S::SgdRecipes,
          {}},
         &H::warmupFraction},
        {{"lr_floor",
          "--lr-floor",
          "Final LR factor",
          "",
          "Learning-rate multiplier the schedule decays to by the last step",
          "Schedule",
          T::Real,
          0,
          1,
          0.01,
          S::FloorSchedule,
          {}},
         &H::lrFloor},
        // ---- Optimizer
        {{"learning_rate",
          "--lr",
          "Learning rate",
          "",
          "SGD recipes: per 1024 examples, in airbench's decoupled units; Muon recipes: Muon's "
          "rate",
          "Optimizer",
          T::Real,
          1e-9,
          1e20,
          0.1,
          S::AllRecipes,
          {}},
         &H::learningRate},
        {{"weight_decay",
          "--weight-decay",
          "Weight decay",
          "per 1024 examples",
          "Decoupled weight decay (Muon recipes: of the SGD side)",
          "Optimizer",
          T::Real,
          0,
          10,
          0.001,
          S::AllRecipes,
          {}},
         &H::weightDecay},
        {{"momentum",
          "--momentum",
          "Momentum",
          "",
          "Nesterov momentum (Muon recipes: Muon's momentum)",
          "Optimizer",
          T::Real,
          0,
          0.999,
          0.05,
          S::AllRecipes,
          {}},
         &H::momentum},
        {{"label_smoothing",
          "--label-smoothing",
          "Label smoothing",
          "",
          "Label smoothing of the training loss",
          "Optimizer",
          T::Real,
          0,
          0.99,
          0.05,
          S::AllRecipes,
          {}},
         &H::labelSmoothing},
        {{"whitening_bias_epochs",
          "--whiten-bias-epochs",
          "Whitening bias epochs",
          "epochs",
          "The whitening layer's bias trains this long, then freezes; negative: the whole run",
          "Optimizer",
          T::Real,
          -1,
          1000,
          1,
          S::AllRecipes,
          {}},
         &H::whiteningBiasEpochs},
        {{"bias_scaler",
          "--bias-scaler",
          "Bias LR scale",
          "",
          "BatchNorm biases learn this many times faster (their weight decay stays)",
          "Optimizer",
          T::Real,
          0,
          10000,
          1,
          S::SgdRecipes,
          {}},
         &H::biasScaler},
        {{"lookahead",
          "--lookahead",
          "Lookahead",
          "",
          "Pull the weights toward a slow moving average every 5 steps; the average at the end",
          "Optimizer",
          T::Flag,
          0,
          1,
          1,
          S::SgdRecipes,
          {}},
         &H::lookahead},
        {{"whitening_bias_lr",
          "--whiten-bias-lr",
          "Whitening bias LR",
          "",
          "SGD learning rate of the whitening layer's bias",
          "Optimizer",
          T::Real,
          0,
          100,
          0.01,
          S::MuonRecipes,
          {}},
         &H::whiteningBiasLr},
        {{"batchnorm_bias_lr",
          "--batchnorm-bias-lr",
          "BatchNorm bias LR",
          "",
          "SGD learning rate of the BatchNorm biases",
          "Optimizer",
          T::Real,
          0,
          100,
          0.01,
          S::MuonRecipes,
          {}},
         &H::batchNormBiasLr},
        {{"head_lr",
          "--head-lr",
          "Head LR",
          "",
          "SGD learning rate of the classifier head",
          "Optimizer",
          T::Real,
          0,
          100,
          0.01,
          S::MuonRecipes,
          {}},
         &H::headLr},
        {{"sgd_momentum",
          "--sgd-momentum",
          "SGD momentum",
          "",
          "Nesterov momentum of the SGD side (biases and head)",
          "Optimizer",
          T::Real,
          0,
          0.999,
          0.05,
          S::MuonRecipes,
          {}},
         &H::sgdMomentum},
        // ---- Network
        {{"width_multiplier",
          "--width",
          "Width multiplier",
          "",
          "Multiplies every block's width (0.125-0.25 for quick CPU runs)",
          "Network",
          T::Real,
          0.01,
          8,
          0.125,
          S::AllRecipes,
          {}},
         &H::widthMultiplier},
        {{"block1_width",
          "--block1-width",
          "Block 1 width",
          "channels",
          "Channels of the first conv group (before the width multiplier)",
          "Network",
          T::Integer,
          1,
          4096,
          16,
          S::AllRecipes,
          {}},
         WidthField<H>{&H::widths, 0}},
        {{"block2_width",
          "--block2-width",
          "Block 2 width",
          "channels",
          "Channels of the second conv group (before the width multiplier)",
          "Network",
          T::Integer,
          1,
          4096,
          16,
          S::AllRecipes,
          {}},
         WidthField<H>{&H::widths, 1}},
        {{"block3_width",
          "--block3-width",
          "Block 3 width",
          "channels",
          "Channels of the third conv group (before the width multiplier)",
          "Network",
          T::Integer,
          1,
          4096,
          16,
          S::AllRecipes,
          {}},
         WidthField<H>{&H::widths, 2}},
        {{"batchnorm_momentum",
          "--batchnorm-momentum",
          "BatchNorm momentum",
          "",
          "Share of the running statistics kept at each step (the reference's convention; "
          "PyTorch's momentum is 1 minus this)",
          "Network",
          T::Real,
          0,
          1,
          0.05,
          S::AllRecipes,
          {}},
         &H::batchNormMomentum},
        {{"batchnorm_eps",
          "--batchnorm-eps",
          "BatchNorm epsilon",
          "",
          "Added to the batch variance before its square root",
          "Network",
          T::Real,
          0,
          1,
          1e-6,
          S::AllRecipes,
          {}},
         &H::batchNormEps},
        // ---- Augmentation
        {{"flip",
          "--flip",
          "Flip",
          "",
          "Mirror training images left-right",
          "Augmentation",
          T::Flag,
          0,
          1,
          1,
          S::AllRecipes,
          {}},
         &H::flip},
        {{"alternating_flip",
          "--alternating-flip",
          "Alternating flip",
          "",
          "A random flip on the first epoch, then every image flipped on odd epochs (instead of "
          "a fresh random flip every epoch)",
          "Augmentation",
          T::Flag,
          0,
          1,
          1,
          S::AllRecipes,
          {}},
         &H::alternatingFlip},
        {{"translate",
          "--translate",
          "Translate",
          "pixels",
          "Random crops of the reflect-padded image move by up to this much",
          "Augmentation",
          T::Integer,
          0,
          8,
          1,
          S::AllRecipes,
          {}},
         &H::translate},
        {{"cutout",
          "--cutout",
          "Cutout",
          "pixels",
          "Side of a random square zeroed; 0: none",
          "Augmentation",
          T::Integer,
          0,
          32,
          1,
          S::AllRecipes,
          {}},
         &H::cutout},
        // ---- Evaluation
        {{"tta_level",
          "--tta",
          "TTA level",
          "",
          "Test-time augmentation of the final evaluation: 0 none, 1 mirror, 2 mirror and "
          "one-pixel shifts",
          "Evaluation",
          T::Integer,
          0,
          2,
          1,
          S::AllRecipes,
          {}},
         &H::ttaLevel},
        // ---- Proxy (airbench96_faster)
        {{"proxy_update_every",
          "--proxy-update-every",
          "Proxy update interval",
          "steps",
          "The proxy network backpropagates on every k-th step only",
          "Proxy",
          T::Integer,
          1,
          1000,
          1,
          S::ProxyRecipes,
          {}},
         &H::proxyUpdateEvery},
        {{"proxy_keep_fraction",
          "--proxy-keep",
          "Kept per batch",
          "",
          "Share of each batch, the proxy's highest losses, that the main network trains on",
          "Proxy",
          T::Real,
          0.001,
          1,
          0.05,
          S::ProxyRecipes,
          {}},
         &H::proxyKeepFraction},
        {{"proxy_block1_width",
          "--proxy-block1-width",
          "Proxy block 1 width",
          "channels",
          "Channels of the proxy's first conv group (before the width multiplier)",
          "Proxy",
          T::Integer,
          1,
          4096,
          16,
          S::ProxyRecipes,
          {}},
         WidthField<H>{&H::proxyWidths, 0}},
        {{"proxy_block2_width",
          "--proxy-block2-width",
          "Proxy block 2 width",
          "channels",
          "Channels of the proxy's second conv group (before the width multiplier)",
          "Proxy",
          T::Integer,
          1,
          4096,
          16,
          S::ProxyRecipes,
          {}},
         WidthField<H>{&H::proxyWidths, 1}},
        {{"proxy_block3_width",
          "--proxy-block3-width",
          "Proxy block 3 width",
          "channels",
          "Channels of the proxy's third conv group (before the width multiplier)",
          "Proxy",
          T::Integer,
          1,
          4096,
          16,
          S::ProxyRecipes,
          {}},
         WidthField<H>{&H::proxyWidths, 2}},
        {{"proxy_batchnorm_momentum",
          "--proxy-batchnorm-momentum",
          "Proxy BatchNorm momentum",
          "",
          "The proxy's BatchNorm momentum, in the reference's convention",
          "Proxy",
          T::Real,
          0,
          1,
          0.05,
          S::ProxyRecipes,
          {}},
         &H::proxyBatchNormMomentum},
        // ---- Run settings
        {{"seed",
          "--seed",
          "Seed",
          "",
          "Seed of the first run; run k uses seed + k",
          "Run",
          T::Integer,
          0,
          kMaxSeed,
          1,
          S::RunSetting,
          {}},
         &R::seed},
        {{"runs",
          "--runs",
          "Runs",
          "",
          "Seeded runs in a row; several give a mean and a confidence interval",
          "Run",
          T::Integer,
          1,
          100000,
          1,
          S::RunSetting,
          {}},
         &R::runs},
        {{"device",
          "--device",
          "Device",
          "",
          "Where to compute; auto: CUDA when available",
          "Run",
          T::Choice,
          0,
          2,
          1,
          S::RunSetting,
          {"auto", "cpu", "cuda"}},
         &R::device},
        {{"threads",
          "--threads",
          "CPU threads",
          "",
          "LibTorch's CPU threads; 0: $OMP_NUM_THREADS when set, else every core",
          "Run",
          T::Integer,
          0,
          1024,
          1,
          S::RunSetting,
          {}},
         &R::threads},
        {{"compiled",
          "--compiled",
          "Compiled (CUDA graph)",
          "",
          "Capture the training step in a CUDA graph; elsewhere the run says so and runs eagerly",
          "Run",
          T::Flag,
          0,
          1,
          1,
          S::RunSetting,
          {}},
         &R::compiled},
        {{"fused_norm",
          "--fused-norm",
          "Fused BatchNorm + GELU",
          "",
          "Each BatchNorm + GELU as one CUDA operation: the same results, fewer passes over "
          "memory (CUDA builds with kernels; elsewhere the usual operations)",
          "Run",
          T::Flag,
          0,
          1,
          1,
          S::RunSetting,
          {}},
         &R::fusedNormActivation},
        {{"compact_pool",
          "--compact-pool",
          "Compact max pooling",
          "",
          "2x2 max pooling with one-byte instead of int64 indices: the same results, less "
          "memory traffic (CUDA builds with kernels; elsewhere max_pool2d)",
          "Run",
          T::Flag,
          0,
          1,
          1,
          S::RunSetting,
          {}},
         &R::compactPooling},
        {{"warmup",
          "--warmup",
          "Warm-up",
          "",
          "Untimed steps on random labels before the first run (cuDNN's algorithm search); "
          "auto: on CUDA only",
          "Run",
          T::Choice,
          0,
          2,
          1,
          S::RunSetting,
          {"auto", "on", "off"}},
         &R::warmup},
    };
    return table;
}

const Row& rowOf(const Knob& knob) {
    for (const Row& row : rows()) {
        if (row.knob.key == knob.key) {
            return row;
        }
    }
    throw Error("unknown knob '" + std::string(knob.key) + "'");
}

template <typename F, typename Owner>
struct IsMemberOf : std::false_type {};
template <typename V, typename Owner>
struct IsMemberOf<V Owner::*, Owner> : std::true_type {};

template <typename V>
double toDouble(V value) {
    if constexpr (std::is_enum_v<V>) {
        return double(static_cast<int>(value));
    } else {
        return double(value);
    }
}

template <typename V>
V fromDouble(double value) {
    if constexpr (std::is_enum_v<V>) {
        return static_cast<V>(static_cast<int>(std::lround(value)));
    } else if constexpr (std::is_same_v<V, bool>) {
        return value != 0;
    } else if constexpr (std::is_integral_v<V>) {
        return static_cast<V>(std::llround(value));
    } else {
        return value;
    }
}

Error notOfThisTable(const Knob& knob) {
    return Error("knob '" + std::string(knob.key) + "' is " +
                 (knob.isRunSetting() ? "a run setting" : "a hyperparameter") +
                 ", not part of this table");
}

template <typename Owner>
double readField(const Knob& knob, const Owner& owner) {
    return std::visit(
        [&](const auto& f) -> double {
            using F = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<F, WidthField<Owner>>) {
                return double((owner.*f.array)[f.index]);
            } else if constexpr (IsMemberOf<F, Owner>::value) {
                return toDouble(owner.*f);
            } else {
                throw notOfThisTable(knob);
            }
        },
        rowOf(knob).field);
}

template <typename Owner>
void writeField(const Knob& knob, Owner& owner, double value) {
    std::visit(
        [&](const auto& f) {
            using F = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<F, WidthField<Owner>>) {
                (owner.*f.array)[f.index] = fromDouble<int>(value);
            } else if constexpr (IsMemberOf<F, Owner>::value) {
                using V = std::decay_t<decltype(owner.*f)>;
                owner.*f = fromDouble<V>(value);
            } else {
                throw notOfThisTable(knob);
            }
        },
        rowOf(knob).field);
}

std::string shortest(double value) {
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, value);
    return std::string(text, result.ptr);
}

}  // namespace

const std::vector<Knob>& knobs() {
    static const std::vector<Knob> all = [] {
        std::vector<Knob> list;
        for (const Row& row : rows()) {
            list.push_back(row.knob);
        }
        return list;
    }();
    return all;
}

const Knob* knobOrNull(std::string_view key) {
    for (const Knob& knob : knobs()) {
        if (knob.key == key) {
            return &knob;
        }
    }
    return nullptr;
}

const Knob& findKnob(std::string_view key) {
    if (const Knob* knob = knobOrNull(key)) {
        return *knob;
    }
    std::string known;
    for (const Knob& knob : knobs()) {
        known += (known.empty() ? "" : ", ") + std::string(knob.key);
    }
    throw Error("unknown setting '" + std::string(key) + "' (known: " + known + ")");
}

bool knobApplies(const Knob& knob, const Recipe& recipe) {
    switch (knob.scope) {
        case KnobScope::AllRecipes:
        case KnobScope::RunSetting:
            return true;
        case KnobScope::SgdRecipes:
            return recipe.optimizer == OptimizerKind::NesterovSgd;
        case KnobScope::FloorSchedule:
            return recipe.schedule == LrSchedule::WarmupThenFloor;
        case KnobScope::MuonRecipes:
            return recipe.optimizer == OptimizerKind::Muon;
        case KnobScope::ProxyRecipes:
            return recipe.proxyFiltering;
    }
    return false;
}

std::vector<const Knob*> recipeKnobs(const Recipe& recipe) {
    std::vector<const Knob*> list;
    for (const Knob& knob : knobs()) {
        if (!knob.isRunSetting() && knobApplies(knob, recipe)) {
            list.push_back(&knob);
        }
    }
    return list;
}

std::vector<const Knob*> runKnobs() {
    std::vector<const Knob*> list;
    for (const Knob& knob : knobs()) {
        if (knob.isRunSetting()) {
            list.push_back(&knob);
        }
    }
    return list;
}

double knobValue(const Knob& knob, const Hyperparameters& table) {
    return readField(knob, table);
}
void setKnobValue(const Knob& knob, Hyperparameters& table, double value) {
    writeField(knob, table, value);
}
double knobValue(const Knob& knob, const RunOptions& options) {
    return readField(knob, options);
}
void setKnobValue(const Knob& knob, RunOptions& options, double value) {
    writeField(knob, options, value);
}

std::string Knob::format(double value) const {
    switch (type) {
        case KnobType::Flag:
            return value != 0 ? "true" : "false";
        case KnobType::Choice: {
            const auto index = static_cast<size_t>(std::lround(value));
            return index < choices.size() ? std::string(choices[index]) : shortest(value);
        }
        case KnobType::Integer:
            return std::to_string(std::llround(value));
        case KnobType::Real:
            break;
    }
    return shortest(value);
}

std::string Knob::describeRange() const {
    switch (type) {
        case KnobType::Flag:
            return "true or false (on/off, yes/no, 1/0)";
        case KnobType::Choice: {
            std::string names;
            for (size_t i = 0; i < choices.size(); ++i) {
                names += (i == 0                    ? ""
                          : i + 1 == choices.size() ? " or "
                                                    : ", ") +
                         std::string(choices[i]);
            }
            return names;
        }
        case KnobType::Integer:
            return "an integer in [" + format(min) + ", " + format(max) + "]";
        case KnobType::Real:
            break;
    }
    return "a number in [" + format(min) + ", " + format(max) + "]";
}

void Knob::check(double value) const {
    bool ok = std::isfinite(value) && value >= min && value <= max;
    if (ok && type != KnobType::Real) {
        ok = value == std::floor(value);
    }
    if (!ok) {
        throw Error(std::string(key) + " must be " + describeRange() + ", got " + shortest(value));
    }
}

double Knob::parse(std::string_view text) const {
    auto refuse = [&]() -> Error {
        return Error(std::string(key) + " must be " + describeRange() + ", got '" +
                     std::string(text) + "'");
    };
    if (type == KnobType::Flag) {
        for (std::string_view yes : {"true", "on", "yes", "1"}) {
            if (text == yes) {
                return 1;
            }
        }
        for (std::string_view no : {"false", "off", "no", "0"}) {
            if (text == no) {
                return 0;
            }
        }
        throw refuse();
    }
    if (type == KnobType::Choice) {
        for (size_t i = 0; i < choices.size(); ++i) {
            if (text == choices[i]) {
                return double(i);
            }
        }
        throw refuse();
    }
    double value = 0;
    const char* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (result.ec != std::errc() || result.ptr != end) {
        throw refuse();
    }
    check(value);
    return value;
}

KnobValues tableValues(const Recipe& recipe) {
    KnobValues values;
    for (const Knob* knob : recipeKnobs(recipe)) {
        values[std::string(knob->key)] = knobValue(*knob, recipe.hyp);
    }
    return values;
}

KnobValues overridesOf(const Recipe& resolved, const Recipe& base) {
    KnobValues changed;
    for (const Knob* knob : recipeKnobs(base)) {
        const double value = knobValue(*knob, resolved.hyp);
        if (value != knobValue(*knob, base.hyp)) {
            changed[std::string(knob->key)] = value;
        }
    }
    return changed;
}

std::string describeOverrides(const KnobValues& overrides) {
    std::string text;
    for (const Knob& knob : knobs()) {
        const auto it = overrides.find(std::string(knob.key));
        if (it != overrides.end()) {
            text +=
                (text.empty() ? "" : ", ") + std::string(knob.key) + "=" + knob.format(it->second);
        }
    }
    return text;
}

Recipe resolveRecipe(const Recipe& recipe, const KnobValues& overrides) {
    Recipe resolved = recipe;
    for (const auto& [key, value] : overrides) {
        const Knob& knob = findKnob(key);
        if (knob.isRunSetting()) {
            throw Error("'" + key + "' is a run setting, not a hyperparameter of a recipe");
        }
        if (!knobApplies(knob, recipe)) {
            throw Error(recipe.name + " has no '" + key + "' (it changes nothing in this recipe)");
        }
        knob.check(value);
        setKnobValue(knob, resolved.hyp, value);
    }
    validateRecipe(resolved);
    return resolved;
}

void validateRecipe(const Recipe& recipe) {
    for (const Knob* knob : recipeKnobs(recipe)) {
        knob->check(knobValue(*knob, recipe.hyp));
    }
    const Hyperparameters& h = recipe.hyp;
    if (recipe.proxyFiltering && std::llround(h.proxyKeepFraction * h.batchSize) < 1) {
        throw Error("proxy_keep_fraction " + shortest(h.proxyKeepFraction) +
                    " keeps no example of a batch of " + std::to_string(h.batchSize));
    }
}

}  // namespace airbench
