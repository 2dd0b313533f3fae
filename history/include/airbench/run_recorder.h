#pragma once
// RunRecorder: a TrainObserver that writes one run into the history as it trains, and forwards
// every call to another observer (the CLI's table printer, the GUI's worker), so recording
// plugs into any training loop without changing it.
//
// The run's row is inserted at construction (a run that fails before its first step is still
// recorded); each epoch is one transaction (metrics and that epoch's step losses); onFinish
// stores the result. If train() throws, call fail(message); a recorder destroyed without either
// marks its run failed. A database error never stops training: recording stops, error() says
// why and the forwarded observer gets it as a note.

#include <airbench/history.h>
#include <airbench/train.h>

#include <airbench/loss_bucketer.h>

#include <string>

namespace airbench::history {

class RunRecorder : public TrainObserver {
public:
    // `record` describes the run (recipe, config JSON, dataset, mask, seed, device, version,
    // tags, notes); its status and results are ignored. `db` must outlive the recorder.
    RunRecorder(Database& db, RunRecord record, TrainObserver* forward = nullptr);
    ~RunRecorder() override;
    RunRecorder(const RunRecorder&) = delete;
    RunRecorder& operator=(const RunRecorder&) = delete;

    int64_t runId() const { return runId_; }
    // Ends the run as failed with the exception's message (call it when train() throws).
    void fail(const std::string& message);
    // The database error that stopped recording, or "".
    const std::string& error() const { return error_; }

    void onStart(const RunPlan& plan) override;
    void onSteps(const std::vector<StepMetrics>& steps) override;
    void onEpoch(const EpochMetrics& metrics) override;
    void onNote(const std::string& note) override;
    void onFinish(const RunSummary& summary) override;
    bool stopRequested() const override;

private:
    template <typename Write>
    void write(Write&& write);

    Database& db_;
    TrainObserver* forward_;
    int64_t runId_ = 0;
    bool ended_ = false;
    int uncaughtAtStart_ = 0;  // exceptions in flight at construction (see the destructor)
    std::string error_;
    LossBucketer bucketer_;
};

}  // namespace airbench::history
