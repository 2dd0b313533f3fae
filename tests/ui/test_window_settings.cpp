// WindowSettings: what the window remembers between sessions. Defaults on a first start, every
// value back from a new instance (a new process reads the same file), the window's geometry and
// splitter sizes, and the run settings carried over to another recipe (its overrides dropped, the
// run fields kept).

#include "ui_test_support.h"
#include "window_settings.h"

#include <QMainWindow>
#include <QSettings>
#include <QSplitter>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

class TestWindowSettings : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::setUpGuiTests(); }

    void init() { QSettings().clear(); }

    void aFirstStartHasTheDefaults() {
        const WindowSettings saved;
        QVERIFY(saved.recordRuns());
        QVERIFY(!saved.keepNetworks());
        QVERIFY(saved.datasetPath().isEmpty());
        QCOMPARE(saved.trainSubset(), int64_t(-1));
        QCOMPARE(saved.testSubset(), int64_t(-1));
        QMainWindow window;
        QVERIFY(!saved.restoreLayout(window, {}));
    }

    void valuesComeBackInANewInstance() {
        {
            WindowSettings saved;
            saved.setRecordRuns(false);
            saved.setKeepNetworks(true);
            saved.setDatasetPath(QStringLiteral("/data/cifar10"));
            saved.setSubsets(4096, 1000);
            RunSettings run;
            run.recipe = "airbench96";
            run.options.epochs = 3.5;
            run.runs = 4;
            saved.setRunSettings(run);
        }
        const WindowSettings saved;
        QVERIFY(!saved.recordRuns());
        QVERIFY(saved.keepNetworks());
        QCOMPARE(saved.datasetPath(), QStringLiteral("/data/cifar10"));
        QCOMPARE(saved.trainSubset(), int64_t(4096));
        QCOMPARE(saved.testSubset(), int64_t(1000));
        const RunSettings run = saved.runSettings();
        QCOMPARE(run.recipe, std::string("airbench96"));
        QCOMPARE(run.options.epochs.value_or(-1), 3.5);
        QCOMPARE(run.runs, 4);
    }

    void layoutComesBackInANewWindow() {
        QList<int> sizes;  // as the splitter fitted {200, 700} around its handle
        {
            QMainWindow window;
            auto* splitter = new QSplitter(Qt::Horizontal);
            splitter->setObjectName(QStringLiteral("split"));
            splitter->addWidget(new QWidget);
            splitter->addWidget(new QWidget);
            window.setCentralWidget(splitter);
            window.resize(900, 600);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            splitter->setSizes({200, 700});
            sizes = splitter->sizes();
            WindowSettings().saveLayout(window, {splitter});
        }
        QMainWindow window;
        auto* splitter = new QSplitter(Qt::Horizontal);
        splitter->setObjectName(QStringLiteral("split"));
        splitter->addWidget(new QWidget);
        splitter->addWidget(new QWidget);
        window.setCentralWidget(splitter);
        QVERIFY(WindowSettings().restoreLayout(window, {splitter}));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.size(), QSize(900, 600));
        QCOMPARE(splitter->sizes(), sizes);
    }

    void anotherRecipeKeepsOnlyTheRunFields() {
        RunSettings saved;
        saved.recipe = "airbench94";
        saved.options.epochs = 3.5;
        saved.options.learningRate = 5.0;
        saved.options.widthMultiplier = 0.25;
        saved.options.seed = 11;
        saved.options.compiled = true;
        saved.options.fusedNormActivation = true;
        saved.options.compactPooling = true;
        saved.runs = 3;
        saved.device = DeviceRequest::Cpu;

        const RunSettings same = WindowSettings::carryOver(saved, "airbench94");
        QCOMPARE(same.options.epochs.value_or(-1), 3.5);
        QCOMPARE(same.options.learningRate.value_or(-1), 5.0);

        const RunSettings other = WindowSettings::carryOver(saved, "airbench96");
        QCOMPARE(other.recipe, std::string("airbench96"));
        QVERIFY(!other.options.epochs && !other.options.learningRate);
        QCOMPARE(other.options.widthMultiplier, 0.25);
        QCOMPARE(other.options.seed, uint64_t(11));
        QVERIFY(other.options.compiled && other.options.fusedNormActivation &&
                other.options.compactPooling);
        QCOMPARE(other.runs, 3);
        QVERIFY(other.device == DeviceRequest::Cpu);
    }
};

QTEST_MAIN(TestWindowSettings)
#include "test_window_settings.moc"
