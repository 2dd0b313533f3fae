#include "cli_common.h"

#include <airbench/error.h>
#include <airbench/knobs.h>
#include <airbench/paths.h>

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace airbench::cli {
namespace {

std::atomic<int> gInterrupts{0};

void onInterrupt(int) {
    if (gInterrupts.fetch_add(1) >= 1) {
        std::signal(SIGINT, SIG_DFL);
        std::raise(SIGINT);
    }
    static const char kMessage[] = "\ninterrupt: stopping after the current step (again to kill)\n";
    (void)!write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
}

}  // namespace

void addDataOptions(CLI::App& command, DataOptions& options, bool subsets) {
    command.add_option("--data", options.path,
                       "Dataset folder (CIFAR-10 binary batches or Fashion-MNIST IDX files); "
                       "default: $AIRBENCH_DATA, then ~/.local/share/airbench-workbench/cifar10, "
                       "then /usr/share/datasets/fashion-mnist");
    command.add_option("--dataset", options.format, "Dataset format")
        ->check(CLI::IsMember({"auto", "cifar10", "fashion-mnist"}))
        ->capture_default_str();
    if (subsets) {
        command
            .add_option("--train-subset", options.trainSubset,
                        "Use only the first N training examples")
            ->check(CLI::PositiveNumber);
        command
            .add_option("--test-subset", options.testSubset, "Use only the first N test examples")
            ->check(CLI::PositiveNumber);
    }
}

Dataset loadData(const DataOptions& options, bool quiet) {
    std::string path = options.path;
    if (path.empty()) {
        path = findDefaultDataset();
        if (path.empty()) {
            std::string tried;
            for (const auto& c : defaultDatasetCandidates()) {
                tried += "\n  " + c;
            }
            throw DatasetError(
                "no dataset given (--data DIR) and none found in the default "
                "places:" +
                tried);
        }
    }
    const auto start = std::chrono::steady_clock::now();
    Dataset dataset = loadDataset(path, parseDatasetFormat(options.format));
    dataset = takeSubsets(std::move(dataset), options.trainSubset, options.testSubset);
    if (!quiet) {
        printDataLine(
            dataset,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return dataset;
}

void applyDataOptions(const DataOptions& options, const CLI::App& command,
                      DataSelection& selection) {
    if (command.count("--data") > 0) {
        selection.path = options.path;
    }
    if (command.count("--dataset") > 0) {
        selection.format = parseDatasetFormat(options.format);
    }
    if (command.count("--train-subset") > 0) {
        selection.trainSubset = options.trainSubset;
    }
    if (command.count("--test-subset") > 0) {
        selection.testSubset = options.testSubset;
    }
}

void printDataLine(const Dataset& dataset, double seconds) {
    std::fprintf(stderr, "data: %s from %s (%lld train, %lld test)", dataset.name.c_str(),
                 dataset.path.c_str(), static_cast<long long>(dataset.train.size()),
                 static_cast<long long>(dataset.test.size()));
    if (seconds > 0) {
        std::fprintf(stderr, " in %.1f s", seconds);
    }
    std::fprintf(stderr, "\n");
    if (!dataset.normalizationNote.empty()) {
        std::fprintf(stderr, "data: %s\n", dataset.normalizationNote.c_str());
    }
}

void addDeviceOptions(CLI::App& command, DeviceOptions& options) {
    for (const char* key : {"device", "threads"}) {
        const Knob* knob = &findKnob(key);
        command
            .add_option_function<std::string>(
                std::string(knob->flag),
                [knob, &options](const std::string& text) {
                    try {
                        setKnobValue(*knob, options.run, knob->parse(text));
                    } catch (const Error& e) {
                        throw CLI::ValidationError(std::string(knob->flag), e.what());
                    }
                },
                std::string(knob->help) + "; " + knob->describeRange())
            ->group("Run settings");
    }
}

Device setUpDevice(const DeviceOptions& options) {
    setCpuThreads(options.run.threads);
    return resolveDevice(options.run.device);
}

void installInterruptHandler() {
    std::signal(SIGINT, onInterrupt);
}
bool interrupted() {
    return gInterrupts.load() > 0;
}

void writeJsonFile(const std::string& path, const nlohmann::json& value) {
    // Write next to the target, then rename: a crash never leaves half a file behind.
    const std::string temporary = path + ".partial";
    {
        std::ofstream out(temporary);
        if (!out) {
            throw Error("cannot write '" + path + "'");
        }
        out << value.dump(2) << '\n';
        if (!out) {
            throw Error("failed writing '" + path + "'");
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw Error("cannot write '" + path + "'");
    }
}

nlohmann::json number(double value) {
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

std::string formatSeconds(double seconds) {
    char text[64];
    if (seconds < 120) {
        std::snprintf(text, sizeof text, "%.1f s", seconds);
    } else if (seconds < 7200) {
        std::snprintf(text, sizeof text, "%.1f min", seconds / 60);
    } else {
        std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
    }
    return text;
}

}  // namespace airbench::cli
