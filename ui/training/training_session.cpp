#include "training/training_session.h"

namespace airbench::ui {

QString RunRecord::label() const {
    QString text = QStringLiteral("run %1 · %2 · seed %3").arg(id + 1).arg(recipe).arg(seed);
    if (!mask.isEmpty()) {
        text += QStringLiteral(" · mask %1").arg(mask);
    }
    return text;
}

TrainingSession::TrainingSession(QObject* parent) : QObject(parent) {}

std::vector<int> TrainingSession::runsOfBatch(int batch) const {
    std::vector<int> ids;
    for (const RunRecord& r : runs_) {
        if (r.batch == batch) {
            ids.push_back(r.id);
        }
    }
    return ids;
}

BatchSummary TrainingSession::summarizeBatch(int batch) const {
    BatchSummary b;
    std::vector<double> accuracies, seconds;
    for (int id : runsOfBatch(batch)) {
        const RunRecord& r = run(id);
        ++b.runs;
        switch (r.state) {
            case RunRecord::State::Finished:
                ++b.completed;
                accuracies.push_back(r.summary.ttaValAccuracy);
                seconds.push_back(r.summary.seconds);
                break;
            case RunRecord::State::Stopped:
                ++b.stopped;
                break;
            case RunRecord::State::Failed:
                ++b.failed;
                break;
            case RunRecord::State::Running:
                break;
        }
    }
    if (!accuracies.empty()) {
        b.ttaAccuracy = summarize(accuracies);
        b.seconds = summarize(seconds);
    }
    return b;
}

int TrainingSession::beginBatch() {
    return batches_++;
}

int TrainingSession::addRun(int batch, const QString& recipe, uint64_t seed, const QString& device,
                            const RunPlan& plan, const QString& mask) {
    RunRecord r;
    r.id = runCount();
    r.batch = batch;
    r.recipe = recipe;
    r.seed = seed;
    r.device = device;
    r.mask = mask;
    r.plan = plan;
    r.steps.reserve(static_cast<int>(plan.totalSteps));
    r.losses.reserve(static_cast<int>(plan.totalSteps));
    runs_.push_back(std::move(r));
    emit runAdded(runs_.back().id);
    return runs_.back().id;
}

void TrainingSession::appendSteps(int id, const std::vector<StepMetrics>& steps) {
    if (steps.empty()) {
        return;
    }
    RunRecord& r = runs_.at(static_cast<size_t>(id));
    const int first = r.losses.size();
    for (const StepMetrics& s : steps) {
        r.steps.push_back(static_cast<double>(s.step));
        r.losses.push_back(s.trainLoss);
    }
    emit stepsAppended(id, first, static_cast<int>(steps.size()));
}

void TrainingSession::appendEpoch(int id, const EpochMetrics& metrics) {
    runs_.at(static_cast<size_t>(id)).epochs.push_back(metrics);
    emit epochAppended(id);
}

void TrainingSession::finishRun(int id, const RunSummary& summary) {
    RunRecord& r = runs_.at(static_cast<size_t>(id));
    r.summary = summary;
    r.state = summary.cancelled ? RunRecord::State::Stopped : RunRecord::State::Finished;
    emit runUpdated(id);
}

void TrainingSession::failRun(int id, const QString& error) {
    RunRecord& r = runs_.at(static_cast<size_t>(id));
    r.state = RunRecord::State::Failed;
    r.error = error;
    emit runUpdated(id);
}

void TrainingSession::setHistoryId(int id, qint64 historyId) {
    runs_.at(static_cast<size_t>(id)).historyId = historyId;
}

void TrainingSession::clear() {
    runs_.clear();
    batches_ = 0;
    emit cleared();
}

}  // namespace airbench::ui
