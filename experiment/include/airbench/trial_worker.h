#pragma once
// Runs an experiment's trials in this process, one after another, through one Runner (the data
// loaded once): what a local worker process and a Slurm array task both do. A trial is claimed
// before it runs, its log is written as it goes, and its record is written whole when it
// finishes; a trial that throws is recorded as a failed attempt and retried until the
// experiment's retries are spent. A stop ends the trial in progress without a record: it is
// queued again.

#include <airbench/runner.h>
#include <airbench/trial_store.h>

#include <functional>
#include <string>
#include <vector>

namespace airbench {

struct TrialWork {
    // The trials this process may run, by manifest index; empty: all of them.
    std::vector<int64_t> indices;
    std::string slurmJob;        // "JOB_TASK" when a Slurm array element runs them
    std::function<bool()> stop;  // polled at every step
};

class TrialObserver {
public:
    virtual ~TrialObserver() = default;
    virtual void onTrialStart(const ManifestTrial& trial, int attempt) {}
    virtual void onTrialDone(const ManifestTrial& trial, const RunSummary& summary) {}
    virtual void onTrialFailed(const ManifestTrial& trial, const std::string& error) {}
};

struct WorkSummary {
    int done = 0;    // finished here
    int failed = 0;  // attempts that failed here
    bool stopped = false;
};

WorkSummary runTrials(TrialStore& store, const TrialWork& work, Runner& runner,
                      TrialObserver* observer = nullptr);

}  // namespace airbench
