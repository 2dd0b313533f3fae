// airbench data info: what a dataset folder holds.

#include <airbench/dataset.h>

#include "cli_common.h"
#include "commands.h"

#include <cstdio>
#include <memory>

namespace airbench::cli {
namespace {

struct DataInfoOptions {
    DataOptions data;
    bool json = false;
};

nlohmann::json splitJson(const ImageSet& split, int classes) {
    const ChannelStats stats = computeChannelStats(split);
    return {{"examples", split.size()},
            {"per_class", classCounts(split, classes)},
            {"pixel_mean", stats.mean},
            {"pixel_std", stats.std}};
}

int runDataInfo(const DataInfoOptions& o) {
    const Dataset d = loadData(o.data, o.json);
    const int classes = d.numClasses();
    if (o.json) {
        nlohmann::json j = {{"name", d.name},
                            {"format", formatName(d.format)},
                            {"path", d.path},
                            {"hash", d.hash},
                            {"classes", d.classNames},
                            {"train", splitJson(d.train, classes)},
                            {"test", splitJson(d.test, classes)}};
        std::printf("%s\n", j.dump(2).c_str());
        return 0;
    }
    std::printf("%s (%s) at %s\nhash %s\n\n", d.name.c_str(), formatName(d.format).c_str(),
                d.path.c_str(), d.hash.c_str());
    const auto trainCounts = classCounts(d.train, classes);
    const auto testCounts = classCounts(d.test, classes);
    std::printf("%-4s %-14s %8s %8s\n", "#", "class", "train", "test");
    for (int c = 0; c < classes; ++c) {
        std::printf("%-4d %-14s %8lld %8lld\n", c, d.classNames[static_cast<size_t>(c)].c_str(),
                    static_cast<long long>(trainCounts[static_cast<size_t>(c)]),
                    static_cast<long long>(testCounts[static_cast<size_t>(c)]));
    }
    std::printf("%-4s %-14s %8lld %8lld\n\n", "", "total", static_cast<long long>(d.train.size()),
                static_cast<long long>(d.test.size()));
    const ChannelStats train = computeChannelStats(d.train), test = computeChannelStats(d.test);
    std::printf("%-8s %11s %10s %11s %10s\n", "channel", "train mean", "train std", "test mean",
                "test std");
    const char* names[3] = {"R", "G", "B"};
    for (int c = 0; c < 3; ++c) {
        std::printf("%-8s %11.3f %10.3f %11.3f %10.3f\n", names[c], train.mean[c], train.std[c],
                    test.mean[c], test.std[c]);
    }
    return 0;
}

}  // namespace

Command addDataInfoCommand(CLI::App& data) {
    auto options = std::make_shared<DataInfoOptions>();
    CLI::App* info = data.add_subcommand(
        "info", "Counts per split and class, pixel mean/std per channel (0..255), content hash");
    addDataOptions(*info, options->data);
    info->add_flag("--json", options->json, "Print JSON instead of tables");
    return {info, [options] { return runDataInfo(*options); }};
}

}  // namespace airbench::cli
