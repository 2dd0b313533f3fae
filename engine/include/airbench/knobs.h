#pragma once
// Every knob of a run, defined once. A knob is a number (or a flag, or a choice) that a user can
// set: a hyperparameter of a recipe's table (the learning rate, the epochs, the proxy's widths)
// or a setting of how runs are carried out (the seed, the device, compiled mode). The CLI's
// options, the GUI's form, the settings file, the run-configuration JSON and its schema, the
// history's group labels, experiment files and validation are all generated from this table,
// so that a knob is added, renamed or re-ranged in one place (engine/src/recipes/knobs.cpp).

#include <airbench/recipe.h>
#include <airbench/run_options.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace airbench {

enum class KnobType {
    Real,
    Integer,
    Flag,    // 0 or 1
    Choice,  // an index into Knob::choices
};

// Which recipes a knob changes anything in. A knob outside its scope is not part of that
// recipe's table: it is neither shown, nor recorded, nor accepted as an override.
enum class KnobScope {
    AllRecipes,
    SgdRecipes,     // Nesterov SGD in airbench's decoupled units (airbench94, 95, 96, 96_faster)
    FloorSchedule,  // the warm-up-then-floor schedule (airbench94, 95)
    MuonRecipes,    // Muon for the filters, SGD for the rest (airbench94_muon)
    ProxyRecipes,   // proxy-based data filtering (airbench96_faster)
    RunSetting,     // how the runs are carried out, whatever the recipe (seed, device, ...)
};

struct Knob {
    std::string_view key;      // JSON, settings and experiment-file key: "learning_rate"
    std::string_view flag;     // CLI option: "--lr" (Flag knobs also get "--no-...")
    std::string_view label;    // GUI label: "Learning rate"
    std::string_view unit;     // "per 1024 examples", "epochs", ""
    std::string_view help;     // one sentence: CLI help and GUI tooltip
    std::string_view section;  // GUI group: "Schedule", "Optimizer", "Network", ...
    KnobType type = KnobType::Real;
    double min = 0, max = 0;  // inclusive; values outside are refused
    double step = 1;          // the GUI's spin-box step
    KnobScope scope = KnobScope::AllRecipes;
    std::vector<std::string_view> choices;  // Choice knobs: the names, in index order

    bool isRunSetting() const { return scope == KnobScope::RunSetting; }
    // "1024", "0.0153", "true", "cuda": how the CLI, the GUI's log and group labels show a value.
    std::string format(double value) const;
    // Parses a value as typed on a command line or in a file ("on", "cuda", "9.9"); throws
    // airbench::Error naming the knob and what it accepts.
    double parse(std::string_view text) const;
    // Throws airbench::Error naming the knob and its range when `value` is not one of its values.
    void check(double value) const;
    // "a number in [0.01, 1000]", "an integer in [1, 65536]", "on or off", "auto, cpu or cuda".
    std::string describeRange() const;
};

// Values by knob key: overrides of a recipe's table, or a whole table.
using KnobValues = std::map<std::string, double>;

// The whole table, hyperparameters first, in the order the GUI's form and the CLI's help show
// them.
const std::vector<Knob>& knobs();
// Throws airbench::Error listing the keys when `key` is unknown.
const Knob& findKnob(std::string_view key);
// nullptr when no knob has this key.
const Knob* knobOrNull(std::string_view key);
bool knobApplies(const Knob& knob, const Recipe& recipe);
// The hyperparameter knobs of `recipe`'s table, in table order.
std::vector<const Knob*> recipeKnobs(const Recipe& recipe);
// The run-setting knobs, in table order.
std::vector<const Knob*> runKnobs();

// A hyperparameter knob's value in a recipe's table, and setting it (unchecked).
double knobValue(const Knob& knob, const Hyperparameters& table);
void setKnobValue(const Knob& knob, Hyperparameters& table, double value);
// A run-setting knob's value, and setting it (unchecked).
double knobValue(const Knob& knob, const RunOptions& options);
void setKnobValue(const Knob& knob, RunOptions& options, double value);

// Every hyperparameter of `recipe`'s table by key.
KnobValues tableValues(const Recipe& recipe);
// The values of `resolved` that differ from `base`'s table (what a user changed).
KnobValues overridesOf(const Recipe& resolved, const Recipe& base);
// "epochs=2, width=0.125" in table order; empty when there is none.
std::string describeOverrides(const KnobValues& overrides);

}  // namespace airbench
