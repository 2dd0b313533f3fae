#include <airbench/error.h>
#include <airbench/slurm_executor.h>
#include <airbench/trial_store.h>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace airbench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::optional<std::string> readFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Json claimJson(const TrialClaim& c) {
    return {{"host", c.host}, {"pid", c.pid}, {"slurm_job", c.slurmJob}, {"started", c.startedAt}};
}

// The Slurm states of an element that may still run its trial.
bool slurmElementLive(const std::string& job) {
    const std::string command = "squeue -h -j '" + job + "' -o %T 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        return true;  // cannot tell: do not take a trial away from a live task
    }
    char line[128];
    bool live = false;
    while (std::fgets(line, sizeof line, pipe)) {
        live = live || slurmStateIsLive(line);
    }
    const int status = pclose(pipe);
    // squeue missing or refusing (no cluster): cannot tell either.
    return live || (status != 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127);
}

}  // namespace

std::string trialStateName(TrialState state) {
    switch (state) {
        case TrialState::Queued:
            return "queued";
        case TrialState::Running:
            return "running";
        case TrialState::Done:
            return "done";
        case TrialState::Failed:
            return "failed";
    }
    return "?";
}

std::string utcTimestamp() {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&t, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string hostName() {
    char name[256] = {};
    gethostname(name, sizeof name - 1);
    return name;
}

TrialStore::TrialStore(std::string directory) : directory_(std::move(directory)) {
    std::error_code error;
    for (const char* folder : {"", "results", "failures", "claims", "logs", "slurm"}) {
        fs::create_directories(fs::path(directory_) / folder, error);
        if (error) {
            throw Error("cannot create the experiment directory " +
                        (fs::path(directory_) / folder).string() + ": " + error.message());
        }
    }
}

std::string TrialStore::path(const char* folder, const std::string& id) const {
    return (fs::path(directory_) / folder / (id + ".json")).string();
}

void TrialStore::writeFileAtomically(const std::string& path, const std::string& text) {
    const std::string temporary = path + ".tmp." + std::to_string(getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        throw Error("cannot write " + path + ": " + std::strerror(errno));
    }
    size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(temporary.c_str());
            throw Error("cannot write " + path + ": " + std::strerror(err));
        }
        written += static_cast<size_t>(n);
    }
    // On disk before it has its name: a machine that goes down keeps the old file or the new.
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || std::rename(temporary.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temporary.c_str());
        throw Error("cannot write " + path + ": " + std::strerror(err));
    }
}

void TrialStore::writeManifest(const Experiment& e, const std::vector<Trial>& trials,
                               const std::string& datasetHash) {
    Json list = Json::array();
    for (const Trial& t : trials) {
        list.push_back({{"id", t.id},
                        {"index", t.index},
                        {"point", t.point},
                        {"seed", t.seed},
                        {"point_text", describePoint(t)},
                        {"swept", t.swept},
                        {"mask_name", t.maskName},
                        {"config", Json::parse(runConfigToJson(t.config))}});
    }
    const Json manifest = {
        {"name", e.name},       {"recipe", e.recipe},     {"dataset_hash", datasetHash},
        {"retries", e.retries}, {"source", e.sourcePath}, {"trials", list}};
    writeFileAtomically((fs::path(directory_) / "trials.json").string(), manifest.dump(1));
    if (auto text = readFile(e.sourcePath)) {
        writeFileAtomically((fs::path(directory_) / "experiment.toml").string(), *text);
    }
}

bool TrialStore::hasManifest() const {
    return fs::exists(fs::path(directory_) / "trials.json");
}

Manifest TrialStore::manifest() const {
    const std::string path = (fs::path(directory_) / "trials.json").string();
    const auto text = readFile(path);
    if (!text) {
        throw Error(directory_ + " holds no experiment (no trials.json): run or submit it first");
    }
    try {
        const Json j = Json::parse(*text);
        Manifest m;
        m.name = j.at("name").get<std::string>();
        m.recipe = j.at("recipe").get<std::string>();
        m.datasetHash = j.at("dataset_hash").get<std::string>();
        m.retries = j.value("retries", 2);
        for (const Json& t : j.at("trials")) {
            m.trials.push_back({t.at("id").get<std::string>(), t.at("index").get<int64_t>(),
                                t.at("point").get<int64_t>(), t.at("seed").get<uint64_t>(),
                                t.value("point_text", std::string()), t.at("config").dump(),
                                t.value("swept", KnobValues()),
                                t.value("mask_name", std::string())});
        }
        return m;
    } catch (const Json::exception& e) {
        throw Error(path + " is not a readable experiment manifest: " + e.what());
    }
}

