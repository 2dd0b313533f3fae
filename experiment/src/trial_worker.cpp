#include <airbench/error.h>
#include <airbench/trial_worker.h>

#include <nlohmann/json.hpp>

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>

namespace airbench {
namespace {

using Json = nlohmann::json;

Json number(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

// Watches one trial's run: writes its log as it goes (a worker killed mid-trial leaves it for
// the failure record), keeps what its record needs, refuses data that is not the manifest's.
class TrialRecorder : public RunObserver {
public:
    TrialRecorder(const std::string& logPath, const ManifestTrial& trial, int attempt,
                  const std::string& datasetHash, const std::function<bool()>& stop)
        : log_(logPath, std::ios::trunc), datasetHash_(datasetHash), stop_(stop) {
        line("trial " + trial.id + " (" + trial.pointText + ", seed " + std::to_string(trial.seed) +
             "), attempt " + std::to_string(attempt) + " on " + hostName() + ", pid " +
             std::to_string(getpid()));
    }

    std::string configJson, device;
    RunHistory history;

    void onSetup(const RunSetup& setup) override {
        if (setup.facts.datasetHash != datasetHash_) {
            throw ExperimentError("the data is not the experiment's: its examples hash to " +
                                  setup.facts.datasetHash.substr(0, 12) + ", the manifest's to " +
                                  datasetHash_.substr(0, 12) +
                                  " (was the dataset or a subset changed?)");
        }
        configJson = setup.configJson;
        device = setup.deviceName;
        line("device: " + device);
    }
    void onEpoch(const EpochMetrics& m) override {
        char text[160];
        std::snprintf(text, sizeof text,
                      "epoch %d: train loss %.4f, train acc %.4f, val acc %.4f (%.2f s)",
                      m.epoch + 1, m.trainLoss, m.trainAccuracy, m.valAccuracy, m.seconds);
        line(text);
    }
    void onNote(const std::string& note) override { line("note: " + note); }
    void onRunEnd(int, TrainResult& result) override {
        history = std::move(result.history);
        char text[96];
        std::snprintf(text, sizeof text, "finished: TTA accuracy %.4f in %.2f s",
                      history.summary.ttaValAccuracy, history.summary.seconds);
        line(text);
    }
    bool stopRequested() const override { return stop_ && stop_(); }

private:
    void line(const std::string& text) {
        log_ << text << '\n';
        log_.flush();
    }
    std::ofstream log_;
    std::string datasetHash_;
    const std::function<bool()>& stop_;
};

Json recordOf(const ManifestTrial& t, const Manifest& m, const TrialClaim& claim, int attempt,
              const TrialRecorder& r, const std::string& startedAt, double wallSeconds,
              const std::string& log) {
    const RunSummary& s = r.history.summary;
    Json epochs = Json::array();
    for (const EpochMetrics& e : r.history.epochs) {
        epochs.push_back({{"epoch", e.epoch + 1},
                          {"steps", e.steps},
                          {"train_loss", number(e.trainLoss)},
                          {"train_acc", number(e.trainAccuracy)},
                          {"val_acc", number(e.valAccuracy)},
                          {"seconds", number(e.seconds)}});
    }
    Json summary = {{"tta_val_acc", number(s.ttaValAccuracy)},
                    {"val_acc", number(s.valAccuracy)},
                    {"seconds", number(s.seconds)},
                    {"setup_seconds", number(s.setupSeconds)},
                    {"eval_seconds", number(s.evalSeconds)},
                    {"steps", s.steps}};
    if (s.examplesKept >= 0) {
        summary["examples_kept"] = s.examplesKept;
        summary["proxy_seconds"] = s.proxySeconds;
    }
    return {{"id", t.id},
            {"index", t.index},
            {"point", t.point},
            {"point_text", t.pointText},
            {"seed", t.seed},
            {"experiment", m.name},
            {"status", "done"},
            {"attempt", attempt},
            {"host", claim.host},
            {"pid", claim.pid},
            {"slurm_job", claim.slurmJob},
            {"device", r.device},
            {"started_at", startedAt},
            {"finished_at", utcTimestamp()},
            {"wall_seconds", wallSeconds},
            {"config", Json::parse(r.configJson)},
            {"summary", summary},
            {"epochs", epochs},
            {"step_losses", r.history.stepLosses},
            {"notes", s.notes},
            {"log", log}};
}

}  // namespace

WorkSummary runTrials(TrialStore& store, const TrialWork& work, Runner& runner,
                      TrialObserver* observer) {
    const Manifest manifest = store.manifest();
    std::vector<const ManifestTrial*> mine;
    for (const ManifestTrial& t : manifest.trials) {
        if (work.indices.empty() ||
            std::find(work.indices.begin(), work.indices.end(), t.index) != work.indices.end()) {
            mine.push_back(&t);
        }
    }
    const auto stopped = [&] { return work.stop && work.stop(); };
    TrialClaim me{hostName(), static_cast<int64_t>(getpid()), work.slurmJob, utcTimestamp()};
    WorkSummary summary;
    // Passes over the list until none of its trials can run here: the second pass retries the
    // failed ones, and picks up trials that a dead worker left.
    bool progress = true;
    while (progress && !stopped()) {
        progress = false;
        for (const ManifestTrial* t : mine) {
            if (stopped()) {
                break;
            }
            if (store.finished(t->id) || store.failedAttempts(t->id) > manifest.retries ||
                !store.claim(t->id, me)) {
                continue;
            }
            if (store.finished(t->id)) {  // finished by another worker just before the claim
                store.release(t->id);
                continue;
            }
            progress = true;
            const int attempt = store.failedAttempts(t->id) + 1;
            if (observer) {
                observer->onTrialStart(*t, attempt);
            }
            const std::string startedAt = utcTimestamp();
            const auto clock = std::chrono::steady_clock::now();
            TrialRecorder recorder(store.logPath(t->id), *t, attempt, manifest.datasetHash,
                                   work.stop);
            try {
                RunRequest request;
                request.config =
                    runConfigFromJson(t->configJson, "the configuration of trial " + t->id);
                const RunOutcome outcome = runner.run(request, &recorder);
                if (outcome.stopped || outcome.runs.empty() || outcome.runs[0].cancelled) {
                    store.release(t->id);  // queued again, for the next worker
                    summary.stopped = true;
                    break;
                }
                const double wall =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - clock).count();
                store.writeResult(t->id, recordOf(*t, manifest, me, attempt, recorder, startedAt,
                                                  wall, store.log(t->id))
                                             .dump(1));
                ::unlink(store.logPath(t->id).c_str());
                ++summary.done;
                if (observer) {
                    observer->onTrialDone(*t, recorder.history.summary);
                }
            } catch (const std::exception& e) {
                store.recordFailure(t->id, e.what(), store.log(t->id));
                ++summary.failed;
                if (observer) {
                    observer->onTrialFailed(*t, e.what());
                }
            }
            store.release(t->id);
        }
    }
    summary.stopped = summary.stopped || stopped();
    return summary;
}

}  // namespace airbench
