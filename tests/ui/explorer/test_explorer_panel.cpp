// The explorer as a user drives it, on real images with synthetic scores (no training): sorting
// by a score, the class / prediction / correctness / mask filters, dragging the histogram's
// threshold, a rubber band on the data map, the detail view (true label and top 3), multi-select
// with the mouse and keyboard, and a click on a confusion-matrix cell.

#include "analysis/analysis_controller.h"
#include "common/format.h"
#include "explorer/confusion_matrix_model.h"
#include "explorer/confusion_matrix_view.h"
#include "explorer/data_map_plot.h"
#include "explorer/example_detail_view.h"
#include "explorer/example_grid_model.h"
#include "explorer/explorer_panel.h"
#include "explorer/mask_panel.h"
#include "explorer/score_histogram.h"
#include "explorer/scoring_panel.h"
#include "explorer_test_support.h"
#include "ui_test_support.h"

#include <QComboBox>
#include <QLabel>
#include <QListView>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <memory>

using namespace airbench;
using namespace airbench::ui;

namespace {

// The number in front of "of N ... examples shown".
int64_t shownCount(const ExplorerPanel& p) {
    return QLocale().toLongLong(p.countLabel()->text().section(QLatin1Char(' '), 0, 0));
}

void choose(QComboBox* box, const QVariant& data) {
    const int i = box->findData(data);
    QVERIFY2(i >= 0, qPrintable(data.toString()));
    box->setCurrentIndex(i);
}

}  // namespace

class TestExplorerPanel : public QObject {
    Q_OBJECT

    std::unique_ptr<AnalysisController> analysis_;
    std::unique_ptr<ExplorerPanel> panel_;
    DataContext context_;
    ScoreTable train_;

private slots:
    void initTestCase() {
        test::setUpGuiTests();
        if (!test::sharedData()) {
            return;
        }
        context_ = makeDataContext(test::sharedData(), 5000, 1000);
        train_ = test::syntheticTable(context_, Split::Train, 11);
    }

    void init() {
        AIRBENCH_REQUIRE_SOME_DATA();
        analysis_ = std::make_unique<AnalysisController>();
        panel_ = std::make_unique<ExplorerPanel>(analysis_.get());
        panel_->resize(1100, 720);
        panel_->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
        panel_->setContext(context_);
    }

    void cleanup() {
        panel_.reset();
        analysis_.reset();
    }

    void showsTheDatasetBeforeAnyScores() {
        QCOMPARE(panel_->shownExamples().size(), size_t(5000));
        QCOMPARE(panel_->shownExamples()[1], int64_t(1));
        QCOMPARE(shownCount(*panel_), int64_t(5000));
        QVERIFY(!panel_->predictedBox()->isEnabled());
        QVERIFY(panel_->scoring()->provenanceText().contains(QStringLiteral("No scores")));
    }

    void sortsByTheChosenScore() {
        panel_->setTrainScores(train_);
        QVERIFY(panel_->scoring()->provenanceText().contains(
            QString::fromStdString(train_.scores->provenance.describe())));
        for (ScoreKind kind : {ScoreKind::Confidence, ScoreKind::Loss, ScoreKind::Margin}) {
            choose(panel_->scoreBox(), int(kind));
            for (SortOrder order : {SortOrder::Ascending, SortOrder::Descending}) {
                choose(panel_->sortBox(), int(order));
                const std::vector<float> v = train_.scores->values(kind);
                const auto& rows = panel_->shownExamples();
                QCOMPARE(rows.size(), size_t(5000));
                for (size_t r = 1; r < rows.size(); ++r) {
                    const float a = v[size_t(rows[r - 1])], b = v[size_t(rows[r])];
                    QVERIFY2(order == SortOrder::Ascending ? a <= b : a >= b,
                             qPrintable(QStringLiteral("row %1: %2 then %3").arg(r).arg(a).arg(b)));
                }
                // The grid shows that order.
                QCOMPARE(
                    panel_->gridModel()->index(0).data(ExampleGridModel::ExampleRole).toLongLong(),
                    static_cast<qlonglong>(rows[0]));
            }
        }
        choose(panel_->sortBox(), int(SortOrder::Index));
        QCOMPARE(panel_->shownExamples()[7], int64_t(7));
    }

