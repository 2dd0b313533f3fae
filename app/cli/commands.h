#pragma once
// Each subcommand registers itself on the app and returns the action main() runs when it was
// chosen. An action returns the process exit code; it throws airbench::Error for failures.

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace airbench::cli {

using Action = std::function<int()>;

struct Command {
    CLI::App* app;
    Action run;
};

Command addDataInfoCommand(CLI::App& data);
#ifdef AIRBENCH_WITH_DATAIO
// `data get cifar10` and `data import` (data_io_commands.cpp).
std::vector<Command> addDataIoCommands(CLI::App& data);
#endif
Command addRecipesCommand(CLI::App& app);
// `config schema`, `config knobs` (config_command.cpp).
std::vector<Command> addConfigCommands(CLI::App& app);
// `experiment new|run|worker|submit|resubmit|status|cancel|collect|report`
// (experiment_commands.cpp).
std::vector<Command> addExperimentCommands(CLI::App& app);
Command addTrainCommand(CLI::App& app);
Command addBenchCommand(CLI::App& app);
Command addBenchLoaderCommand(CLI::App& app);
Command addScoreCommand(CLI::App& app);
Command addSelectCommand(CLI::App& app);
Command addSelftestCommand(CLI::App& app);
// `evaluate`: a saved network on a dataset (evaluate_command.cpp).
Command addEvaluateCommand(CLI::App& app);
// `runs`: the run history (runs_command.cpp).
Command addRunsCommand(CLI::App& app);

}  // namespace airbench::cli
