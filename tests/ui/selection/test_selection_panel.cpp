// The selection experiment from its panel, on a tiny real configuration (2,048 training images,
// width 0.125, 1 epoch, 2 runs per arm): it runs off the GUI thread with progress, fills both
// arms' dots as runs finish, ends with the means, the difference and Welch's t-test as the
// engine computed them, hands its selection on as a mask, and stops when asked.

#include "analysis/analysis_controller.h"
#include "common/format.h"
#include "selection/selection_panel.h"
#include "selection/selection_plot.h"
#include "ui_test_support.h"

#include <airbench/recipe.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest/QtTest>

#include <memory>

using namespace airbench;
using namespace airbench::ui;

namespace {

RunConfig tinyConfig() {
    RunConfig c;
    c.recipe = recipeNames().front();
    c.overrides = {{"width_multiplier", 0.125}, {"batch_size", 256}, {"tta_level", 0}};
    c.run.device = DeviceRequest::Cpu;
    return c;
}

}  // namespace

class TestSelectionPanel : public QObject {
    Q_OBJECT

    std::unique_ptr<AnalysisController> analysis_;
    std::unique_ptr<SelectionPanel> panel_;

private slots:
    void initTestCase() { test::setUpGuiTests(); }

    void init() {
        AIRBENCH_REQUIRE_SOME_DATA();
        analysis_ = std::make_unique<AnalysisController>();
        panel_ = std::make_unique<SelectionPanel>(analysis_.get());
        panel_->setContext(makeDataContext(test::sharedData(), 2048, 512));
        panel_->setRunConfigProvider(tinyConfig);
        panel_->resize(1000, 600);
        panel_->show();
    }

    void cleanup() {
        panel_.reset();
        analysis_.reset();
    }

    void runsBothArmsAndShowsTheTest() {
        QCOMPARE(panel_->recipe(), QString::fromStdString(recipeNames().front()));
        panel_->keepBox()->setValue(60);
        panel_->epochsBox()->setValue(1);
        panel_->runsBox()->setValue(2);
        panel_->classMixBox()->setChecked(true);
        const SelectionOptions o = panel_->options();
        QCOMPARE(o.keep, 0.6);
        QVERIFY(o.lowest);
        QVERIFY(o.score == ScoreKind::Confidence);
        QVERIFY(o.matchClassMix);

        QSignalSpy finished(analysis_.get(), &AnalysisController::jobFinished);
        QSignalSpy ready(analysis_.get(), &AnalysisController::selectionReady);
        QSignalSpy masks(panel_.get(), &SelectionPanel::maskCreated);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(panel_->runButton(), Qt::LeftButton);
        QVERIFY(!panel_->runButton()->isEnabled());
        QVERIFY(panel_->stopButton()->isEnabled());
        // The dots of the first arm arrive before the experiment ends.
        QTRY_VERIFY_WITH_TIMEOUT(!panel_->plot()->accuracies(SelectionPlot::Selected).empty(),
                                 120000);
        QVERIFY(panel_->progressBar()->value() > 0);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        qInfo("selection experiment (1 + 2 x 2 tiny networks) in %.1f s", clock.elapsed() / 1e3);
        QCOMPARE(ready.count(), 1);
        const SelectionResultPtr r = panel_->result();
        QVERIFY(r);
        QCOMPARE(r->keptExamples, int64_t(1229));  // round(0.6 x 2048)
        QCOMPARE(panel_->plot()->accuracies(SelectionPlot::Selected), r->selected.accuracies);
        QCOMPARE(panel_->plot()->accuracies(SelectionPlot::Random), r->random.accuracies);
        QVERIFY(panel_->plot()->hasSummary(SelectionPlot::Selected));
        QVERIFY(panel_->plot()->hasSummary(SelectionPlot::Random));
        const QString text = panel_->resultText();
        qInfo("%s", qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Welch's t-test")));
        QVERIFY(text.contains(QStringLiteral("t = %1").arg(r->test.t, 0, 'f', 3)));
        QVERIFY(text.contains(QStringLiteral("dof = %1").arg(r->test.dof, 0, 'f', 2)));
        QVERIFY(text.contains(QStringLiteral("p = %1").arg(r->test.pValue, 0, 'g', 3)));
        QVERIFY(
            text.contains(QStringLiteral("%1 points").arg(100 * r->test.difference, 0, 'f', 2)));
        QVERIFY(text.contains(formatPercent(r->selected.summary.mean)));
        QVERIFY(text.contains(QStringLiteral("same class mix")));
        QCOMPARE(panel_->progressBar()->value(), 1000);
        QVERIFY(panel_->runButton()->isEnabled());
        QVERIFY(!panel_->stopButton()->isEnabled());

        // The selection becomes a mask.
        QTest::mouseClick(panel_->maskButton(), Qt::LeftButton);
        QCOMPARE(masks.count(), 1);
        QCOMPARE(masks.at(0).at(0).value<Mask>().count(), int64_t(1229));
    }

    void stopEndsTheExperiment() {
        panel_->epochsBox()->setValue(40);  // far longer than the test waits
        panel_->runsBox()->setValue(3);
        QSignalSpy finished(analysis_.get(), &AnalysisController::jobFinished);
        QSignalSpy failed(analysis_.get(), &AnalysisController::failed);
        QVERIFY(panel_->start());
        QTRY_VERIFY_WITH_TIMEOUT(panel_->progressBar()->value() > 0, 60000);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(panel_->stopButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        qInfo("Stop -> experiment ended in %lld ms", static_cast<long long>(clock.elapsed()));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(1).toString().contains(QStringLiteral("stopped")));
        QVERIFY(!panel_->result());
        QVERIFY(panel_->runButton()->isEnabled());
    }

    void waitsWhileTheWindowTrains() {
        QSignalSpy training(analysis_.get(), &AnalysisController::trainingRunningChanged);
        analysis_->setTrainingRunning(true);
        QCOMPARE(training.count(), 1);
        QVERIFY(!analysis_->canStartHeavy());
        QVERIFY(!panel_->runButton()->isEnabled());
        QVERIFY(!panel_->start());  // refused, nothing queued
        QVERIFY(!analysis_->runSelection({}));
        QVERIFY(!analysis_->isBusy());
        analysis_->setTrainingRunning(false);
        QCOMPARE(training.count(), 2);
        QVERIFY(analysis_->canStartHeavy());
        QVERIFY(panel_->runButton()->isEnabled());
    }
};

QTEST_MAIN(TestSelectionPanel)
#include "test_selection_panel.moc"