    void filtersByClassPredictionCorrectnessAndMask() {
        panel_->setTrainScores(train_);
        const ExampleScores& s = *train_.scores;
        const auto& labels = context_.dataset->train.labels;
        // True class.
        choose(panel_->trueClassBox(), 3);
        const int64_t class3 = std::count(labels.begin(), labels.begin() + 5000, int64_t(3));
        QCOMPARE(int64_t(panel_->shownExamples().size()), class3);
        QCOMPARE(shownCount(*panel_), class3);
        for (int64_t i : panel_->shownExamples()) {
            QCOMPARE(labels[size_t(i)], int64_t(3));
        }
        // ... and wrong only.
        choose(panel_->correctnessBox(), int(ExampleFilter::Correctness::Incorrect));
        int64_t wrong3 = 0;
        for (int64_t i = 0; i < 5000; ++i) {
            wrong3 += labels[size_t(i)] == 3 && !s.correct[size_t(i)];
        }
        QCOMPARE(int64_t(panel_->shownExamples().size()), wrong3);
        QVERIFY(wrong3 > 0);
        // Predicted class instead of the true one.
        choose(panel_->trueClassBox(), -1);
        choose(panel_->correctnessBox(), int(ExampleFilter::Correctness::Correct));
        choose(panel_->predictedBox(), 5);
        for (int64_t i : panel_->shownExamples()) {
            QCOMPARE(int(s.predicted[size_t(i)]), 5);
            QCOMPARE(labels[size_t(i)], int64_t(5));
        }
        QVERIFY(!panel_->shownExamples().empty());
        panel_->clearFilters();
        QCOMPARE(panel_->shownExamples().size(), size_t(5000));

        // Mask membership: in, and not in.
        const int row = panel_->masks()->createRandom(0.3, 4);
        QVERIFY(row >= 0);
        const MaskPtr mask = panel_->masks()->currentMask();
        QCOMPARE(mask->count(), int64_t(1500));
        const int in = panel_->maskFilterBox()->findText(
            QStringLiteral("in %1").arg(QString::fromStdString(mask->name())));
        QVERIFY(in > 0);
        panel_->maskFilterBox()->setCurrentIndex(in);
        QCOMPARE(panel_->shownExamples().size(), size_t(1500));
        for (int64_t i : panel_->shownExamples()) {
            QVERIFY(mask->contains(i));
        }
        panel_->maskFilterBox()->setCurrentIndex(in + 1);  // "not in"
        QCOMPARE(panel_->shownExamples().size(), size_t(3500));
        for (int64_t i : panel_->shownExamples()) {
            QVERIFY(!mask->contains(i));
        }
    }

    void draggingTheThresholdChangesTheCount() {
        panel_->setTrainScores(train_);
        choose(panel_->scoreBox(), int(ScoreKind::TrueProbability));
        panel_->showSideTab(panel_->histogram());
        ScoreHistogram* h = panel_->histogram();
        QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
        h->replot();  // axes laid out: pixel positions are valid
        const double lo = h->minimum(), hi = h->maximum();
        QVERIFY(hi > lo);
        const int y = h->axisRect()->rect().center().y();
        const int x1 = h->pixelOf(lo + 0.2 * (hi - lo));
        const int x2 = h->pixelOf(lo + 0.7 * (hi - lo));
        // Press (the threshold jumps there, keeping scores at most it), drag, release.
        QTest::mousePress(h, Qt::LeftButton, {}, QPoint(x1, y));
        QCOMPARE(panel_->thresholdBox()->currentData().toInt(),
                 int(ExampleFilter::Threshold::AtMost));
        const int64_t atPress = shownCount(*panel_);
        QVERIFY(atPress > 0 && atPress < 5000);
        QTest::mouseMove(h, QPoint((x1 + x2) / 2, y));
        const int64_t midway = shownCount(*panel_);
        QTest::mouseMove(h, QPoint(x2, y));
        QTest::mouseRelease(h, Qt::LeftButton, {}, QPoint(x2, y));
        const int64_t atRelease = shownCount(*panel_);
        qInfo("threshold dragged: %lld -> %lld -> %lld examples kept",
              static_cast<long long>(atPress), static_cast<long long>(midway),
              static_cast<long long>(atRelease));
        QVERIFY(atPress < midway && midway < atRelease);
        QCOMPARE(int64_t(panel_->shownExamples().size()), atRelease);
        const std::vector<float> v = train_.scores->values(ScoreKind::TrueProbability);
        const float t = float(h->threshold());
        QVERIFY(std::abs(t - float(lo + 0.7 * (hi - lo))) < 0.02f * float(hi - lo));
        QCOMPARE(int64_t(std::count_if(v.begin(), v.end(), [&](float x) { return x <= t; })),
                 atRelease);
        QVERIFY(h->countText().startsWith(QLocale().toString(static_cast<qlonglong>(atRelease))));
        // The other side, driven through the slot.
        choose(panel_->thresholdBox(), int(ExampleFilter::Threshold::AtLeast));
        QCOMPARE(shownCount(*panel_),
                 int64_t(std::count_if(v.begin(), v.end(), [&](float x) { return x >= t; })));
        h->setThreshold(lo + 0.9 * (hi - lo));
        QVERIFY(shownCount(*panel_) < 5000 - atRelease);
    }

