#pragma once
// Runs an experiment on a Slurm cluster: one `sbatch` job array whose elements each run a chunk
// of trials in one process (`airbench experiment worker DIR --submission N --chunk I`), with
// the experiment directory on a filesystem the nodes share. Elements ask Slurm for a signal
// before their time limit and requeue themselves (that element only) when it comes; a requeued
// element resumes with the trials of its chunk not yet finished.

#include <airbench/trial_store.h>

#include <map>
#include <string>
#include <vector>

namespace airbench {

struct SlurmOptions {
    std::string executable;  // the airbench program, as the nodes reach it
    std::string partition;
    int gpusPerTask = 0;
    int cpusPerTask = 0;
    std::string memory;                   // --mem, e.g. "16G"
    std::string timeLimit;                // --time, e.g. "1:00:00"
    int maxParallel = 0;                  // the array's %N: elements running at once; 0: no limit
    int trialsPerTask = 0;                // 0: kDefaultTrialsPerTask
    std::vector<std::string> sbatchArgs;  // passed on as they are
    int signalSeconds = 120;              // the signal comes this long before the time limit
};

// Trials one array element runs. On a GPU a trial takes about 2 s, while starting a process,
// loading CIFAR-10 and cuDNN's first-shape search cost several seconds: this many trials keep
// that start-up under 10% of an element's time (docs/experiments.md has the measurements).
constexpr int kDefaultTrialsPerTask = 50;

struct Submission {
    int number = 0;     // 1, 2, ... in the order they were made
    std::string jobId;  // Slurm's array job id
    int trialsPerTask = 0;
    std::vector<int64_t> indices;  // the manifest indices it runs, in chunk order
    std::string submittedAt;
    int tasks() const;
    // The manifest indices of array element `task`.
    std::vector<int64_t> chunk(int task) const;
};

// Submits the trials at `indices` (manifest order) as one job array. Throws airbench::Error
// with sbatch's message when it refuses.
Submission submitToSlurm(TrialStore& store, const std::vector<int64_t>& indices,
                         const SlurmOptions& options);
std::vector<Submission> submissions(const TrialStore& store);
// The Slurm state of every element squeue still lists ("1234_7" -> "RUNNING").
std::map<std::string, std::string> slurmElementStates(const std::vector<Submission>& submissions);
// Whether an element in this squeue state may still run (PENDING, RUNNING, REQUEUED, ...), as
// opposed to one that ended (COMPLETED, CANCELLED, FAILED, TIMEOUT, ...).
bool slurmStateIsLive(const std::string& state);
// scancel of every submission's job; returns the job ids it cancelled.
std::vector<std::string> cancelSlurm(const TrialStore& store);

}  // namespace airbench
