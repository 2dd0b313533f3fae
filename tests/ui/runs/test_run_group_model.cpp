// Runs grouped by configuration (RunGroupModel) over a temporary database: runs that differ only
// in their seed form one row; the counts, mean, sample standard deviation, 95% confidence
// interval of the TTA accuracy and the mean time match numbers worked out by hand; unfinished
// runs count as runs but not in the statistics; the most recently active group comes first.

#include "common/format.h"
#include "runs/history_controller.h"
#include "runs/run_group_model.h"
#include "ui_test_support.h"

#include "history/history_test_support.h"

#include <airbench/history.h>
#include <airbench/run_recorder.h>

#include <QFile>
#include <QLocale>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>

using namespace airbench;
using namespace airbench::ui;
using airbench::history::Database;
using airbench::history::RunRecorder;
using airbench::history::test::planOf;
using airbench::history::test::sampleRecord;
using airbench::history::test::writeRun;

namespace {

double sortValue(const RunGroupModel& m, int row, int column) {
    return m.index(row, column).data(RunGroupModel::SortRole).toDouble();
}

QString text(const RunGroupModel& m, int row, int column) {
    return m.index(row, column).data().toString();
}

// The row whose group holds run `id`.
int rowWith(const RunGroupModel& m, int64_t id) {
    for (int row = 0; row < m.rowCount(); ++row) {
        const auto& ids = m.group(row).runIds;
        if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
            return row;
        }
    }
    return -1;
}

}  // namespace

class TestRunGroupModel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Database> db_;                // writes the runs
    std::unique_ptr<HistoryController> history_;  // what the model reads through
    std::vector<int64_t> a_, b_;                  // the runs of groups A and B, oldest first
    int64_t c_ = 0;

    // Distinct millisecond timestamps: the group order is by the last run's start.
    static void tick() { QTest::qSleep(3); }