    void rubberBandOnTheDataMapSelectsTheExamplesUnderIt() {
        panel_->setTrainScores(train_);
        panel_->showSideTab(panel_->dataMap());
        DataMapPlot* map = panel_->dataMap();
        QCOMPARE(map->pointCount(), 5000);
        map->replot();
        const ExampleScores& s = *train_.scores;
        const QPoint a = map->pixelOf(0.0, 0.9), b = map->pixelOf(0.25, 0.4);
        QTest::mousePress(map, Qt::LeftButton, {}, a);
        QTest::mouseMove(map, (a + b) / 2);
        QTest::mouseMove(map, b);
        QTest::mouseRelease(map, Qt::LeftButton, {}, b);
        QVERIFY(map->hasRegion());
        const QCPRange x = map->regionX(), y = map->regionY();
        int64_t expected = 0;
        for (int64_t i = 0; i < 5000; ++i) {
            expected += x.contains(s.variability[size_t(i)]) &&
                        y.contains(s.meanTrueProbability[size_t(i)]);
        }
        QVERIFY(expected > 0 && expected < 5000);
        QCOMPARE(panel_->regionCount(), expected);
        QCOMPARE(int64_t(panel_->shownExamples().size()), expected);
        QCOMPARE(int64_t(panel_->selectedExamples().size()), expected);  // all selected
        QVERIFY(panel_->countLabel()->text().contains(
            QStringLiteral("%1 selected")
                .arg(QLocale().toString(static_cast<qlonglong>(expected)))));
        // A mask of that selection.
        QVERIFY(panel_->masks()->createFromSelection() >= 0);
        QCOMPARE(panel_->masks()->currentMask()->count(), expected);
        map->clearRegion();
        QCOMPARE(panel_->shownExamples().size(), size_t(5000));
    }

