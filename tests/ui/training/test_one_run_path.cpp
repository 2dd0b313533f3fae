// One run path: the same small CPU configuration, once through `airbench train` and once
// through the GUI's TrainingWorker, records the same configuration and the same accuracies in
// the run history (CPU runs are deterministic).

#include "training/step_buffer.h"
#include "training/training_worker.h"
#include "ui_test_support.h"

#include <airbench/history.h>

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

namespace {

// The configuration both front ends run: 512 training and 200 test images, width 0.125,
// batch 128, one epoch, two seeds from 3.
RunConfig tinyConfig() {
    RunConfig c;
    c.recipe = "airbench94";
    c.overrides = {{"width_multiplier", 0.125}, {"batch_size", 128}, {"epochs", 1}};
    c.run.seed = 3;
    c.run.runs = 2;
    c.run.threads = 1;
    c.run.device = DeviceRequest::Cpu;
    c.data.trainSubset = 512;
    c.data.testSubset = 200;
    return c;
}

std::vector<history::RunRecord> runsIn(const QString& path) {
    std::vector<history::RunRecord> runs = history::Database(path.toStdString()).runs();
    std::reverse(runs.begin(), runs.end());  // oldest first
    return runs;
}

}  // namespace

class TestOneRunPath : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::setUpGuiTests(); }

    void theCliAndTheGuiRecordTheSameRuns() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir dir;
        const QString cliDb = dir.filePath("cli.sqlite"), guiDb = dir.filePath("gui.sqlite");

        QProcess cli;
        cli.setProgram(qEnvironmentVariable("AIRBENCH_BIN_DIR") + "/airbench");
        cli.setArguments({"train",
                          "--data",
                          QString::fromStdString(test::cifarDir()),
                          "--train-subset",
                          "512",
                          "--test-subset",
                          "200",
                          "--width",
                          "0.125",
                          "--batch-size",
                          "128",
                          "--epochs",
                          "1",
                          "--seed",
                          "3",
                          "--runs",
                          "2",
                          "--threads",
                          "1",
                          "--device",
                          "cpu",
                          "--db",
                          cliDb});
        cli.start();
        QVERIFY(cli.waitForFinished(600000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

        auto stop = std::make_shared<std::atomic<bool>>(false);
        TrainingWorker worker(std::make_shared<StepBuffer>(), stop);
        QSignalSpy failed(&worker, &TrainingWorker::failed);
        TrainRequest request;
        request.dataset = test::cifarShared();
        request.config = tinyConfig();
        request.historyPath = guiDb;
        worker.run(request);
        QCOMPARE(failed.count(), 0);

        const auto fromCli = runsIn(cliDb), fromGui = runsIn(guiDb);
        QCOMPARE(fromCli.size(), size_t(2));
        QCOMPARE(fromGui.size(), size_t(2));
        for (size_t i = 0; i < 2; ++i) {
            QCOMPARE(fromGui[i].configJson, fromCli[i].configJson);
            QCOMPARE(fromGui[i].configKey, fromCli[i].configKey);
            QCOMPARE(fromGui[i].seed, uint64_t(3 + i));
            QCOMPARE(fromGui[i].ttaValAccuracy, fromCli[i].ttaValAccuracy);
            QCOMPARE(fromGui[i].valAccuracy, fromCli[i].valAccuracy);
            QCOMPARE(fromGui[i].steps, fromCli[i].steps);
        }
        // And what was recorded is the configuration that was asked for.
        const RunConfig back = runConfigFromJson(fromGui[1].configJson);
        QVERIFY(back.overrides == tinyConfig().overrides);
        QCOMPARE(back.run.seed, uint64_t(4));
        QCOMPARE(back.data.trainSubset, int64_t(512));
    }
};

QTEST_MAIN(TestOneRunPath)
#include "test_one_run_path.moc"
