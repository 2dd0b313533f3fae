// The explorer in the workbench window after real (tiny) runs: the run's network is kept, the
// test set is inferred for the confusion matrix (whose accuracy is the run's), a cell shows those
// test images, the training set is scored with the network (in-sample, said so), scores export,
// a mask of another dataset is refused in the window's banner, "train on mask" trains on the
// mask's examples with the mask's name on the curves, and a held-out scoring job says it is
// held-out.

#include "analysis/analysis_controller.h"
#include "common/error_banner.h"
#include "data/dataset_panel.h"
#include "explorer/confusion_matrix_model.h"
#include "explorer/confusion_matrix_view.h"
#include "explorer/explorer_panel.h"
#include "explorer/mask_list_model.h"
#include "explorer/mask_panel.h"
#include "explorer/scoring_panel.h"
#include "main_window.h"
#include "training/loss_plot.h"
#include "training/run_config_form.h"
#include "training/training_controller.h"
#include "training/training_session.h"
#include "ui_test_support.h"

#include <airbench/error.h>

#include <QCheckBox>
#include <QComboBox>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>

using namespace airbench;
using namespace airbench::ui;

namespace {

constexpr int kRunTimeoutMs = 180000;

}  // namespace

class TestExplorerWorkflow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::setUpGuiTests(); }

    void scoreExploreMaskAndRetrain() {
        AIRBENCH_REQUIRE_SOME_DATA();
        MainWindowOptions options;
        options.loadDataset = false;
        MainWindow w(options);
        w.datasetPanel()->setDataset(test::sharedData());
        w.resize(1280, 800);
        w.show();
        test::configureTinyRun(w, 1);
        ExplorerPanel* explorer = w.explorer();
        QSignalSpy finished(w.controller(), &TrainingController::finished);
        QSignalSpy predictions(w.analysis(), &AnalysisController::testPredictionsReady);
        QSignalSpy scores(w.analysis(), &AnalysisController::scoresReady);

        // 1. A run: its network is kept, and the test set is inferred with it.
        QTest::mouseClick(w.trainButton(), Qt::LeftButton);
        QVERIFY(!explorer->scoring()->runJobButton()->isEnabled());  // training: jobs wait
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
        QVERIFY2(w.errorBanner()->isHidden(), qPrintable(w.errorBanner()->text()));
        const TrainedModelPtr model = w.controller()->lastModel();
        QVERIFY(model);
        QCOMPARE(model->runId, 0);
        QCOMPARE(model->context.trainCount, int64_t(2048));
        QCOMPARE(explorer->lastModel(), model);
        QVERIFY(explorer->scoring()->modelText().contains(QStringLiteral("run 1")));
        QTRY_COMPARE_WITH_TIMEOUT(predictions.count(), 1, 60000);
        ConfusionMatrixModel* confusion = explorer->confusion()->model();
        QCOMPARE(confusion->total(), int64_t(512));
        const RunSummary& summary = w.session()->run(0).summary;
        qInfo("confusion-matrix accuracy %.4f, the run's TTA accuracy %.4f", confusion->accuracy(),
              summary.ttaValAccuracy);
        QVERIFY(std::abs(confusion->accuracy() - summary.ttaValAccuracy) < 1.5 / 512);

        // 2. A confusion cell shows those test images.
        w.tabs()->setCurrentWidget(explorer);
        explorer->showSideTab(explorer->confusion());
        int t = 0, p = 0;
        for (int a = 0; a < confusion->classes(); ++a) {
            for (int b = 0; b < confusion->classes(); ++b) {
                if (confusion->count(a, b) > confusion->count(t, p)) {
                    t = a;
                    p = b;
                }
            }
        }
        QTableView* table = explorer->confusion()->table();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(confusion->index(t, p)).center());
        QCOMPARE(explorer->split(), Split::Test);
        QCOMPARE(int64_t(explorer->shownExamples().size()), confusion->count(t, p));
        const DataContext& c = explorer->context();
        for (int64_t i : explorer->shownExamples()) {
            QCOMPARE(c.dataset->test.labels[size_t(i)], int64_t(t));
        }

        // 3. Score the training set with the run's network: in-sample, and said so.
        explorer->showSideTab(explorer->scoring());
        QTest::mouseClick(explorer->scoring()->scoreWithModelButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(scores.count(), 1, 60000);
        QVERIFY(explorer->trainScores().valid());
        QCOMPARE(explorer->trainScores().scores->size, int64_t(2048));
        const QString provenance = explorer->scoring()->provenanceText();
        QVERIFY2(provenance.contains(QStringLiteral("in-sample")), qPrintable(provenance));
        QVERIFY(provenance.contains(QString::fromStdString(model->recipe)));
        QVERIFY(provenance.contains(QStringLiteral("run 1")));
        explorer->setSplit(Split::Train);
        explorer->clearFilters();  // the confusion cell's class filters
        QCOMPARE(explorer->shownExamples().size(), size_t(2048));
        QTemporaryDir dir;
        QVERIFY(explorer->exportScores(dir.filePath(QStringLiteral("scores.csv"))));

        // 4. A mask of another dataset is refused, with the engine's message in the banner.
        Mask foreign = maskRandom(2048, 0.5, 1, "foreign");
        foreign.setDatasetHash(std::string(64, 'f'));
        const QString foreignPath = dir.filePath(QStringLiteral("foreign.json"));
        foreign.save(foreignPath.toStdString());
        QString expected;
        try {
            Mask::load(foreignPath.toStdString(), c.hash, 2048);
        } catch (const Error& e) {
            expected = QString::fromStdString(e.what());
        }
        QVERIFY(!expected.isEmpty());
        QCOMPARE(explorer->masks()->loadFile(foreignPath), -1);
        QVERIFY(w.errorBanner()->isVisible());
        QCOMPARE(w.errorBanner()->text(), expected);
        w.errorBanner()->dismiss();

        // 5. Train on the lowest-confidence half: a run like any other, labelled with the mask.
        const int row = explorer->masks()->createFromQuantile(0.5, true);
        QVERIFY2(row >= 0, qPrintable(explorer->masks()->message()));
        const MaskPtr mask = explorer->masks()->model()->mask(row);
        QCOMPARE(mask->count(), int64_t(1024));
        QTest::mouseClick(explorer->masks()->trainButton(), Qt::LeftButton);
        QVERIFY(w.controller()->isRunning());
        QCOMPARE(w.tabs()->currentIndex(), 0);  // the curves
        QVERIFY(!explorer->masks()->trainButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kRunTimeoutMs);
        QVERIFY2(w.errorBanner()->isHidden(), qPrintable(w.errorBanner()->text()));
        const RunRecord& masked = w.session()->run(1);
        QVERIFY(masked.state == RunRecord::State::Finished);
        QCOMPARE(masked.mask, QString::fromStdString(mask->name()));
        QCOMPARE(masked.plan.trainExamples, int64_t(1024));
        QVERIFY(masked.label().contains(QStringLiteral("mask ") + masked.mask));
        QCOMPARE(w.lossPlot()->graphOf(1)->name(), masked.label());
        QVERIFY(w.controller()->lastModel()->maskName == masked.mask);
        QTRY_COMPARE_WITH_TIMEOUT(predictions.count(), 2, 60000);

        // 6. A held-out scoring job (2 folds, the form's 1-epoch tiny recipe).
        explorer->scoring()->foldsBox()->setValue(2);
        explorer->scoring()->runsBox()->setValue(1);
        QVERIFY(explorer->scoring()->runJobButton()->isEnabled());
        QTest::mouseClick(explorer->scoring()->runJobButton(), Qt::LeftButton);
        QVERIFY(w.analysis()->isHeavyBusy());
        QVERIFY(!w.trainButton()->isEnabled());  // one job that trains networks at a time
        QTRY_COMPARE_WITH_TIMEOUT(scores.count(), 2, kRunTimeoutMs);
        QVERIFY2(w.errorBanner()->isHidden(), qPrintable(w.errorBanner()->text()));
        const QString heldOut = explorer->scoring()->provenanceText();
        QVERIFY2(heldOut.contains(QStringLiteral("held-out (2 folds)")), qPrintable(heldOut));
        QVERIFY(explorer->trainScores().scores->provenance.heldOut);
        QTRY_VERIFY(w.trainButton()->isEnabled());
    }
};

QTEST_MAIN(TestExplorerWorkflow)
#include "test_explorer_workflow.moc"
