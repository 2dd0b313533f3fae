// airbench: the headless command line of Airbench Workbench (same engine as the GUI, no Qt).

#include <airbench/device.h>
#include <airbench/error.h>

#include "cli_common.h"
#include "commands.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
    // OpenMP threads that spin while waiting steal the cores that other threads need; set before
    // LibTorch starts its pool.
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);

    using namespace airbench::cli;
    CLI::App app{"airbench: fast CIFAR-10 training (Airbench Workbench command line)", "airbench"};
    app.set_version_flag("--version",
                         std::string("airbench ") + AIRBENCH_VERSION + " (LibTorch " +
                             airbench::libtorchVersion() +
                             (airbench::libtorchHasCuda() ? ", CUDA" : ", CPU only") +
                             (airbench::networkKernelsAvailable() ? ", fused kernels" : "") + ")");
    app.require_subcommand(1);
    CLI::App* data = app.add_subcommand("data", "Inspect, download and import datasets");
    data->require_subcommand(1);

    std::vector<Command> commands = {
        addDataInfoCommand(*data), addRecipesCommand(app),     addTrainCommand(app),
        addBenchCommand(app),      addBenchLoaderCommand(app), addScoreCommand(app),
        addSelectCommand(app),     addRunsCommand(app),        addSelftestCommand(app),
        addEvaluateCommand(app),
    };
    for (Command& command : addConfigCommands(app)) {
        commands.push_back(std::move(command));
    }
    for (Command& command : addExperimentCommands(app)) {
        commands.push_back(std::move(command));
    }
#ifdef AIRBENCH_WITH_DATAIO
    for (Command& command : addDataIoCommands(*data)) {
        commands.push_back(std::move(command));
    }
#endif

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : kExitUsage;
    }
    installInterruptHandler();
    for (const Command& command : commands) {
        if (command.app->parsed()) {
            try {
                return command.run();
            } catch (const airbench::Error& e) {
                std::fprintf(stderr, "airbench: error: %s\n", e.what());
                return kExitError;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "airbench: internal error: %s\n", e.what());
                return kExitError;
            }
        }
    }
    return kExitUsage;
}
