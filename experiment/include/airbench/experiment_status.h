#pragma once
// Where an experiment stands, from its directory's files (and, for trials that Slurm runs, from
// squeue): how many trials are queued, running, done and failed.

#include <airbench/trial_store.h>

#include <cstdint>
#include <string>
#include <vector>

namespace airbench {

struct ExperimentStatus {
    std::string name;
    int total = 0, queued = 0, running = 0, done = 0, failed = 0;
    // Per trial, in manifest order.
    std::vector<TrialState> states;
    bool finished() const { return queued == 0 && running == 0; }
};

ExperimentStatus statusOf(const TrialStore& store);
ExperimentStatus statusOf(const TrialStore& store, const Manifest& manifest);

// The trials a run or a submission starts, by manifest index: the queued ones, and with
// `retryFailed` the failed ones too, whose failed attempts are forgotten so that they get their
// retries again (resubmit). Running and finished trials are never among them.
std::vector<int64_t> pendingTrials(TrialStore& store, bool retryFailed);

}  // namespace airbench
