#include <airbench/run_recorder.h>

#include <exception>

namespace airbench::history {

RunRecorder::RunRecorder(Database& db, RunRecord record, TrainObserver* forward)
    : db_(db), forward_(forward), uncaughtAtStart_(std::uncaught_exceptions()) {
    write([&] { runId_ = db_.beginRun(std::move(record)); });
}

RunRecorder::~RunRecorder() {
    if (ended_ || runId_ == 0) {
        return;
    }
    // Unwinding without fail(): the caller let train()'s exception pass. Either way the run has
    // no result, and leaving it "running" would wait for the next open to call it interrupted.
    const char* why = std::uncaught_exceptions() > uncaughtAtStart_
                          ? "training threw an exception"
                          : "the run ended without a result";
    try {
        db_.endRun(runId_, RunStatus::Failed, why);
    } catch (...) {
        // A destructor must not throw; the next open marks the run interrupted instead.
    }
}

template <typename Write>
void RunRecorder::write(Write&& write) {
    if (!error_.empty()) {
        return;
    }
    try {
        write();
    } catch (const std::exception& e) {
        error_ = e.what();
        if (forward_) {
            forward_->onNote("run history: recording stopped: " + error_);
        }
    }
}

void RunRecorder::fail(const std::string& message) {
    if (ended_) {
        return;
    }
    ended_ = true;
    if (runId_ != 0) {
        write([&] { db_.endRun(runId_, RunStatus::Failed, message); });
    }
}

void RunRecorder::onStart(const RunPlan& plan) {
    if (forward_) {
        forward_->onStart(plan);
    }
    bucketer_.setBucket(bucketSizeFor(plan.totalSteps));
    write([&] { db_.setPlan(runId_, plan); });
}

void RunRecorder::onSteps(const std::vector<StepMetrics>& steps) {
    if (forward_) {
        forward_->onSteps(steps);
    }
    for (const StepMetrics& s : steps) {
        bucketer_.add(s.step, s.epoch, s.trainLoss);
    }
}

void RunRecorder::onEpoch(const EpochMetrics& metrics) {
    if (forward_) {
        forward_->onEpoch(metrics);
    }
    const std::vector<StepPoint> points = bucketer_.take();
    write([&] { db_.recordEpoch(runId_, metrics, points); });
}

void RunRecorder::onNote(const std::string& note) {
    if (forward_) {
        forward_->onNote(note);
    }
    write([&] { db_.addMessage(runId_, note); });
}

void RunRecorder::onFinish(const RunSummary& summary) {
    if (forward_) {
        forward_->onFinish(summary);
    }
    ended_ = true;
    const std::vector<StepPoint> points = bucketer_.take();
    write([&] { db_.finishRun(runId_, summary, points); });
}

bool RunRecorder::stopRequested() const {
    return forward_ && forward_->stopRequested();
}

}  // namespace airbench::history
