#include "knob_options.h"

#include <airbench/error.h>
#include <airbench/knobs.h>

#include <algorithm>

namespace airbench::cli {
namespace {

std::string helpOf(const Knob& knob) {
    std::string help(knob.help);
    if (!knob.unit.empty()) {
        help += " (" + std::string(knob.unit) + ")";
    }
    if (knob.type != KnobType::Flag) {
        help += "; " + knob.describeRange();
    }
    if (!knob.isRunSetting()) {
        help += "; default: the recipe's";
        if (knob.scope != KnobScope::AllRecipes) {
            std::string recipesWithIt;
            for (const Recipe& r : recipes()) {
                if (knobApplies(knob, r)) {
                    recipesWithIt += (recipesWithIt.empty() ? "" : ", ") + r.name;
                }
            }
            help += " (only " + recipesWithIt + ")";
        }
    } else {
        RunOptions defaults;
        help += "; default: " + knob.format(knobValue(knob, defaults));
    }
    return help;
}

}  // namespace

void KnobOptions::add(CLI::App& command, Which which, const std::vector<std::string>& except) {
    for (const Knob& knob : knobs()) {
        const std::string key(knob.key);
        if ((which == Which::Hyperparameters && knob.isRunSetting()) ||
            std::find(except.begin(), except.end(), key) != except.end()) {
            continue;
        }
        const std::string flag(knob.flag);
        const std::string group = knob.isRunSetting() ? "Run settings" : std::string(knob.section);
        CLI::Option* option = nullptr;
        if (knob.type == KnobType::Flag) {
            option = command.add_flag_function(
                flag + ",!--no-" + flag.substr(2),
                [this, key](int64_t count) { given_[key] = count > 0 ? 1 : 0; }, helpOf(knob));
        } else {
            const Knob* k = &knob;
            option = command.add_option_function<std::string>(
                flag,
                [this, key, k](const std::string& text) {
                    try {
                        given_[key] = k->parse(text);
                    } catch (const Error& e) {
                        throw CLI::ValidationError(std::string(k->flag), e.what());
                    }
                },
                helpOf(knob));
            option->type_name(knob.type == KnobType::Choice    ? "CHOICE"
                              : knob.type == KnobType::Integer ? "INT"
                                                               : "NUMBER");
        }
        option->group(group);
    }
}

void KnobOptions::apply(RunConfig& config) const {
    for (const auto& [key, value] : given_) {
        const Knob& knob = findKnob(key);
        if (knob.isRunSetting()) {
            setKnobValue(knob, config.run, value);
        } else {
            config.overrides[key] = value;
        }
    }
    // Names the option, not just the key, when the recipe lacks it.
    const Recipe& recipe = findRecipe(config.recipe);
    for (const auto& [key, value] : config.overrides) {
        const Knob& knob = findKnob(key);
        if (!knobApplies(knob, recipe)) {
            throw Error(std::string(knob.flag) + ": " + recipe.name + " has no " + key +
                        " (it changes nothing in that recipe)");
        }
    }
}

}  // namespace airbench::cli
