// Runs trained from the window go into the run history (a temporary database through
// MainWindowOptions::historyPath, never the user's): exactly the runs trained, finished with the
// accuracies, epochs and step losses the window showed and the configuration of the form; a
// stopped run as cancelled; a diverged one as failed with its message; none with File > Record
// runs in the history off (a setting that comes back in a new window); and the Runs tab lists
// them when the batch ends.

#include "analysis/analysis_controller.h"
#include "common/error_banner.h"
#include "common/log_pane.h"
#include "data/dataset_panel.h"
#include "explorer/explorer_panel.h"
#include "main_window.h"
#include "runs/history_controller.h"
#include "runs/run_history_model.h"
#include "runs/runs_panel.h"
#include "training/run_config_form.h"
#include "training/training_controller.h"
#include "training/training_session.h"
#include "ui_test_support.h"

#include <airbench/history.h>

#include <QAction>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>

using namespace airbench;
using namespace airbench::ui;

namespace {

constexpr int kRunTimeoutMs = 180000;

std::unique_ptr<MainWindow> newWindow(const QString& historyPath) {
    MainWindowOptions options;
    options.loadDataset = false;
    options.historyPath = historyPath;
    auto window = std::make_unique<MainWindow>(options);
    window->datasetPanel()->setDataset(test::sharedData());
    window->show();
    return window;
}

// Trains the form's configuration and waits for the batch to end.
bool trainAndWait(MainWindow& w) {
    QSignalSpy finished(w.controller(), &TrainingController::finished);
    QTest::mouseClick(w.trainButton(), Qt::LeftButton);
    return w.controller()->isRunning() && finished.wait(kRunTimeoutMs);
}

}  // namespace

class TestMainWindowHistory : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    QString freshPath() const {
        return dir_.filePath(QStringLiteral("%1.sqlite").arg(QTest::currentTestFunction()));
    }

