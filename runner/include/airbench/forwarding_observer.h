#pragma once
// A RunObserver that passes every call on to another one (or to none). Jobs built from several
// sets of runs (scoring, selection, experiment trials) derive from it, override the calls they
// need and still let their caller see every run's progress.

#include <airbench/runner.h>

namespace airbench {

class ForwardingObserver : public RunObserver {
public:
    explicit ForwardingObserver(RunObserver* next) : next_(next) {}

    void onSetup(const RunSetup& setup) override {
        if (next_)
            next_->onSetup(setup);
    }
    void onRunBegin(int index, uint64_t seed, int64_t historyId) override {
        if (next_)
            next_->onRunBegin(index, seed, historyId);
    }
    void onRunEnd(int index, TrainResult& result) override {
        if (next_)
            next_->onRunEnd(index, result);
    }
    void onRunFailed(int index, const std::string& message) override {
        if (next_)
            next_->onRunFailed(index, message);
    }
    void onStart(const RunPlan& plan) override {
        if (next_)
            next_->onStart(plan);
    }
    void onSteps(const std::vector<StepMetrics>& steps) override {
        if (next_)
            next_->onSteps(steps);
    }
    void onEpoch(const EpochMetrics& metrics) override {
        if (next_)
            next_->onEpoch(metrics);
    }
    void onNote(const std::string& note) override {
        if (next_)
            next_->onNote(note);
    }
    void onFinish(const RunSummary& summary) override {
        if (next_)
            next_->onFinish(summary);
    }
    bool stopRequested() const override { return next_ && next_->stopRequested(); }

protected:
    RunObserver* next() const { return next_; }

private:
    RunObserver* next_;
};

}  // namespace airbench
