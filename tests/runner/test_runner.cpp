// The Runner: N seeded runs of a configuration, each recorded as it trains, a recorded
// configuration that reproduces its run, data loaded once, masks, stops, failures and kept
// networks. Small CPU runs on real CIFAR-10.

#include <airbench/error.h>
#include <airbench/history.h>
#include <airbench/runner.h>

#include "support/test_data.h"

#include <QtTest/QtTest>

#include <filesystem>

using namespace airbench;

namespace {

// 1024 training and 200 test images of CIFAR-10, width 0.125, batches of 256, one epoch.
RunRequest smallRequest(int runs = 1, uint64_t seed = 0) {
    RunRequest r;
    r.config.recipe = "airbench94";
    r.config.overrides = {{"width_multiplier", 0.125}, {"batch_size", 256}, {"epochs", 1}};
    r.config.run.runs = runs;
    r.config.run.seed = seed;
    r.config.run.threads = 1;
    r.config.data.trainSubset = 1024;
    r.config.data.testSubset = 200;
    r.dataset = test::cifarShared();
    return r;
}

class Watcher : public RunObserver {
public:
    void onSetup(const RunSetup& s) override { setups.push_back(s); }
    void onRunBegin(int index, uint64_t seed, int64_t historyId) override {
        begun.push_back({index, seed, historyId});
    }
    void onRunEnd(int, TrainResult& result) override {
        ended.push_back(result.history.summary);
        models += result.model.valid();
    }
    void onRunFailed(int index, const std::string& message) override {
        failures.push_back(std::to_string(index) + ": " + message);
    }
    void onSteps(const std::vector<StepMetrics>& s) override { steps += s.size(); }
    void onNote(const std::string& note) override { notes.push_back(note); }
    bool stopRequested() const override { return stopAfterSteps > 0 && steps >= stopAfterSteps; }

    struct Begin {
        int index;
        uint64_t seed;
        int64_t historyId;
    };
    std::vector<RunSetup> setups;
    std::vector<Begin> begun;
    std::vector<RunSummary> ended;
    std::vector<std::string> failures, notes;
    int models = 0;
    size_t steps = 0;
    size_t stopAfterSteps = 0;
};

}  // namespace

