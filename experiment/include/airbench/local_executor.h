#pragma once
// Runs an experiment on this machine: N worker processes (this program's `experiment worker`),
// each running trials through its own Runner. One worker per GPU, each seeing only its device;
// on a CPU the cores are divided between the workers. A worker that dies (a crash, kill -9)
// costs only its trial: that attempt is recorded as failed with the trial's log, and a new
// worker takes over while trials remain.

#include <airbench/experiment_status.h>
#include <airbench/run_options.h>
#include <airbench/trial_store.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace airbench {

struct LocalRunOptions {
    std::string executable;  // the airbench program: workers run `EXECUTABLE experiment worker DIR`
    int workers = 1;
    int threadsPerWorker = 0;      // 0: the cores divided between the workers
    bool oneGpuPerWorker = false;  // worker k sees CUDA device k only (CUDA_VISIBLE_DEVICES)
    std::function<bool()> stop;    // asks the workers to stop after their current step
    std::function<void(const ExperimentStatus&)> progress;  // about once a second
};

struct LocalRunResult {
    ExperimentStatus status;  // at the end
    int workerDeaths = 0;     // workers that died mid-trial (each cost its trial an attempt)
    bool stopped = false;
};

LocalRunResult runLocally(TrialStore& store, const LocalRunOptions& options);

// The workers on this machine for trials with the run settings `trials` (an experiment's
// [run]): when they may use CUDA and this machine has GPUs, one per GPU, each seeing only its own
// (`workers` 0: every GPU; more workers than GPUs are refused with airbench::Error); else
// `workers` CPU workers (0: one). `threadsPerWorker` 0: the trials' threads, else the cores
// divided. The executable, stop and progress are the caller's to set.
LocalRunOptions localRunOptions(const RunOptions& trials, int workers, int threadsPerWorker);

// Asks this machine's worker processes that hold a trial of the experiment (not Slurm's) to stop
// after their current step (SIGINT; their trials are queued again), as Ctrl-C does: for
// experiments that another process runs (`airbench experiment cancel`). Returns their pids.
std::vector<int64_t> stopLocalWorkers(const TrialStore& store);

}  // namespace airbench
