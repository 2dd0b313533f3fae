// Screenshots of the window during and after a real two-run session (CIFAR-10 subset when found,
// else Fashion-MNIST), written as PNGs to $AIRBENCH_SCREENSHOT_DIR or build-gui/screenshots.
// docs/screenshots/main-*.png are copies of these. Asserts only that the images were written.

#include "dataset_panel.h"
#include "hyperparameter_form.h"
#include "main_window.h"
#include "training_controller.h"
#include "training_session.h"
#include "ui_test_support.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

class TestScreenshots : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::setUpGuiTests(); }

    void duringAndAfterTraining() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const QString dir = qEnvironmentVariableIsEmpty("AIRBENCH_SCREENSHOT_DIR")
                                ? QStringLiteral(AIRBENCH_SCREENSHOT_DEFAULT_DIR)
                                : qEnvironmentVariable("AIRBENCH_SCREENSHOT_DIR");
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
        HyperparameterForm* f = w.hyperparameterForm();
        f->epochsBox()->setValue(4);
        f->batchSizeBox()->setValue(128);
        f->widthBox()->setValue(0.25);
        f->ttaBox()->setCurrentIndex(1);
        f->runsBox()->setValue(2);
        f->deviceBox()->setCurrentIndex(f->deviceBox()->findData(int(DeviceRequest::Cpu)));

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

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        QTest::qWait(200);
        const QString done = QDir(dir).filePath(QStringLiteral("main-finished.png"));
        QVERIFY(w.grab().save(done));
        qInfo("wrote %s and %s", qPrintable(training), qPrintable(done));
    }
};

QTEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
