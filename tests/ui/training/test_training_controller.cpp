// TrainingController + TrainingSession without the window: what the engine reports reaches the
// session complete and in order, and errors end a batch cleanly.

#include "training/training_controller.h"
#include "training/training_session.h"
#include "ui_test_support.h"

#include <airbench/device.h>
#include <airbench/recipe.h>

#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

namespace {

TrainRequest tinyRequest(double epochs, int runs = 1) {
    TrainRequest r;
    r.dataset = test::sharedData();
    r.config.recipe = recipes().front().name;
    r.config.overrides = {
        {"epochs", epochs}, {"batch_size", 256}, {"tta_level", 0}, {"width_multiplier", 0.125}};
    r.config.run.runs = runs;
    r.config.run.device = DeviceRequest::Cpu;
    r.config.data.trainSubset = 2048;
    r.config.data.testSubset = 512;
    return r;
}

}  // namespace

class TestTrainingController : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::setUpGuiTests(); }

    void sessionHoldsEveryStepEpochAndSummary() {
        AIRBENCH_REQUIRE_SOME_DATA();
        TrainingSession session;
        TrainingController controller(&session);
        QSignalSpy finished(&controller, &TrainingController::finished);
        QSignalSpy runFinished(&controller, &TrainingController::runFinished);
        QSignalSpy epochs(&controller, &TrainingController::epochFinished);
        QSignalSpy failed(&controller, &TrainingController::failed);
        QSignalSpy appended(&session, &TrainingSession::stepsAppended);

        QVERIFY(controller.start(tinyRequest(2, 2)));
        QVERIFY(controller.isRunning());
        QVERIFY(!controller.start(tinyRequest(2)));  // one batch at a time
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 180000);
        QVERIFY(!controller.isRunning());
        QCOMPARE(failed.count(), 0);
        QCOMPARE(runFinished.count(), 2);
        QCOMPARE(session.runCount(), 2);
        for (int id = 0; id < 2; ++id) {
            const RunRecord& run = session.run(id);
            const RunSummary reported = runFinished.at(id).at(1).value<RunSummary>();
            QCOMPARE(runFinished.at(id).at(0).toInt(), id);
            QVERIFY(run.state == RunRecord::State::Finished);
            QCOMPARE(run.seed, uint64_t(id));
            QCOMPARE(reported.seed, uint64_t(id));
            QCOMPARE(run.summary.ttaValAccuracy, reported.ttaValAccuracy);
            QVERIFY(reported.ttaValAccuracy > 0 && reported.ttaValAccuracy <= 1);
            // Every step once, in order: 1..totalSteps.
            QCOMPARE(run.losses.size(), static_cast<int>(reported.steps));
            QCOMPARE(static_cast<int64_t>(run.losses.size()), run.plan.totalSteps);
            for (int i = 0; i < run.steps.size(); ++i) {
                QCOMPARE(run.steps[i], double(i + 1));
            }
            QCOMPARE(static_cast<int>(run.epochs.size()), run.plan.epochs);
        }
        QCOMPARE(epochs.count(), session.run(0).plan.epochs * 2);
        // Batched: never more appends than steps.
        QVERIFY(appended.count() <= session.run(0).losses.size() * 2);
        const BatchSummary b = session.summarizeBatch(0);
        QCOMPARE(b.completed, 2);
        const Summary expected = summarize(
            {session.run(0).summary.ttaValAccuracy, session.run(1).summary.ttaValAccuracy});
        QCOMPARE(b.ttaAccuracy.mean, expected.mean);
        QCOMPARE(b.ttaAccuracy.stddev, expected.stddev);
    }

    void engineErrorsEndTheBatchCleanly() {
        AIRBENCH_REQUIRE_SOME_DATA();
        TrainingSession session;
        TrainingController controller(&session);
        QSignalSpy finished(&controller, &TrainingController::finished);
        QSignalSpy failed(&controller, &TrainingController::failed);

        // Fewer examples than one batch: the engine refuses with a message.
        TrainRequest tooSmall = tinyRequest(1);
        tooSmall.config.data.trainSubset = 100;
        QVERIFY(controller.start(tooSmall));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("fewer than one batch")),
                 qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(!controller.isRunning());

        // No dataset at all.
        TrainRequest none = tinyRequest(1);
        none.dataset = nullptr;
        QVERIFY(controller.start(none));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QCOMPARE(failed.count(), 2);
        QVERIFY(failed.at(1).at(0).toString().contains(QStringLiteral("No dataset")));

        // CUDA asked for where there is none: resolveDevice's message.
        if (!cudaAvailable()) {
            TrainRequest cuda = tinyRequest(1);
            cuda.config.run.device = DeviceRequest::Cuda;
            QString expected;
            try {
                resolveDevice(DeviceRequest::Cuda);
            } catch (const std::exception& e) {
                expected = QString::fromStdString(e.what());
            }
            QVERIFY(controller.start(cuda));
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 60000);
            QCOMPARE(failed.count(), 3);
            QCOMPARE(failed.at(2).at(0).toString(), expected);
        }
        QCOMPARE(session.runCount(), 0);  // nothing started, nothing recorded

        // And the controller still trains afterwards.
        QVERIFY(controller.start(tinyRequest(1)));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), cudaAvailable() ? 3 : 4, 120000);
        QCOMPARE(session.runCount(), 1);
        QVERIFY(session.run(0).state == RunRecord::State::Finished);
    }

    // Closing right after Train: stopAndWait ends the batch whether or not it had begun, and the
    // controller trains again afterwards.
    void stopAndWaitRightAfterStart() {
        AIRBENCH_REQUIRE_SOME_DATA();
        TrainingSession session;
        TrainingController controller(&session);
        QSignalSpy finished(&controller, &TrainingController::finished);
        QVERIFY(controller.start(tinyRequest(50)));
        controller.stopAndWait();
        QCOMPARE(finished.count(), 1);
        QVERIFY(!controller.isRunning());
        for (int id = 0; id < session.runCount(); ++id) {
            QVERIFY(session.run(id).state != RunRecord::State::Running);
        }
        QVERIFY(controller.start(tinyRequest(1)));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120000);
        QVERIFY(session.run(session.runCount() - 1).state == RunRecord::State::Finished);
    }

    // Destroying the controller mid-run stops and joins the training thread.
    void destructionMidRunJoins() {
        AIRBENCH_REQUIRE_SOME_DATA();
        TrainingSession session;
        QElapsedTimer clock;
        {
            TrainingController controller(&session);
            QVERIFY(controller.start(tinyRequest(50)));
            QTRY_VERIFY_WITH_TIMEOUT(session.runCount() == 1 && session.run(0).losses.size() >= 1,
                                     60000);
            clock.start();
        }
        qInfo("destroyed mid-run in %lld ms", static_cast<long long>(clock.elapsed()));
        QVERIFY(clock.elapsed() < 10000);
    }
};

QTEST_MAIN(TestTrainingController)
#include "test_training_controller.moc"
