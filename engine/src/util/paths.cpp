#include <airbench/dataset.h>
#include <airbench/paths.h>

#include <cstdlib>
#include <filesystem>

namespace airbench {

std::string userDataDirectory() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    std::filesystem::path base;
    if (xdg && *xdg) {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        base = std::filesystem::path(home && *home ? home : ".") / ".local" / "share";
    }
    return (base / "airbench-workbench").string();
}

std::vector<std::string> defaultDatasetCandidates() {
    std::vector<std::string> out;
    if (const char* env = std::getenv("AIRBENCH_DATA"); env && *env) {
        out.emplace_back(env);
    }
    out.push_back((std::filesystem::path(userDataDirectory()) / "cifar10").string());
    out.emplace_back("/usr/share/datasets/fashion-mnist");
    return out;
}

std::string findDefaultDataset() {
    for (const std::string& candidate : defaultDatasetCandidates()) {
        if (detectDatasetFormat(candidate) != DatasetFormat::Auto) {
            return candidate;
        }
    }
    return {};
}

}  // namespace airbench
