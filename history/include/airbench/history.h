#pragma once
// The run history: every training run of the CLI and the GUI in one SQLite file.
//
// One Database is one connection: use it from one thread at a time and give each thread (and
// each process) its own. The file is in WAL mode, so readers never block the writer nor see half
// an epoch; a run is written one transaction per epoch, so a killed process loses at most the
// epoch it was in. Its run stays "running" until the next open finds its writer gone and marks it
// "interrupted". Plain C++: no Qt, no LibTorch; the GUI may also read the file with QSQLITE (see
// the schema in history/README.md).

#include <airbench/history_types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace airbench::history {

class Database {
public:
    // $AIRBENCH_HISTORY_DB when set, else userDataDirectory() + "/history.sqlite".
    static std::string defaultPath();

    // Opens (creating the file and its folder if needed), migrates the schema to the current
    // version and marks the runs of dead writers interrupted. Throws HistoryError.
    explicit Database(const std::string& path = defaultPath());
    ~Database();
    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;

    const std::string& path() const;
    int schemaVersion() const;
    static int currentSchemaVersion();
    // Runs that the open (or the last markInterruptedRuns) turned from running to interrupted.
    int interruptedAtOpen() const;
    // Marks the running runs whose writer process is gone interrupted; returns how many. Opening
    // does this; a long-lived reader (the GUI) may call it again.
    int markInterruptedRuns();
    // Changes whenever another connection commits (PRAGMA data_version): poll it to refresh a
    // view cheaply.
    int64_t dataVersion() const;

    // ---- Writing a run as it goes (RunRecorder does this for a TrainObserver).
    // Inserts `record` as running, owned by this process; fills uid, configKey, startedAt and
    // softwareVersion when empty. Returns the new id.
    int64_t beginRun(RunRecord record);
    void setPlan(int64_t runId, const RunPlan& plan);
    // One transaction: the epoch's metrics and its step points.
    void recordEpoch(int64_t runId, const EpochMetrics& metrics,
                     const std::vector<StepPoint>& steps);
    void addMessage(int64_t runId, const std::string& message);
    // Finished or cancelled (summary.cancelled), with the accuracies and time; `trailingSteps`
    // are steps that came after the last epoch.
    void finishRun(int64_t runId, const RunSummary& summary,
                   const std::vector<StepPoint>& trailingSteps = {});
    // Ends a run with `status` (failed, cancelled or interrupted) and an error text.
    void endRun(int64_t runId, RunStatus status, const std::string& error);

    // ---- Reading.
    std::optional<RunRecord> run(int64_t runId) const;
    std::vector<RunRecord> runs(const RunFilter& filter = {}) const;
    int64_t countRuns(const RunFilter& filter = {}) const;
    std::vector<EpochMetrics> epochs(int64_t runId) const;
    std::vector<StepPoint> steps(int64_t runId) const;
    std::vector<Artifact> artifacts(int64_t runId) const;
    RunDetails details(int64_t runId) const;  // throws HistoryError for an unknown id
    // The filtered runs grouped by configKey, most recently active group first.
    std::vector<RunGroup> groups(const RunFilter& filter = {}) const;

    // ---- Editing.
    void setTags(int64_t runId, const std::vector<std::string>& tags);
    void addTags(int64_t runId, const std::vector<std::string>& tags);
    void removeTags(int64_t runId, const std::vector<std::string>& tags);
    void setNotes(int64_t runId, const std::string& notes);
    // Registers a file the run produced (the path is made absolute). Returns the artifact id.
    int64_t addArtifact(int64_t runId, const std::string& kind, const std::string& path);

    struct DeleteResult {
        int runs = 0;
        std::vector<std::string> filesRemoved;
        std::vector<std::string> filesShared;   // kept: a remaining run still lists them
        std::vector<std::string> filesMissing;  // already gone
        std::vector<std::string> failures;      // "path: reason" (directories are never removed)
    };
    // Deletes the runs, their rows and (with removeFiles) their artifact files. Refuses (throws,
    // deleting nothing) when one of them is still being written by a live process.
    DeleteResult deleteRuns(const std::vector<int64_t>& runIds, bool removeFiles = true);

    // Inserts a complete run from elsewhere (import): keeps its uid, times and status (a running
    // run becomes interrupted: a copy is never being written). Returns 0 and inserts nothing when
    // a run with the same uid is already here.
    int64_t insertRun(const RunDetails& run);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace airbench::history
