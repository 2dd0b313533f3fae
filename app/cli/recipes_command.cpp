// airbench recipes: the registry, with the seed's reported figures.

#include <airbench/recipe.h>
#include <airbench/train.h>

#include "cli_common.h"
#include "commands.h"

#include <cstdio>
#include <memory>

namespace airbench::cli {

Command addRecipesCommand(CLI::App& app) {
    auto json = std::make_shared<bool>(false);
    CLI::App* command = app.add_subcommand("recipes", "List the training recipes");
    command->add_flag("--json", *json, "Print JSON");
    return {command, [json] {
                nlohmann::json list = nlohmann::json::array();
                if (!*json) {
                    std::printf("%-18s %8s %12s %9s %7s %7s  %s\n", "recipe", "ref. acc",
                                "ref. time", "ref. PFLOP", "PFLOP", "epochs", "description");
                }
                for (const Recipe& r : recipes()) {
                    const RunPlan plan = planRun(r, 50000, 10000);
                    if (*json) {
                        list.push_back({{"name", r.name},
                                        {"description", r.description},
                                        {"reference_accuracy", r.reference.accuracy},
                                        {"reference_seconds", r.reference.seconds},
                                        {"reference_card", r.reference.card},
                                        {"reference_pflop", r.reference.pflop},
                                        {"reference_runs", r.reference.runs},
                                        {"epochs", r.hyp.epochs},
                                        {"pflop", plan.totalFlops() / 1e15}});
                    } else {
                        char time[32];
                        std::snprintf(time, sizeof time, "%.2f s %s", r.reference.seconds,
                                      r.reference.card.c_str());
                        std::printf("%-18s %7.2f%% %12s %10.2f %7.2f %7.4g  %s\n", r.name.c_str(),
                                    100 * r.reference.accuracy, time, r.reference.pflop,
                                    plan.totalFlops() / 1e15, r.hyp.epochs, r.description.c_str());
                    }
                }
                if (*json) {
                    std::printf("%s\n", list.dump(2).c_str());
                }
                return 0;
            }};
}

}  // namespace airbench::cli
