#pragma once
// Runs the engine on the training thread: N seeded runs of one recipe, as the CLI's `train` does.
// Everything it reports leaves through queued signals, except per-step losses, which go to a
// StepBuffer that the GUI drains on a timer. It never touches a widget.

#include "analysis_types.h"
#include "engine_types.h"
#include "run_settings.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace airbench::ui {

class StepBuffer;

struct TrainRequest {
    DatasetPtr dataset;
    int64_t trainSubset = -1;  // first N examples of each split; -1: all
    int64_t testSubset = -1;
    RunSettings settings;
    // Train on these examples of the training set only (null: all of them). The mask must have
    // been made for the training set in use (its size and dataset hash).
    MaskPtr mask;
};

class TrainingWorker : public QObject {
    Q_OBJECT

public:
    // `stop` is shared with the controller, which sets it from the GUI thread.
    TrainingWorker(std::shared_ptr<StepBuffer> steps, std::shared_ptr<std::atomic<bool>> stop);

    // Training thread: the whole batch of runs; returns when it is done, stopped or failed, after
    // emitting `finished`.
    void run(const TrainRequest& request);

signals:
    void deviceReady(const QString& description);
    void note(int run, const QString& text);
    void runStarted(int run, quint64 seed, const QString& device, const airbench::RunPlan& plan);
    void epochFinished(int run, const airbench::EpochMetrics& metrics);
    void runFinished(int run, const airbench::RunSummary& summary);
    // After a run that completed: its network, to score and infer with (runId still -1).
    void modelReady(int run, const airbench::ui::TrainedModelPtr& model);
    // An engine error (airbench::Error's message, meant for the user). `run` is -1 when no run
    // had started (bad options, no CUDA, ...).
    void failed(int run, const QString& message);
    // Always last, once per request.
    void finished();

private:
    class Observer;

    std::shared_ptr<StepBuffer> steps_;
    std::shared_ptr<std::atomic<bool>> stop_;
    // cuDNN picks kernels per shape on the first steps; a throwaway warm-up per configuration
    // keeps that out of the first run's timing (as the CLI's --warmup auto does).
    std::string warmedUpFor_;
};

}  // namespace airbench::ui
