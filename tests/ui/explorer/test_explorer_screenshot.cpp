// Screenshots of the explorer after a real small run (CIFAR-10 subset when found, else
// Fashion-MNIST): the training set scored with the run's network, sorted by confidence, lowest
// first, the histogram's threshold set, one image open; then the confusion matrix and the masks.
// Written as PNGs to $AIRBENCH_SCREENSHOT_DIR or build-gui/screenshots (docs/screenshots/
// main-explorer*.png are copies). Asserts only that the images were written.

#include "analysis/analysis_controller.h"
#include "data/dataset_panel.h"
#include "explorer/confusion_matrix_view.h"
#include "explorer/explorer_panel.h"
#include "explorer/mask_panel.h"
#include "explorer/score_histogram.h"
#include "explorer/scoring_panel.h"
#include "main_window.h"
#include "training/run_config_form.h"
#include "training/training_controller.h"
#include "ui_test_support.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

class TestExplorerScreenshot : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::setUpGuiTests(); }

    void afterARun() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const QString dir = qEnvironmentVariableIsEmpty("AIRBENCH_SCREENSHOT_DIR")
                                ? QStringLiteral(AIRBENCH_SCREENSHOT_DEFAULT_DIR)
                                : qEnvironmentVariable("AIRBENCH_SCREENSHOT_DIR");
        QVERIFY(QDir().mkpath(dir));

        MainWindowOptions options;
        options.loadDataset = false;
        MainWindow w(options);
        w.resize(1440, 900);
        w.datasetPanel()->setDataset(test::sharedData());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        // Small enough for a CPU test, trained enough for scores worth looking at.
        w.datasetPanel()->setSubsets(4096, 1024);
        RunConfigForm* f = w.runConfigForm();
        test::setKnob(*f, "epochs", 4);
        test::setKnob(*f, "batch_size", 256);
        test::setKnob(*f, "width_multiplier", 0.25);
        test::setKnob(*f, "tta_level", 0);
        test::setKnob(*f, "runs", 1);
        test::setKnob(*f, "device", 1);  // cpu

        QSignalSpy finished(w.controller(), &TrainingController::finished);
        QSignalSpy predictions(w.analysis(), &AnalysisController::testPredictionsReady);
        QSignalSpy scores(w.analysis(), &AnalysisController::scoresReady);
        QTest::mouseClick(w.trainButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        QTRY_COMPARE_WITH_TIMEOUT(predictions.count(), 1, 60000);

        ExplorerPanel* e = w.explorer();
        w.tabs()->setCurrentWidget(e);
        QTest::mouseClick(e->scoring()->scoreWithModelButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(scores.count(), 1, 60000);

        // Lowest confidence first, the 25% least confident kept by the threshold.
        e->setScoreKind(ScoreKind::Confidence);
        e->setSortOrder(SortOrder::Ascending);
        e->showSideTab(e->histogram());
        std::vector<float> v = e->trainScores().scores->values(ScoreKind::Confidence);
        std::nth_element(v.begin(), v.begin() + v.size() / 4, v.end());
        e->thresholdBox()->setCurrentIndex(
            e->thresholdBox()->findData(int(ExampleFilter::Threshold::AtMost)));
        e->histogram()->setThreshold(v[v.size() / 4]);
        e->masks()->createFromQuantile(0.5, true);
        QListView* grid = e->grid();
        QTest::mouseClick(grid->viewport(), Qt::LeftButton, {},
                          grid->visualRect(grid->model()->index(0, 0)).center());
        QTest::qWait(200);
        const QString main = QDir(dir).filePath(QStringLiteral("main-explorer.png"));
        QVERIFY(w.grab().save(main));

        e->showSideTab(e->confusion());
        QTest::qWait(100);
        const QString confusion = QDir(dir).filePath(QStringLiteral("main-explorer-confusion.png"));
        QVERIFY(w.grab().save(confusion));
        e->showSideTab(e->masks());
        QTest::qWait(100);
        const QString masks = QDir(dir).filePath(QStringLiteral("main-explorer-masks.png"));
        QVERIFY(w.grab().save(masks));
        qInfo("wrote %s, %s and %s", qPrintable(main), qPrintable(confusion), qPrintable(masks));
    }
};

QTEST_MAIN(TestExplorerScreenshot)
#include "test_explorer_screenshot.moc"
