#pragma once
// What the CLI's subcommands share: dataset options, device options, output helpers, and the
// Ctrl-C handling that turns an interrupt into a clean stop of the current run.

#include <airbench/dataset.h>
#include <airbench/device.h>
#include <airbench/run_config.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace airbench::cli {

// Exit codes: 0 success, 1 a runtime error (bad data, diverged run), 2 bad usage, 130 interrupted.
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;

struct DataOptions {
    std::string path;  // empty: the default dataset (see airbench/paths.h)
    std::string format = "auto";
    int64_t trainSubset = -1;
    int64_t testSubset = -1;
};
void addDataOptions(CLI::App& command, DataOptions& options, bool subsets = true);
// Loads the dataset (reporting what it read on stderr) and applies the subsets.
Dataset loadData(const DataOptions& options, bool quiet = false);
// Sets the fields of `selection` whose options were given on `command` (so that a
// configuration read from a file keeps the rest).
void applyDataOptions(const DataOptions& options, const CLI::App& command,
                      DataSelection& selection);
// "data: CIFAR-10 from PATH (50000 train, 10000 test) in 1.2 s" (and its normalisation note).
void printDataLine(const Dataset& dataset, double seconds);

// The device and threads run settings (knobs.h), for commands that run no run configuration.
struct DeviceOptions {
    RunOptions run;  // only its device and threads
};
void addDeviceOptions(CLI::App& command, DeviceOptions& options);
Device setUpDevice(const DeviceOptions& options);

// Ctrl-C: the first one asks the running job to stop (interrupted() turns true), the second
// kills the process.
void installInterruptHandler();
bool interrupted();

void writeJsonFile(const std::string& path, const nlohmann::json& value);
// NaN -> null, so that the JSON stays valid.
nlohmann::json number(double value);

std::string formatSeconds(double seconds);

}  // namespace airbench::cli
