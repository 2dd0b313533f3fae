// airbench config: the knob table and the run configuration's JSON Schema, for people and scripts.

#include <airbench/knobs.h>
#include <airbench/run_config.h>

#include "cli_common.h"
#include "commands.h"

#include <cstdio>
#include <memory>

namespace airbench::cli {
namespace {

std::string scopeName(KnobScope scope) {
    switch (scope) {
        case KnobScope::AllRecipes:
            return "every recipe";
        case KnobScope::SgdRecipes:
            return "SGD recipes";
        case KnobScope::FloorSchedule:
            return "warm-up-then-floor schedule";
        case KnobScope::MuonRecipes:
            return "Muon recipes";
        case KnobScope::ProxyRecipes:
            return "proxy recipes";
        case KnobScope::RunSetting:
            break;
    }
    return "run setting";
}

struct KnobsOptions {
    std::string recipe;
    bool json = false;
};

int printKnobs(const KnobsOptions& o) {
    const Recipe* recipe = o.recipe.empty() ? nullptr : &findRecipe(o.recipe);
    const RunOptions defaults;
    nlohmann::json list = nlohmann::json::array();
    if (!o.json) {
        std::printf("%-26s %-28s %-12s %-34s %s\n", "key", "option", "value", "range", "scope");
    }
    for (const Knob& knob : knobs()) {
        if (recipe && !knobApplies(knob, *recipe)) {
            continue;
        }
        std::string value;
        if (knob.isRunSetting()) {
            value = knob.format(knobValue(knob, defaults));
        } else if (recipe) {
            value = knob.format(knobValue(knob, recipe->hyp));
        }
        if (o.json) {
            nlohmann::json k = {{"key", knob.key},
                                {"option", knob.flag},
                                {"label", knob.label},
                                {"unit", knob.unit},
                                {"help", knob.help},
                                {"section", knob.section},
                                {"range", knob.describeRange()},
                                {"scope", scopeName(knob.scope)}};
            if (!value.empty()) {
                k["value"] = value;
            }
            list.push_back(k);
        } else {
            std::printf("%-26s %-28s %-12s %-34s %s\n", std::string(knob.key).c_str(),
                        std::string(knob.flag).c_str(), value.c_str(), knob.describeRange().c_str(),
                        scopeName(knob.scope).c_str());
        }
    }
    if (o.json) {
        std::printf("%s\n", list.dump(2).c_str());
    }
    return 0;
}

}  // namespace

std::vector<Command> addConfigCommands(CLI::App& app) {
    CLI::App* config = app.add_subcommand(
        "config", "The knob table and the run configuration's JSON form (`train --config`)");
    config->require_subcommand(1);

    CLI::App* schema =
        config->add_subcommand("schema", "Print the JSON Schema of a run configuration");

    auto knobsOptions = std::make_shared<KnobsOptions>();
    CLI::App* list = config->add_subcommand(
        "knobs", "List every knob: its key (JSON, experiment files), option, range and scope");
    list->add_option("--recipe", knobsOptions->recipe, "Only this recipe's knobs, with its values")
        ->check(CLI::IsMember(recipeNames()));
    list->add_flag("--json", knobsOptions->json, "Print JSON");

    return {{schema,
             [] {
                 std::printf("%s\n", runConfigSchemaJson().c_str());
                 return 0;
             }},
            {list, [knobsOptions] { return printKnobs(*knobsOptions); }}};
}

}  // namespace airbench::cli