bool TrialStore::finished(const std::string& id) const {
    return fs::exists(path("results", id));
}

std::optional<std::string> TrialStore::result(const std::string& id) const {
    return readFile(path("results", id));
}

void TrialStore::writeResult(const std::string& id, const std::string& json) {
    writeFileAtomically(path("results", id), json);
}

int TrialStore::failedAttempts(const std::string& id) const {
    const auto text = failures(id);
    if (!text) {
        return 0;
    }
    const Json j = Json::parse(*text, nullptr, false);
    return j.is_object() && j.contains("attempts") ? static_cast<int>(j["attempts"].size()) : 0;
}

std::optional<std::string> TrialStore::failures(const std::string& id) const {
    return readFile(path("failures", id));
}

std::string TrialStore::lastError(const std::string& id) const {
    const auto text = failures(id);
    if (!text) {
        return {};
    }
    const Json j = Json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("attempts") || !j["attempts"].is_array() ||
        j["attempts"].empty() || !j["attempts"].back().is_object()) {
        return {};
    }
    return j["attempts"].back().value("error", std::string());
}

void TrialStore::recordFailure(const std::string& id, const std::string& error,
                               const std::string& log) {
    Json j = Json::object();
    if (const auto text = failures(id)) {
        j = Json::parse(*text, nullptr, false);
        if (!j.is_object()) {
            j = Json::object();
        }
    }
    j["id"] = id;
    j["attempts"].push_back(
        {{"error", error}, {"log", log}, {"host", hostName()}, {"at", utcTimestamp()}});
    writeFileAtomically(path("failures", id), j.dump(1));
}

void TrialStore::clearFailures(const std::string& id) {
    std::error_code ignored;
    fs::remove(path("failures", id), ignored);
}

std::optional<TrialClaim> TrialStore::claimOf(const std::string& id) const {
    const auto text = readFile(path("claims", id));
    if (!text) {
        return std::nullopt;
    }
    const Json j = Json::parse(*text, nullptr, false);
    if (!j.is_object()) {
        return TrialClaim{};  // being written: a live claim, as far as anyone can tell
    }
    return TrialClaim{j.value("host", std::string()), j.value("pid", int64_t(0)),
                      j.value("slurm_job", std::string()), j.value("started", std::string())};
}

bool TrialStore::claimIsLive(const TrialClaim& c) const {
    if (!c.slurmJob.empty()) {
        return slurmElementLive(c.slurmJob);
    }
    if (c.host.empty() && c.pid == 0) {
        return true;
    }
    if (c.host != hostName()) {
        return true;  // another machine's process: only Slurm could tell
    }
    return c.pid > 0 && (::kill(static_cast<pid_t>(c.pid), 0) == 0 || errno == EPERM);
}

bool TrialStore::claim(const std::string& id, const TrialClaim& mine) {
    const std::string file = path("claims", id);
    const std::string text = claimJson(mine).dump();
    for (int attempt = 0; attempt < 2; ++attempt) {
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0) {
            const bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
            ::fsync(fd);
            ::close(fd);
            if (!ok) {
                ::unlink(file.c_str());
                throw Error("cannot write the claim " + file);
            }
            return true;
        }
        if (errno != EEXIST) {
            throw Error("cannot claim trial " + id + " (" + file + "): " + std::strerror(errno));
        }
        const auto held = claimOf(id);
        const bool mineAlready =
            held && ((!mine.slurmJob.empty() && held->slurmJob == mine.slurmJob) ||
                     (held->host == mine.host && held->pid == mine.pid));
        if (held && !mineAlready && claimIsLive(*held)) {
            return false;
        }
        // A dead owner's claim, or this Slurm element's before it was requeued: set it aside
        // first, so that of several processes taking it over exactly one succeeds.
        const std::string aside = file + ".stale." + hostName() + "." + std::to_string(getpid());
        if (std::rename(file.c_str(), aside.c_str()) == 0) {
            ::unlink(aside.c_str());
        }
    }
    return false;
}

void TrialStore::release(const std::string& id) {
    ::unlink(path("claims", id).c_str());
}

std::string TrialStore::logPath(const std::string& id) const {
    return (fs::path(directory_) / "logs" / (id + ".log")).string();
}

std::string TrialStore::log(const std::string& id) const {
    return readFile(logPath(id)).value_or("");
}

TrialState TrialStore::state(const std::string& id, int retries) const {
    if (finished(id)) {
        return TrialState::Done;
    }
    if (const auto c = claimOf(id); c && claimIsLive(*c)) {
        return TrialState::Running;
    }
    return failedAttempts(id) > retries ? TrialState::Failed : TrialState::Queued;
}

}  // namespace airbench
