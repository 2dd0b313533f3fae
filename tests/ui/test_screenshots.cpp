// Screenshots of the window during and after a real two-run session, and of the Runs tab after
// five real runs of two configurations (CIFAR-10 subset when found, else Fashion-MNIST), written
// as PNGs to $AIRBENCH_SCREENSHOT_DIR or build-gui/screenshots. docs/screenshots/main-*.png are
// copies of these. Each image is read back and must show what it is taken for: the window at its
// size, and in it the curves of every run in that run's colour (CurvePlot::runColor).

#include "common/curve_plot.h"
#include "data/dataset_panel.h"
#include "main_window.h"
#include "runs/history_curve_plot.h"
#include "runs/run_history_model.h"
#include "runs/runs_panel.h"
#include "training/run_config_form.h"
#include "training/training_controller.h"
#include "training/training_session.h"
#include "ui_test_support.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

namespace {

QString screenshotDir() {
    return qEnvironmentVariableIsEmpty("AIRBENCH_SCREENSHOT_DIR")
               ? QStringLiteral(AIRBENCH_SCREENSHOT_DEFAULT_DIR)
               : qEnvironmentVariable("AIRBENCH_SCREENSHOT_DIR");
}

// Pixels of `image` within a small distance of `colour` (antialiased edges blend; a curve's
// middle keeps its colour).
int pixelsNear(const QImage& image, const QColor& colour) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    int count = 0;
    for (int y = 0; y < rgb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x) {
            if (std::abs(qRed(line[x]) - colour.red()) < 24 &&
                std::abs(qGreen(line[x]) - colour.green()) < 24 &&
                std::abs(qBlue(line[x]) - colour.blue()) < 24) {
                ++count;
            }
        }
    }
    return count;
}

// The PNG at `path`, read back: the window's size, and each of `runs` drawn as a curve in its
// colour. A curve across a plot takes hundreds of pixels; a legend's sample line takes a few
// dozen, so a run whose curve is missing fails.
void verifyScreenshot(const QString& path, const QWidget& window, int runs) {
    const QImage image(path);
    QVERIFY2(!image.isNull(), qPrintable(path + " cannot be read back"));
    QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
    for (int run = 0; run < runs; ++run) {
        const int pixels = pixelsNear(image, CurvePlot::runColor(run));
        QVERIFY2(pixels > 150, qPrintable(QStringLiteral("%1: run %2's colour covers %3 pixels")
                                              .arg(path)
                                              .arg(run)
                                              .arg(pixels)));
    }
}

}  // namespace

class TestScreenshots : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::setUpGuiTests(); }

    void duringAndAfterTraining() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const QString dir = screenshotDir();
        QVERIFY(QDir().mkpath(dir));

        MainWindowOptions options;
        options.loadDataset = false;
        MainWindow w(options);
        w.resize(1280, 800);
        w.datasetPanel()->setDataset(test::sharedData());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        // Small enough for a CPU test, long enough for curves worth looking at.
        w.datasetPanel()->setSubsets(3072, 1024);
        RunConfigForm* f = w.runConfigForm();
        test::setKnob(*f, "epochs", 4);
        test::setKnob(*f, "batch_size", 128);
        test::setKnob(*f, "width_multiplier", 0.25);
        test::setKnob(*f, "tta_level", 1);
        test::setKnob(*f, "runs", 2);
        test::setKnob(*f, "device", 1);  // cpu

        QSignalSpy finished(w.controller(), &TrainingController::finished);
        QTest::mouseClick(w.trainButton(), Qt::LeftButton);
        // "During": the second run past half its steps, so two curves overlay.
        TrainingSession* s = w.session();
        QTRY_VERIFY_WITH_TIMEOUT(s->runCount() == 2 && s->run(1).plan.totalSteps > 0 &&
                                     s->run(1).losses.size() * 2 > s->run(1).plan.totalSteps,
                                 240000);
        QTest::qWait(200);  // one more flush and repaint
        const QString training = QDir(dir).filePath(QStringLiteral("main-training.png"));
        QVERIFY(w.grab().save(training));
        verifyScreenshot(training, w, 2);

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        QTest::qWait(200);
        const QString done = QDir(dir).filePath(QStringLiteral("main-finished.png"));
        QVERIFY(w.grab().save(done));
        verifyScreenshot(done, w, 2);
        qInfo("wrote %s and %s", qPrintable(training), qPrintable(done));
    }

    // The Runs tab over a temporary history: three seeds of one configuration and two of a
    // lower learning rate, tagged, all five overlaid.
    void runsTab() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const QString dir = screenshotDir();
        QVERIFY(QDir().mkpath(dir));
        QTemporaryDir history;
        QVERIFY(history.isValid());

        MainWindowOptions options;
        options.loadDataset = false;
        options.historyPath = history.filePath(QStringLiteral("history.sqlite"));
        MainWindow w(options);
        w.resize(1280, 800);
        w.datasetPanel()->setDataset(test::sharedData());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        w.datasetPanel()->setSubsets(2048, 512);
        RunConfigForm* f = w.runConfigForm();
        test::setKnob(*f, "epochs", 3);
        test::setKnob(*f, "batch_size", 128);
        test::setKnob(*f, "width_multiplier", 0.125);
        test::setKnob(*f, "tta_level", 0);
        test::setKnob(*f, "device", 1);  // cpu
        QSignalSpy finished(w.controller(), &TrainingController::finished);
        test::setKnob(*f, "runs", 3);
        QTest::mouseClick(w.trainButton(), Qt::LeftButton);
        QVERIFY(finished.wait(240000));
        test::setKnob(*f, "learning_rate", test::knob(*f, "learning_rate") / 2);
        test::setKnob(*f, "runs", 2);
        QTest::mouseClick(w.trainButton(), Qt::LeftButton);
        QVERIFY(finished.wait(240000));

        RunsPanel* runs = w.runsPanel();
        RunHistoryModel* model = runs->model();
        QCOMPARE(model->rowCount(), 5);
        for (int row = 0; row < model->rowCount(); ++row) {
            model->setData(model->index(row, RunHistoryModel::TagsColumn),
                           row < 2 ? QStringLiteral("lr-half") : QStringLiteral("baseline"));
        }
        model->setData(model->index(4, RunHistoryModel::NotesColumn),
                       QStringLiteral("2k-image subset, 3 epochs"));
        w.tabs()->setCurrentWidget(runs);
        // As a double-click on the header's divider would: the tags came after the columns fitted.
        runs->table()->resizeColumnToContents(RunHistoryModel::TagsColumn);
        runs->table()->selectAll();
        QCOMPARE(runs->selectedIds().size(), size_t(5));
        QTest::qWait(200);  // the queued replots
        const QString path = QDir(dir).filePath(QStringLiteral("main-runs.png"));
        QVERIFY(w.grab().save(path));
        // Five selected runs overlaid in the tab's plots, each in its own colour.
        QVERIFY(runs->lossPlot()->graphCount() >= 5);
        verifyScreenshot(path, w, 5);
        qInfo("wrote %s", qPrintable(path));
    }
};

QTEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