private slots:
    void initTestCase() {
        test::setUpGuiTests();
        QVERIFY(dir_.isValid());
    }

    void init() { QSettings().clear(); }

    void recordsExactlyTheRunsTrained() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const QString path = freshPath();
        auto w = newWindow(path);
        QCOMPARE(w->historyPath(), path);
        QVERIFY(w->recordRunsAction()->isChecked());  // on by default
        test::configureTinyRun(*w, 1, 2);
        QSignalSpy recorded(w->controller(), &TrainingController::runRecorded);
        QVERIFY(trainAndWait(*w));
        QCOMPARE(w->session()->runCount(), 2);
        QCOMPARE(recorded.count(), 2);

        history::Database db(path.toStdString());
        const std::vector<history::RunRecord> runs = db.runs();  // newest first
        QCOMPARE(runs.size(), size_t(2));
        for (int id = 0; id < 2; ++id) {
            const RunRecord& run = w->session()->run(id);
            QVERIFY(run.state == RunRecord::State::Finished);
            QVERIFY(run.historyId > 0);
            const history::RunRecord& r = runs[size_t(1 - id)];
            QCOMPARE(r.id, run.historyId);
            QCOMPARE(recorded.at(id).at(1).toLongLong(), r.id);
            QCOMPARE(r.status, history::RunStatus::Finished);
            QCOMPARE(QString::fromStdString(r.recipe), run.recipe);
            QCOMPARE(r.seed, run.seed);
            QCOMPARE(r.ttaValAccuracy, run.summary.ttaValAccuracy);
            QCOMPARE(r.valAccuracy, run.summary.valAccuracy);
            QCOMPARE(r.steps, run.summary.steps);
            QCOMPARE(r.epochsDone, 1);
            QCOMPARE(r.datasetName, test::sharedData()->name);
            QVERIFY(r.maskName.empty());
            // Every epoch and every step loss (a short run keeps each step).
            const std::vector<EpochMetrics> epochs = db.epochs(r.id);
            QCOMPARE(epochs.size(), run.epochs.size());
            QCOMPARE(epochs[0].valAccuracy, run.epochs[0].valAccuracy);
            const std::vector<history::StepPoint> steps = db.steps(r.id);
            QCOMPARE(int64_t(steps.size()), run.summary.steps);
            QVERIFY(qAbs(steps.back().loss - run.losses.back()) < 1e-4 * run.losses.back());
            // The configuration of the form, as `airbench train` records it.
            const std::string& config = r.configJson;
            for (const char* field :
                 {"\"batch_size\":256", "\"width_multiplier\":0.125", "\"tta_level\":0",
                  "\"train_examples\":2048", "\"test_examples\":512", "\"runs\":2"}) {
                QVERIFY2(
                    config.find(field) != std::string::npos,
                    qPrintable(
                        QStringLiteral("%1 lacks %2").arg(QString::fromStdString(config), field)));
            }
            QVERIFY(config.find("\"seed\":" + std::to_string(run.seed)) != std::string::npos);
        }
        // Two seeds of one configuration: one group.
        const std::vector<history::RunGroup> groups = db.groups();
        QCOMPARE(groups.size(), size_t(1));
        QCOMPARE(groups[0].runIds, (std::vector<int64_t>{w->session()->run(0).historyId,
                                                         w->session()->run(1).historyId}));
        QCOMPARE(groups[0].finished, 2);

        // The Runs tab lists them once the batch ended, and the log says where they went.
        RunsPanel* panel = w->runsPanel();
        QCOMPARE(panel->history()->path(), path);
        QCOMPARE(panel->model()->rowCount(), 2);
        QCOMPARE(panel->model()->record(0).id, runs[0].id);
        QCOMPARE(panel->model()->record(1).id, runs[1].id);
        w->tabs()->setCurrentWidget(panel);
        QVERIFY(panel->isVisible());
        QCOMPARE(w->tabs()->tabText(w->tabs()->currentIndex()), QStringLiteral("Runs"));
        QVERIFY2(w->logPane()->toPlainText().contains(
                     QStringLiteral("recorded 2 runs (#%1 to #%2) in %3")
                         .arg(runs[1].id)
                         .arg(runs[0].id)
                         .arg(path)),
                 qPrintable(w->logPane()->toPlainText()));

        // A second batch adds exactly its run.
        test::setKnob(*w->runConfigForm(), "runs", 1);
        QVERIFY(trainAndWait(*w));
        QCOMPARE(db.countRuns(), int64_t(3));
        QCOMPARE(panel->model()->rowCount(), 3);
        QCOMPARE(panel->model()->record(0).id, w->session()->run(2).historyId);
    }

    void stoppedRunIsRecordedAsCancelled() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const QString path = freshPath();
        auto w = newWindow(path);
        test::configureTinyRun(*w, 40);  // far longer than the test waits
        QSignalSpy finished(w->controller(), &TrainingController::finished);
        QTest::mouseClick(w->trainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            w->session()->runCount() == 1 && w->session()->run(0).losses.size() >= 2, 60000);
        QTest::mouseClick(w->stopButton(), Qt::LeftButton);
        QVERIFY(finished.wait(30000));
        history::Database db(path.toStdString());
        const std::vector<history::RunRecord> runs = db.runs();
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0].status, history::RunStatus::Cancelled);
        QCOMPARE(runs[0].id, w->session()->run(0).historyId);
        QCOMPARE(runs[0].steps, w->session()->run(0).summary.steps);
        QCOMPARE(runs[0].plannedEpochs, 40);
        QCOMPARE(w->runsPanel()->model()->rowCount(), 1);
        QCOMPARE(w->runsPanel()->model()->index(0, RunHistoryModel::StatusColumn).data().toString(),
                 QStringLiteral("cancelled"));
    }

    void divergedRunIsRecordedAsFailedWithTheMessage() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const QString path = freshPath();
        auto w = newWindow(path);
        test::configureTinyRun(*w, 2);
        test::setKnob(*w->runConfigForm(), "learning_rate", 1e15);  // NaN within a few steps
        QSignalSpy failed(w->controller(), &TrainingController::failed);
        QVERIFY(trainAndWait(*w));
        QCOMPARE(failed.count(), 1);
        const QString message = failed.at(0).at(0).toString();
        history::Database db(path.toStdString());
        const std::vector<history::RunRecord> runs = db.runs();
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0].status, history::RunStatus::Failed);
        QCOMPARE(QString::fromStdString(runs[0].error), message);
        QVERIFY2(message.contains(QStringLiteral("diverged")), qPrintable(message));
        QCOMPARE(runs[0].id, w->session()->run(0).historyId);
        QCOMPARE(w->runsPanel()->model()->index(0, RunHistoryModel::StatusColumn).data().toString(),
                 QStringLiteral("failed"));
    }

    void recordToggleOffRecordsNone() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const QString path = freshPath();
        {
            auto w = newWindow(path);
            w->recordRunsAction()->trigger();  // File > Record runs in the history: off
            QVERIFY(!w->recordRunsAction()->isChecked());
            QCOMPARE(QSettings().value(QStringLiteral("history/record")).toBool(), false);
            test::configureTinyRun(*w, 1, 2);
            QVERIFY(trainAndWait(*w));
            QCOMPARE(w->session()->runCount(), 2);
            QVERIFY(w->session()->run(0).state == RunRecord::State::Finished);
            QCOMPARE(w->session()->run(0).historyId, qint64(0));
            QCOMPARE(w->session()->run(1).historyId, qint64(0));
            QCOMPARE(history::Database(path.toStdString()).countRuns(), int64_t(0));
            QCOMPARE(w->runsPanel()->model()->rowCount(), 0);
            QVERIFY(!w->logPane()->toPlainText().contains(QStringLiteral("recorded")));
        }
        // The choice comes back in a new window; switched on again, runs are recorded.
        auto w = newWindow(path);
        QVERIFY(!w->recordRunsAction()->isChecked());
        w->recordRunsAction()->trigger();
        QVERIFY(w->recordRunsAction()->isChecked());
        test::configureTinyRun(*w, 1, 1);
        QVERIFY(trainAndWait(*w));
        QCOMPARE(history::Database(path.toStdString()).countRuns(), int64_t(1));
        QCOMPARE(w->runsPanel()->model()->rowCount(), 1);
    }

    // File > Keep trained networks: the run's network is saved beside the history and recorded
    // as its checkpoint; Open Network in the Runs tab loads it into the Explorer, where the test
    // set's predictions at the run's TTA level give back the run's own final accuracy.
    void keptNetworkReopensInTheExplorer() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const QString path = freshPath();
        auto w = newWindow(path);
        QVERIFY(!w->keepNetworksAction()->isChecked());  // off by default
        w->keepNetworksAction()->trigger();
        QCOMPARE(QSettings().value(QStringLiteral("history/keep_networks")).toBool(), true);
        test::configureTinyRun(*w, 1, 1);
        QVERIFY(trainAndWait(*w));
        const RunRecord& run = w->session()->run(0);
        QVERIFY(run.historyId > 0);

        const QString expected = QFileInfo(path).absoluteDir().filePath(
            QStringLiteral("networks/run-%1.pt").arg(run.historyId));
        QCOMPARE(w->networksFolder(), QFileInfo(expected).absolutePath());
        QVERIFY(QFileInfo::exists(expected));
        const std::vector<history::Artifact> files =
            history::Database(path.toStdString()).artifacts(run.historyId);
        QCOMPARE(files.size(), size_t(1));
        QCOMPARE(files[0].kind, std::string("checkpoint"));
        QCOMPARE(QString::fromStdString(files[0].path), expected);

        RunsPanel* panel = w->runsPanel();
        w->tabs()->setCurrentWidget(panel);
        panel->selectIds({run.historyId});
        QCOMPARE(panel->history()->checkpointOf(run.historyId), expected);
        QVERIFY(panel->openNetworkButton()->isEnabled());
        QSignalSpy predicted(w->analysis(), &AnalysisController::testPredictionsReady);
        QTest::mouseClick(panel->openNetworkButton(), Qt::LeftButton);
        QVERIFY(predicted.wait(kRunTimeoutMs));
        QCOMPARE(w->tabs()->currentWidget(), static_cast<QWidget*>(w->explorer()));
        const TrainedModelPtr opened = w->explorer()->lastModel();
        QVERIFY(opened);
        QCOMPARE(opened->historyId, run.historyId);
        QCOMPARE(opened->label(), QStringLiteral("recorded run #%1 · %2 · seed %3")
                                      .arg(run.historyId)
                                      .arg(QString::fromStdString(opened->recipe))
                                      .arg(opened->seed));
        QVERIFY2(!opened->label().contains(QLatin1Char('%')), qPrintable(opened->label()));
        QCOMPARE(opened->ttaLevel, 0);  // the tiny run's, from its record (the recipe says 2)
        const ScoreTable& table = w->explorer()->testPredictions();
        QVERIFY(table.scores);
        int64_t correct = 0;
        for (uint8_t c : table.scores->correct)
            correct += c;
        const double accuracy = double(correct) / double(table.scores->size);
        QVERIFY2(
            qAbs(accuracy - run.summary.ttaValAccuracy) < 1e-6,
            qPrintable(QStringLiteral("%1 vs %2").arg(accuracy).arg(run.summary.ttaValAccuracy)));
        QVERIFY(w->logPane()->toPlainText().contains(
            QStringLiteral("Opened the network of run #%1").arg(run.historyId)));

        // A damaged file is refused with the run and the file named; nothing changes.
        QFile file(expected);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("not a network");
        file.close();
        QVERIFY(!w->openNetwork(run.historyId, expected));
        QVERIFY2(w->errorBanner()->text().contains(expected), qPrintable(w->errorBanner()->text()));
        QCOMPARE(w->explorer()->lastModel(), opened);

        // A run that kept nothing cannot be opened.
        w->keepNetworksAction()->trigger();
        QVERIFY(trainAndWait(*w));
        panel->selectIds({w->session()->run(1).historyId});
        QVERIFY(panel->history()->checkpointOf(w->session()->run(1).historyId).isEmpty());
        QVERIFY(!panel->openNetworkButton()->isEnabled());
    }
};

QTEST_MAIN(TestMainWindowHistory)
#include "test_main_window_history.moc"