private slots:
    void initTestCase() {
        test::setUpGuiTests();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(dir_.isValid());
        db_ = std::make_unique<Database>(dir_.filePath(QStringLiteral("h.sqlite")).toStdString());

        // Group A: airbench94 at lr 11.5, seeds 0..2: TTA 90%, 92%, 94% in 1, 2, 3 epochs
        // (writeRun: 1.5 s per epoch + 0.2 s), plus a cancelled run.
        a_.push_back(writeRun(*db_, sampleRecord(0, 11.5), 1, 10, 0.90));
        tick();
        // Group B: lr 5, TTA 80% and 86% (1 epoch each), plus a failed run.
        b_.push_back(writeRun(*db_, sampleRecord(0, 5.0), 1, 10, 0.80));
        tick();
        a_.push_back(writeRun(*db_, sampleRecord(1, 11.5), 2, 10, 0.92));
        tick();
        {
            RunRecorder failed(*db_, sampleRecord(2, 5.0));
            failed.onStart(planOf(3, 10));
            failed.fail("diverged");
            b_.push_back(failed.runId());
        }
        tick();
        b_.push_back(writeRun(*db_, sampleRecord(1, 5.0), 1, 10, 0.86));
        tick();
        {
            RunRecorder cancelled(*db_, sampleRecord(3, 11.5));
            cancelled.onStart(planOf(3, 10));
            RunSummary s;
            s.cancelled = true;
            s.ttaValAccuracy = 0.10;  // measured on a cancelled run: must not count
            s.seconds = 0.5;
            cancelled.onFinish(s);
            a_.push_back(cancelled.runId());
        }
        tick();
        // Group C: another recipe, one failed run only (nothing measured).
        {
            RunRecorder failed(*db_, sampleRecord(0, 11.5, "airbench96"));
            failed.fail("out of memory");
            c_ = failed.runId();
        }
        tick();
        a_.push_back(writeRun(*db_, sampleRecord(2, 11.5), 3, 10, 0.94));
        history_ = std::make_unique<HistoryController>(QString::fromStdString(db_->path()));
    }

    void runsWithTheSameConfigurationFormOneRow() {
        RunGroupModel model(history_.get());
        QVERIFY(model.reload());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(RunGroupModel::ColumnCount));
        const int a = rowWith(model, a_.front());
        const int b = rowWith(model, b_.front());
        const int c = rowWith(model, c_);
        QVERIFY(a >= 0 && b >= 0 && c >= 0);
        QCOMPARE(model.group(a).runIds, a_);  // oldest first
        QCOMPARE(model.group(b).runIds, b_);
        QCOMPARE(model.group(c).runIds, std::vector<int64_t>{c_});
        // The seed is not part of the key; the learning rate is.
        QVERIFY(model.group(a).configKey.find("seed") == std::string::npos);
        QVERIFY(model.group(a).configKey != model.group(b).configKey);
        QCOMPARE(text(model, a, RunGroupModel::RecipeColumn), QStringLiteral("airbench94"));
        QCOMPARE(text(model, c, RunGroupModel::RecipeColumn), QStringLiteral("airbench96"));

        // Most recently active first: A (its last run is the newest), then C, then B.
        QCOMPARE(a, 0);
        QCOMPARE(c, 1);
        QCOMPARE(b, 2);
    }

    void countsMeanStdAndConfidenceMatchHandComputedValues() {
        RunGroupModel model(history_.get());
        QVERIFY(model.reload());
        const int a = rowWith(model, a_.front());
        const int b = rowWith(model, b_.front());

        // A: 4 runs, 3 finished: {0.90, 0.92, 0.94}: mean 0.92, sample std 0.02,
        // CI95 = t(0.975, 2) * s / sqrt(3) = 4.302653 * 0.02 / 1.732051 = 0.0496828.
        // Time: {1.7, 3.2, 4.7} s, mean 3.2 s.
        QCOMPARE(model.index(a, RunGroupModel::RunsColumn).data().toInt(), 4);
        QCOMPARE(model.index(a, RunGroupModel::FinishedColumn).data().toInt(), 3);
        QVERIFY(qAbs(sortValue(model, a, RunGroupModel::MeanColumn) - 0.92) < 1e-9);
        QVERIFY(qAbs(sortValue(model, a, RunGroupModel::StdColumn) - 0.02) < 1e-9);
        QVERIFY(qAbs(sortValue(model, a, RunGroupModel::Ci95Column) - 0.0496828) < 1e-6);
        QVERIFY(qAbs(sortValue(model, a, RunGroupModel::TimeColumn) - 3.2) < 1e-9);
        QCOMPARE(text(model, a, RunGroupModel::MeanColumn), QStringLiteral("92.00%"));
        QCOMPARE(text(model, a, RunGroupModel::StdColumn), QStringLiteral("± 2.00%"));
        QCOMPARE(text(model, a, RunGroupModel::Ci95Column), QStringLiteral("± 4.97%"));
        QCOMPARE(text(model, a, RunGroupModel::TimeColumn), formatSeconds(3.2));

        // B: 3 runs, 2 finished: {0.80, 0.86}: mean 0.83, std sqrt(2 * 0.03^2) = 0.0424264,
        // CI95 = 12.706205 * 0.0424264 / sqrt(2) = 0.381186. Time 1.7 s.
        QCOMPARE(model.index(b, RunGroupModel::RunsColumn).data().toInt(), 3);
        QCOMPARE(model.index(b, RunGroupModel::FinishedColumn).data().toInt(), 2);
        QVERIFY(qAbs(sortValue(model, b, RunGroupModel::MeanColumn) - 0.83) < 1e-9);
        QVERIFY(qAbs(sortValue(model, b, RunGroupModel::StdColumn) - 0.0424264) < 1e-6);
        QVERIFY(qAbs(sortValue(model, b, RunGroupModel::Ci95Column) - 0.381186) < 1e-5);
        QVERIFY(qAbs(sortValue(model, b, RunGroupModel::TimeColumn) - 1.7) < 1e-9);
        QCOMPARE(text(model, b, RunGroupModel::MeanColumn), QStringLiteral("83.00%"));
        QCOMPARE(text(model, b, RunGroupModel::StdColumn), QStringLiteral("± 4.24%"));
    }

    void groupWithoutFinishedRunsShowsNoStatistics() {
        RunGroupModel model(history_.get());
        QVERIFY(model.reload());
        const int c = rowWith(model, c_);
        QCOMPARE(model.index(c, RunGroupModel::RunsColumn).data().toInt(), 1);
        QCOMPARE(model.index(c, RunGroupModel::FinishedColumn).data().toInt(), 0);
        QCOMPARE(text(model, c, RunGroupModel::MeanColumn), QString());
        QCOMPARE(text(model, c, RunGroupModel::StdColumn), QString());
        QCOMPARE(text(model, c, RunGroupModel::TimeColumn), QString());
        QCOMPARE(sortValue(model, c, RunGroupModel::MeanColumn), -1.0);  // sorts last
    }

    void filterNarrowsTheGroups() {
        RunGroupModel model(history_.get());
        history::RunFilter filter;
        filter.recipe = "airbench96";
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.group(0).runIds, std::vector<int64_t>{c_});
        // Finished runs only: B loses its failed run, A its cancelled one.
        filter = {};
        filter.status = history::RunStatus::Finished;
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 2);
        const int a = rowWith(model, a_.front());
        QCOMPARE(model.index(a, RunGroupModel::RunsColumn).data().toInt(), 3);
        QCOMPARE(model.index(a, RunGroupModel::FinishedColumn).data().toInt(), 3);
    }

    void reloadSeesNewRuns() {
        RunGroupModel model(history_.get());
        QVERIFY(model.reload());
        Database other(db_->path());
        tick();
        const int64_t extra = writeRun(other, sampleRecord(7, 5.0), 1, 10, 0.83);
        QVERIFY(model.reload());
        QCOMPARE(rowWith(model, extra), 0);  // B is now the most recent
        QCOMPARE(model.index(0, RunGroupModel::RunsColumn).data().toInt(), 4);
        // {0.80, 0.86, 0.83}: mean 0.83, std 0.03.
        QVERIFY(qAbs(sortValue(model, 0, RunGroupModel::StdColumn) - 0.03) < 1e-9);
        other.deleteRuns({extra});
        QVERIFY(model.reload());
        QCOMPARE(model.index(rowWith(model, b_.front()), RunGroupModel::RunsColumn).data().toInt(),
                 3);
    }

    void configurationReadsAsOneLine() {
        // A group key as the GUI and `airbench train` record it: what differs from the recipe's
        // table, by the knobs' labels, then the data and the device.
        const std::string key =
            R"j({"batch_size":256,"config_version":2,"dataset":{"format":"cifar10","hash":"h",)j"
            R"j("name":"CIFAR-10","test_examples":512,"train_examples":2048},)j"
            R"j("device_name":"CPU (1 thread)","epochs":2,"label_smoothing":0.2,)j"
            R"j("learning_rate":11.5,"recipe":"airbench94","tta_level":0,)j"
            R"j("width_multiplier":0.125})j";
        QCOMPARE(RunGroupModel::describeConfiguration(key),
                 QStringLiteral("Epochs 2 · Batch size 256 · Width multiplier 0.125 · TTA level 0 "
                                "· CIFAR-10 (2048 / 512) · CPU (1 thread)"));
        // A mask joins the line; a dataset without counts shows none.
        QCOMPARE(RunGroupModel::describeConfiguration(
                     R"({"dataset":{"name":"CIFAR-10"},"epochs":3,"mask":{"name":"hard"}})"),
                 QStringLiteral("Epochs 3 · CIFAR-10 · mask hard"));
        // Not JSON: shown as is.
        QCOMPARE(RunGroupModel::describeConfiguration("plain"), QStringLiteral("plain"));

        RunGroupModel model(history_.get());
        QVERIFY(model.reload());
        const int a = rowWith(model, a_.front());
        QCOMPARE(text(model, a, RunGroupModel::ConfigurationColumn),
                 QStringLiteral("Epochs 3 · CIFAR-10"));
        // The whole configuration in the tooltip.
        QVERIFY(model.index(a, RunGroupModel::ConfigurationColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("\"lr\": 11.5")));
        QCOMPARE(model.headerData(RunGroupModel::MeanColumn, Qt::Horizontal).toString(),
                 QStringLiteral("TTA acc. mean"));
    }

    void withoutADatabaseTheTableIsEmpty() {
        // A path below a regular file can never be created.
        const QString file = dir_.filePath(QStringLiteral("plain-file"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        HistoryController closed(file + QStringLiteral("/h.sqlite"));
        QVERIFY(!closed.isOpen());
        RunGroupModel model(&closed);
        QVERIFY(model.reload());
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestRunGroupModel)
#include "test_run_group_model.moc"
