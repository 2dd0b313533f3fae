#include <airbench/history_types.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace airbench::history {
namespace {

constexpr const char* kStatusNames[] = {"running", "finished", "cancelled", "failed",
                                        "interrupted"};
constexpr const char* kArtifactKinds[] = {"checkpoint", "scores", "mask", "report", "other"};

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::string statusName(RunStatus status) {
    return kStatusNames[static_cast<int>(status)];
}

RunStatus parseStatus(const std::string& name) {
    for (int i = 0; i < 5; ++i) {
        if (name == kStatusNames[i]) {
            return static_cast<RunStatus>(i);
        }
    }
    throw HistoryError("unknown run status '" + name +
                       "' (running, finished, cancelled, failed or interrupted)");
}

void checkArtifactKind(const std::string& kind) {
    for (const char* k : kArtifactKinds) {
        if (kind == k) {
            return;
        }
    }
    throw HistoryError("unknown artifact kind '" + kind +
                       "' (checkpoint, scores, mask, report or other)");
}

std::vector<std::string> normalizeTags(const std::vector<std::string>& tags) {
    std::vector<std::string> out;
    for (const std::string& raw : tags) {
        const std::string tag = trim(raw);
        // Commas separate tags in the stored column; line breaks would break tables and CSV.
        if (tag.empty() || tag.find_first_of(",\n\r") != std::string::npos) {
            throw HistoryError("invalid tag '" + raw + "': tags are non-empty and hold no comma");
        }
        out.push_back(tag);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string configGroupKey(const std::string& configJson) {
    nlohmann::json config = nlohmann::json::parse(configJson, nullptr, /*allow_exceptions=*/false);
    if (!config.is_object()) {
        return configJson;
    }
    // The seed is what varies inside a group; the run count belongs to the command, not the run.
    config.erase("seed");
    config.erase("runs");
    // Data and masks are identified by their content hashes: the folder or file they were read
    // from, and a mask's name (the user's), do not make another configuration (the GUI's masks
    // have no file; the CLI's do). A dataset's name comes from its format and stays.
    for (const char* part : {"dataset", "mask"}) {
        const auto it = config.find(part);
        if (it != config.end() && it->is_object()) {
            it->erase("path");
            if (std::string(part) == "mask") {
                it->erase("name");
            }
        }
    }
    return config.dump();  // nlohmann's objects are sorted maps: the dump is canonical
}

std::string currentTimestamp() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t seconds = system_clock::to_time_t(now);
    const int millis =
        static_cast<int>(duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
    return text;
}

std::string historyLibraryVersion() {
    return AIRBENCH_VERSION;
}

}  // namespace airbench::history
