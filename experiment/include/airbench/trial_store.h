#pragma once
// An experiment's directory: the source of truth for its trials, readable by every process
// that runs them (local workers, Slurm array tasks on other nodes of a shared filesystem).
// Plain files only, each written whole and renamed into place, so that no reader ever sees half
// of one and a process killed at any moment leaves nothing partial behind. (SQLite is unsafe on
// network filesystems; the history is filled from these files by `experiment collect`.)
//
//   DIR/experiment.toml     the experiment file as it was last run or submitted
//   DIR/trials.json         the manifest: every trial's id, point, seed and configuration
//   DIR/results/ID.json     a finished trial: its run record (configuration, metrics, log)
//   DIR/failures/ID.json    a trial's failed attempts, with their logs
//   DIR/claims/ID.json      a trial being run: by which host, process and Slurm task
//   DIR/logs/ID.log         a trial's log as it runs (kept in its result or failure record)
//   DIR/slurm/              job scripts, submissions and Slurm's own output

#include <airbench/experiment.h>
#include <airbench/trials.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace airbench {

// Who runs a trial: enough to tell whether it still does.
struct TrialClaim {
    std::string host;
    int64_t pid = 0;
    std::string slurmJob;  // "1234_7" for an array element, "" outside Slurm
    std::string startedAt;
};

enum class TrialState { Queued, Running, Done, Failed };
std::string trialStateName(TrialState state);  // "queued", "running", "done", "failed"

// One trial of the manifest, as every process reads it.
struct ManifestTrial {
    std::string id;
    int64_t index = 0;
    int64_t point = 0;
    uint64_t seed = 0;
    std::string pointText;   // describePoint()
    std::string configJson;  // runConfigToJson of its configuration
    KnobValues swept;        // its point's swept values (empty in manifests before they had it)
    std::string maskName;    // its point's mask ("" without)
};

struct Manifest {
    std::string name;
    std::string recipe;
    std::string datasetHash;
    int retries = 2;
    std::vector<ManifestTrial> trials;
};

class TrialStore {
public:
    // Opens (creating its folders) the experiment directory.
    explicit TrialStore(std::string directory);
    const std::string& directory() const { return directory_; }

    // The manifest: written when an experiment is run or submitted, read by every worker.
    void writeManifest(const Experiment& experiment, const std::vector<Trial>& trials,
                       const std::string& datasetHash);
    Manifest manifest() const;  // throws airbench::Error when there is none or it is unreadable
    bool hasManifest() const;

    // A finished trial's record (JSON text), written once, atomically.
    bool finished(const std::string& id) const;
    std::optional<std::string> result(const std::string& id) const;
    void writeResult(const std::string& id, const std::string& json);

    // Failed attempts: counted, with their error and log, until `retries` is exceeded.
    int failedAttempts(const std::string& id) const;
    void recordFailure(const std::string& id, const std::string& error, const std::string& log);
    std::optional<std::string> failures(const std::string& id) const;  // JSON text
    // The error of its last failed attempt ("" when it has none).
    std::string lastError(const std::string& id) const;
    // Forgets a trial's failures (resubmitting failed trials starts their count again).
    void clearFailures(const std::string& id);

    // Claims a trial for this process. False when a live process holds it; a claim whose
    // owner is gone (this host's pid no longer exists, or squeue no longer lists its Slurm
    // element) is taken over, as is this Slurm element's own from before it was requeued.
    bool claim(const std::string& id, const TrialClaim& claim);
    void release(const std::string& id);
    std::optional<TrialClaim> claimOf(const std::string& id) const;
    // Whether a claim's owner still runs: on this host, its pid exists; in Slurm, squeue still
    // lists its element. A claim from another host outside Slurm counts as live.
    bool claimIsLive(const TrialClaim& claim) const;

    TrialState state(const std::string& id, int retries) const;

    // The log a trial writes as it runs, and reading it back (empty when there is none).
    std::string logPath(const std::string& id) const;
    std::string log(const std::string& id) const;

    // Writes `text` to `path` whole: a temporary file in the same folder, then a rename.
    static void writeFileAtomically(const std::string& path, const std::string& text);

private:
    std::string path(const char* folder, const std::string& id) const;
    std::string directory_;
};

// This machine's name (gethostname).
std::string hostName();
// Now, in UTC, as the experiment's files record times: "2026-12-03T20:58:05Z".
std::string utcTimestamp();

}  // namespace airbench
