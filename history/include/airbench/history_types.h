#pragma once
// The plain records of the run history: one run, its per-step losses, its files, the filter that
// lists runs and the groups of runs that share a configuration. No Qt, no LibTorch, no SQLite.

#include <airbench/error.h>
#include <airbench/stats.h>
#include <airbench/train.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace airbench::history {

// Anything wrong with the history database (unreadable file, newer schema, unknown run).
class HistoryError : public Error {
public:
    using Error::Error;
};

// running: a live process is writing it; interrupted: its writer died (found at the next open).
enum class RunStatus { Running, Finished, Cancelled, Failed, Interrupted };
std::string statusName(RunStatus status);  // "running", "finished", ...
// Throws HistoryError for an unknown name.
RunStatus parseStatus(const std::string& name);

struct RunRecord {
    int64_t id = 0;   // database row id (0 before insertion)
    std::string uid;  // random 128-bit hex, stable across export/import
    std::string recipe;
    std::string configJson;  // the full effective configuration (see config.h), as recorded
    std::string configKey;   // configJson minus seed and run count, canonical: the group key
    std::string datasetName, datasetHash;
    std::string maskName, maskHash;  // empty when trained on the whole set
    uint64_t seed = 0;
    std::string device;
    std::string softwareVersion;
    // ISO 8601 UTC with milliseconds ("2026-11-27T10:15:03.123Z"); they sort as text.
    std::string startedAt, finishedAt, updatedAt;
    RunStatus status = RunStatus::Running;
    std::string error;
    double valAccuracy = kNotMeasured;     // fraction, without TTA
    double ttaValAccuracy = kNotMeasured;  // fraction, at the recipe's TTA level
    double trainSeconds = kNotMeasured;    // RunSummary::seconds
    int64_t steps = 0;                     // optimizer steps done
    int epochsDone = 0;
    int plannedEpochs = 0;
    int64_t plannedSteps = 0;
    std::vector<std::string> tags;      // sorted, unique, no commas
    std::string notes;                  // the user's free text
    std::vector<std::string> messages;  // the engine's notes (TrainObserver::onNote)
    int64_t writerPid = 0;
    std::string writerHost;
};

// The mean training loss of `count` consecutive steps ending at `step` (1-based). A run of T
// planned steps keeps every step when T <= kMaxLossPoints, else the means of buckets of
// ceil(T / kMaxLossPoints) consecutive steps (a bucket also ends with its epoch, so a run keeps
// at most kMaxLossPoints + epochs points; stored as float32).
constexpr int64_t kMaxLossPoints = 2000;
struct StepPoint {
    int64_t step = 0;
    int epoch = 0;  // 0-based
    double loss = 0;
    int count = 1;
};

// A file a run produced (checkpoint, score file...). Deleting the run deletes the file unless
// another run still lists it.
struct Artifact {
    int64_t id = 0;
    int64_t runId = 0;
    std::string kind;  // "checkpoint", "scores", "mask", "report" or "other"
    std::string path;  // absolute
    std::string createdAt;
};
// Throws HistoryError for a kind not in the list above.
void checkArtifactKind(const std::string& kind);

// Everything about one run: what export writes and import reads.
struct RunDetails {
    RunRecord record;
    std::vector<EpochMetrics> epochs;
    std::vector<StepPoint> steps;
    std::vector<Artifact> artifacts;
};

// Which runs to list; empty fields do not filter. Runs come newest first.
struct RunFilter {
    std::vector<int64_t> ids;
    std::string recipe;
    std::optional<RunStatus> status;
    std::string tag;
    std::string configKey;
    std::string datasetHash;
    std::string startedAfter, startedBefore;  // ISO 8601 prefixes, inclusive / exclusive
    std::string text;                         // substring of recipe, notes, tags or error
    int64_t limit = -1;
    int64_t offset = 0;
    // The configuration JSON is most of a run's row; a table that only shows columns can skip it.
    bool withConfig = true;
};

// Runs with the same configuration except the seed: how reproducible a setting is.
struct RunGroup {
    std::string configKey;  // also valid JSON: the shared configuration
    std::string recipe;
    std::vector<int64_t> runIds;  // every run in the group, oldest first
    int finished = 0;
    Summary ttaAccuracy;  // over finished runs that measured it
    Summary seconds;      // training time of the same runs
    std::string firstStartedAt, lastStartedAt;
};

// Sorted, unique, trimmed tags; throws HistoryError for an empty tag or one holding a comma or
// a line break.
std::vector<std::string> normalizeTags(const std::vector<std::string>& tags);

// The grouping key of a configuration: the JSON with "seed" and "runs" (how many runs one
// command started) removed, and the "path" of its "dataset" and "mask" and the mask's "name"
// (their hashes identify them), keys sorted, compact. Text that is not a JSON object is its own
// key.
std::string configGroupKey(const std::string& configJson);

// Now, as stored in RunRecord's timestamps.
std::string currentTimestamp();

// This library's version, recorded when a RunRecord leaves softwareVersion empty.
std::string historyLibraryVersion();

}  // namespace airbench::history