class TestRunner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void runsEverySeedAndRecordsEachRun() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir dir;
        RunRequest request = smallRequest(2, 3);
        request.history.path = (dir.path() + "/history.sqlite").toStdString();
        Watcher watcher;
        Runner runner;
        const RunOutcome outcome = runner.run(request, &watcher);
        QCOMPARE(outcome.runs.size(), size_t(2));
        QVERIFY(!outcome.stopped);
        QCOMPARE(outcome.accuracy.count, 2);
        QCOMPARE(watcher.setups.size(), size_t(1));
        QCOMPARE(watcher.setups[0].dataset->train.size(), int64_t(1024));
        QCOMPARE(watcher.setups[0].plan.totalSteps, int64_t(4));
        QCOMPARE(watcher.begun.size(), size_t(2));
        QCOMPARE(watcher.begun[1].seed, uint64_t(4));
        QCOMPARE(watcher.models, 2);

        history::Database db(request.history.path);
        QCOMPARE(outcome.historyIds.size(), size_t(2));
        for (size_t i = 0; i < 2; ++i) {
            const auto run = db.run(outcome.historyIds[i]);
            QVERIFY(run);
            QCOMPARE(run->status, history::RunStatus::Finished);
            QCOMPARE(run->seed, uint64_t(3 + i));
            QCOMPARE(run->ttaValAccuracy, outcome.runs[i].ttaValAccuracy);
            QCOMPARE(run->datasetHash, watcher.setups[0].dataset->hash);
            QCOMPARE(watcher.begun[i].historyId, outcome.historyIds[i]);
        }
        // Both runs of one configuration: one group.
        QCOMPARE(db.groups().size(), size_t(1));
    }

    // What a run recorded is the configuration that reproduces it (CPU runs are deterministic).
    void aRecordedConfigurationReproducesItsRun() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir dir;
        RunRequest request = smallRequest(2, 5);
        request.history.path = (dir.path() + "/history.sqlite").toStdString();
        Runner runner;
        const RunOutcome first = runner.run(request);
        const auto second = history::Database(request.history.path).run(first.historyIds[1]);

        RunRequest again;
        again.config = runConfigFromJson(second->configJson, "the record");
        again.config.run.runs = 1;
        again.dataset = test::cifarShared();
        QCOMPARE(again.config.run.seed, uint64_t(6));
        QCOMPARE(again.config.data.trainSubset, int64_t(1024));
        const RunOutcome replay = Runner().run(again);
        QCOMPARE(replay.runs[0].ttaValAccuracy, first.runs[1].ttaValAccuracy);
        QCOMPARE(replay.runs[0].steps, first.runs[1].steps);
    }

    void dataNamedByPathLoadsOnce() {
        AIRBENCH_REQUIRE_CIFAR();
        RunRequest request = smallRequest();
        request.dataset.reset();
        request.config.data.path = test::cifarDir();
        request.config.data.trainSubset = 512;
        Runner runner;
        Watcher first, second;
        runner.run(request, &first);
        runner.run(request, &second);
        QVERIFY(first.setups[0].dataSeconds > 0);
        QCOMPARE(second.setups[0].dataSeconds, 0.0);
        QCOMPARE(second.setups[0].dataset->train.size(), int64_t(512));
        QCOMPARE(second.setups[0].dataset.get(), first.setups[0].dataset.get());
        QCOMPARE(runner.dataOf(request).get(), first.setups[0].dataset.get());
    }

    void aMaskTrainsOnItsExamplesOnly() {
        AIRBENCH_REQUIRE_CIFAR();
        Runner runner;
        RunRequest request = smallRequest();
        const auto data = runner.dataOf(request);
        Mask half = maskRandom(1024, 0.5, 1, "half");
        half.setDatasetHash(data->hash);
        request.mask = std::make_shared<const Mask>(half);
        Watcher watcher;
        runner.run(request, &watcher);
        QCOMPARE(watcher.setups[0].facts.maskExamples, int64_t(512));
        QCOMPARE(watcher.setups[0].plan.totalSteps, int64_t(2));  // 512 / 256
        QCOMPARE(watcher.setups[0].facts.maskName, std::string("half"));

        // A mask of other examples is refused before anything trains.
        request.mask = std::make_shared<const Mask>(maskRandom(1000, 0.5, 1));
        QString message;
        try {
            runner.run(request);
        } catch (const Error& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("made for other examples"), qPrintable(message));
    }

    void aStopEndsTheRunAndStartsNoOther() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir dir;
        RunRequest request = smallRequest(3);
        request.history.path = (dir.path() + "/history.sqlite").toStdString();
        Watcher watcher;
        watcher.stopAfterSteps = 2;
        const RunOutcome outcome = Runner().run(request, &watcher);
        QVERIFY(outcome.stopped);
        QCOMPARE(outcome.runs.size(), size_t(1));
        QVERIFY(outcome.runs[0].cancelled);
        QCOMPARE(outcome.accuracy.count, 0);
        const auto run = history::Database(request.history.path).run(outcome.historyIds[0]);
        QCOMPARE(run->status, history::RunStatus::Cancelled);
        QCOMPARE(history::Database(request.history.path).countRuns(), int64_t(1));
    }

    void aFailedRunIsRecordedAndRethrown() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir dir;
        RunRequest request = smallRequest(2);
        request.config.overrides["learning_rate"] = 1e20;
        request.history.path = (dir.path() + "/history.sqlite").toStdString();
        Watcher watcher;
        QVERIFY_THROWS_EXCEPTION(DivergedError, Runner().run(request, &watcher));
        QCOMPARE(watcher.failures.size(), size_t(1));
        QVERIFY(watcher.failures[0].rfind("0: Training diverged", 0) == 0);
        history::Database db(request.history.path);
        const auto runs = db.runs();
        QCOMPARE(runs.size(), size_t(1));  // the second run never started
        QCOMPARE(runs[0].status, history::RunStatus::Failed);
        QVERIFY(runs[0].error.find("diverged") != std::string::npos);
    }

    void networksAreKeptWhereAsked() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir dir;
        RunRequest request = smallRequest(2);
        request.history.path = (dir.path() + "/history.sqlite").toStdString();
        request.networksDir = (dir.path() + "/networks").toStdString();
        request.saveModelPath = (dir.path() + "/last.pt").toStdString();
        const RunOutcome outcome = Runner().run(request);
        history::Database db(request.history.path);
        for (int64_t id : outcome.historyIds) {
            const auto artifacts = db.artifacts(id);
            QVERIFY(!artifacts.empty());
            QVERIFY(std::filesystem::exists(artifacts[0].path));
        }
        QVERIFY(std::filesystem::exists(request.saveModelPath));
        QCOMPARE(db.artifacts(outcome.historyIds[1]).size(), size_t(2));  // kept + saved
        QCOMPARE(Model::load(request.saveModelPath, Device{}).info().seed, uint64_t(1));
    }

    void anUnopenableHistory() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir dir;
        QFile blocker(dir.path() + "/file");
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        RunRequest request = smallRequest();
        request.history.path = (dir.path() + "/file/history.sqlite").toStdString();
        // Named explicitly: an error before anything trains.
        request.history.required = true;
        Watcher watcher;
        QVERIFY_THROWS_EXCEPTION(Error, Runner().run(request, &watcher));
        QVERIFY(watcher.setups.empty());
        // The default one: the runs go on unrecorded, and say so.
        request.history.required = false;
        const RunOutcome outcome = Runner().run(request, &watcher);
        QVERIFY(outcome.historyIds.empty());
        QCOMPARE(outcome.runs.size(), size_t(1));
        QVERIFY(!watcher.notes.empty() &&
                watcher.notes[0].find("not recording") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestRunner)
#include "test_runner.moc"
