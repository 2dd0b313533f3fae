// WindowSettings: what the window remembers between sessions. Defaults on a first start, every
// value back from a new instance (a new process reads the same file), the window's geometry and
// splitter sizes, and the run configuration (also from a settings file of an earlier version).

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
            RunConfig run;
            run.recipe = "airbench96";
            run.overrides["epochs"] = 3.5;
            run.run.runs = 4;
            saved.setRunConfig(run);
        }
        const WindowSettings saved;
        QVERIFY(!saved.recordRuns());
        QVERIFY(saved.keepNetworks());
        QCOMPARE(saved.datasetPath(), QStringLiteral("/data/cifar10"));
        QCOMPARE(saved.trainSubset(), int64_t(4096));
        QCOMPARE(saved.testSubset(), int64_t(1000));
        const RunConfig run = saved.runConfig();
        QCOMPARE(run.recipe, std::string("airbench96"));
        QCOMPARE(run.overrides.at("epochs"), 3.5);
        QCOMPARE(run.run.runs, 4);
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

    // A settings file of an earlier version (one key per field, "run/epochs", ...) still
    // gives the same start.
    void anEarlierSettingsFileIsRead() {
        {
            QSettings old;
            old.setValue(QStringLiteral("run/recipe"), QStringLiteral("airbench96"));
            old.setValue(QStringLiteral("run/epochs"), 3.5);
            old.setValue(QStringLiteral("run/widthMultiplier"), 1.0);  // always saved
            old.setValue(QStringLiteral("run/seed"), 11);
            old.setValue(QStringLiteral("run/runs"), 3);
            old.setValue(QStringLiteral("run/compiled"), true);
            old.setValue(QStringLiteral("run/device"), QStringLiteral("cpu"));
        }
        const RunConfig run = WindowSettings().runConfig();
        QCOMPARE(run.recipe, std::string("airbench96"));
        QVERIFY(run.overrides == (KnobValues{{"epochs", 3.5}}));
        QCOMPARE(run.run.seed, uint64_t(11));
        QCOMPARE(run.run.runs, 3);
        QVERIFY(run.run.compiled);
        QCOMPARE(run.run.device, DeviceRequest::Cpu);
    }
};

QTEST_MAIN(TestWindowSettings)
#include "test_window_settings.moc"