    void clickShowsTheExampleAndMultiSelectWorks() {
        panel_->setTrainScores(train_);
        QListView* grid = panel_->grid();
        const QModelIndex first = panel_->gridModel()->index(0);
        const QModelIndex third = panel_->gridModel()->index(2);
        QTest::mouseClick(grid->viewport(), Qt::LeftButton, {}, grid->visualRect(first).center());
        const int64_t i = panel_->shownExamples()[0];
        ExampleDetailView* d = panel_->detail();
        QCOMPARE(d->example(), i);
        const int64_t label = context_.dataset->train.labels[size_t(i)];
        QVERIFY2(
            d->titleText().contains(QStringLiteral("True label: ") + context_.className(label)),
            qPrintable(d->titleText()));
        // The top 3, most probable first, with their probabilities.
        const QString top = d->predictionsText();
        int at = 0;
        for (const auto& [c, p] : train_.scores->topClasses(i, 3)) {
            const QString line = QStringLiteral("%1%").arg(100.0 * p, 0, 'f', 1);
            const int where = top.indexOf(context_.className(c), at);
            QVERIFY2(where >= at, qPrintable(top));
            QVERIFY2(top.indexOf(line, where) > where, qPrintable(top + " lacks " + line));
            at = where + 1;
        }
        QVERIFY(d->scoresText().contains(QStringLiteral("confidence")));
        QVERIFY(!d->imageLabel()->pixmap().isNull());
        QCOMPARE(d->imageLabel()->pixmap().size(), QSize(160, 160));
        QCOMPARE(panel_->selectedExamples().size(), size_t(1));

        // Ctrl+click adds, Shift+click extends, Ctrl+A takes all.
        QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          grid->visualRect(third).center());
        QCOMPARE(panel_->selectedExamples(),
                 (std::vector<int64_t>{panel_->shownExamples()[0], panel_->shownExamples()[2]}));
        QCOMPARE(d->example(), panel_->shownExamples()[2]);
        // A plain click starts over; Shift+click extends it to a range.
        QTest::mouseClick(grid->viewport(), Qt::LeftButton, {},
                          grid->visualRect(panel_->gridModel()->index(1)).center());
        QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::ShiftModifier,
                          grid->visualRect(panel_->gridModel()->index(4)).center());
        QCOMPARE(panel_->selectedExamples(),
                 (std::vector<int64_t>(panel_->shownExamples().begin() + 1,
                                       panel_->shownExamples().begin() + 5)));
        grid->setFocus();
        QTest::keyClick(grid, Qt::Key_A, Qt::ControlModifier);
        QCOMPARE(panel_->selectedExamples().size(), size_t(5000));
        QVERIFY(panel_->countLabel()->text().contains(QStringLiteral("5,000 selected")) ||
                panel_->countLabel()->text().contains(QStringLiteral("5000 selected")));
    }

    void confusionCellShowsThoseTestImages() {
        panel_->setTrainScores(train_);
        const ScoreTable test = test::syntheticTable(context_, Split::Test, 5);
        panel_->setTestPredictions(test);
        panel_->showSideTab(panel_->confusion());
        ConfusionMatrixModel* m = panel_->confusion()->model();
        QCOMPARE(m->total(), int64_t(1000));
        QVERIFY(panel_->confusion()->headline().contains(formatPercent(m->accuracy())));
        // The busiest off-diagonal cell.
        int t = 0, p = 1;
        for (int a = 0; a < m->classes(); ++a) {
            for (int b = 0; b < m->classes(); ++b) {
                if (a != b && m->count(a, b) > m->count(t, p)) {
                    t = a;
                    p = b;
                }
            }
        }
        QVERIFY(m->count(t, p) > 0);
        QTableView* table = panel_->confusion()->table();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(m->index(t, p)).center());
        QCOMPARE(panel_->split(), Split::Test);
        QCOMPARE(int64_t(panel_->shownExamples().size()), m->count(t, p));
        for (int64_t i : panel_->shownExamples()) {
            QCOMPARE(context_.dataset->test.labels[size_t(i)], int64_t(t));
            QCOMPARE(int(test.scores->predicted[size_t(i)]), p);
        }
        QVERIFY(panel_->countLabel()->text().contains(QStringLiteral("test examples")));
        // Per-class accuracy: the row's diagonal over the row.
        int64_t row = 0;
        for (int b = 0; b < m->classes(); ++b) {
            row += m->count(t, b);
        }
        QCOMPARE(m->classAccuracy(t), double(m->count(t, t)) / double(row));
        // The detail of a test image shows its own top 3.
        QListView* grid = panel_->grid();
        QTest::mouseClick(grid->viewport(), Qt::LeftButton, {},
                          grid->visualRect(panel_->gridModel()->index(0)).center());
        QVERIFY(panel_->detail()->titleText().startsWith(QStringLiteral("Test example")));
        QVERIFY(panel_->detail()->predictionsText().contains(context_.className(p)));
        // Back to the training set.
        choose(panel_->splitBox(), int(Split::Train));
        QCOMPARE(panel_->split(), Split::Train);
    }

    void exportsTheScoresAsCsv() {
        panel_->setTrainScores(train_);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("scores.csv"));
        QVERIFY(panel_->exportScores(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QVERIFY(lines[0].contains(train_.scores->provenance.describe().c_str()));
        QVERIFY(lines[1].startsWith("index,label,predicted,correct"));
        QCOMPARE(lines.size(), 5000 + 3);  // comment, header, rows, trailing newline
    }
};

QTEST_MAIN(TestExplorerPanel)
#include "test_explorer_panel.moc"
