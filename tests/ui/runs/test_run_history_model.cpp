// The run history as a table (RunHistoryModel) over a temporary database: one row per run, newest
// first, with what each column shows and sorts by; the database filters (recipe, status, text);
// sorting through a proxy; reload() after another connection adds, edits or deletes runs (new
// rows are inserted, not a reset, so a view keeps its selection); tags and notes edited in place.

#include "common/format.h"
#include "runs/history_controller.h"
#include "runs/run_history_model.h"
#include "ui_test_support.h"

#include "history/history_test_support.h"

#include <airbench/history.h>
#include <airbench/run_recorder.h>

#include <QFile>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest/QtTest>

#include <memory>

using namespace airbench;
using namespace airbench::ui;
using airbench::history::Database;
using airbench::history::RunRecord;
using airbench::history::RunRecorder;
using airbench::history::test::planOf;
using airbench::history::test::sampleRecord;
using airbench::history::test::writeRun;

namespace {

QString cell(const QAbstractItemModel& m, int row, int column, int role = Qt::DisplayRole) {
    return m.index(row, column).data(role).toString();
}

qint64 idAt(const QAbstractItemModel& m, int row) {
    return m.index(row, 0).data(RunHistoryModel::IdRole).toLongLong();
}

}  // namespace

class TestRunHistoryModel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString path_;
    std::unique_ptr<Database> db_;                // writes the runs
    std::unique_ptr<HistoryController> history_;  // what the model reads through
    // Written oldest first: a (seed 0, 90%), b (seed 1, 92%), c (airbench96, 80%), failed.
    qint64 a_ = 0, b_ = 0, c_ = 0, failed_ = 0;

private slots:
    void initTestCase() {
        test::setUpGuiTests();
        QVERIFY(dir_.isValid());
    }

    void init() {
        // A fresh database per test function.
        path_ = dir_.filePath(QStringLiteral("%1.sqlite").arg(QTest::currentTestFunction()));
        db_ = std::make_unique<Database>(path_.toStdString());
        a_ = writeRun(*db_, sampleRecord(0), 3, 10, 0.90);
        RunRecord second = sampleRecord(1);
        second.tags = {"lr-sweep"};
        second.notes = "first line\nsecond line";
        b_ = writeRun(*db_, second, 2, 10, 0.92);
        c_ = writeRun(*db_, sampleRecord(0, 11.5, "airbench96"), 1, 10, 0.80);
        RunRecorder recorder(*db_, sampleRecord(2));
        recorder.onStart(planOf(3, 10));
        recorder.fail("diverged: loss is NaN");
        failed_ = recorder.runId();
        history_ = std::make_unique<HistoryController>(path_);
    }

    void cleanup() {
        history_.reset();
        db_.reset();
    }

    void rowsAreTheRunsNewestFirst() {
        RunHistoryModel model(history_.get());
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), int(RunHistoryModel::ColumnCount));
        QCOMPARE(idAt(model, 0), failed_);
        QCOMPARE(idAt(model, 1), c_);
        QCOMPARE(idAt(model, 2), b_);
        QCOMPARE(idAt(model, 3), a_);
        QCOMPARE(model.rowOf(b_), 2);
        QCOMPARE(model.rowOf(999), -1);
        QCOMPARE(model.record(2).id, b_);
        QVERIFY(!model.index(0, 0).parent().isValid());
        QCOMPARE(model.rowCount(model.index(0, 0)), 0);  // a table: no children
    }

    void columnsShowWhatWasRecorded() {
        RunHistoryModel model(history_.get());
        const int b = model.rowOf(b_);
        QCOMPARE(cell(model, b, RunHistoryModel::IdColumn), QString::number(b_));
        QCOMPARE(cell(model, b, RunHistoryModel::RecipeColumn), QStringLiteral("airbench94"));
        QCOMPARE(cell(model, b, RunHistoryModel::DatasetColumn), QStringLiteral("CIFAR-10"));
        QCOMPARE(cell(model, b, RunHistoryModel::DatasetColumn, Qt::ToolTipRole),
                 QStringLiteral("abc123"));
        QCOMPARE(cell(model, b, RunHistoryModel::MaskColumn), QString());
        QCOMPARE(cell(model, b, RunHistoryModel::SeedColumn), QStringLiteral("1"));
        // writeRun: val = tta - 0.01, seconds = 1.5 * epochs + 0.2.
        QCOMPARE(cell(model, b, RunHistoryModel::ValAccuracyColumn), formatPercent(0.91));
        QCOMPARE(cell(model, b, RunHistoryModel::ValAccuracyColumn), QStringLiteral("91.00%"));
        QCOMPARE(cell(model, b, RunHistoryModel::TtaAccuracyColumn), QStringLiteral("92.00%"));
        QCOMPARE(cell(model, b, RunHistoryModel::TimeColumn), formatSeconds(3.2));
        QCOMPARE(cell(model, b, RunHistoryModel::StatusColumn), QStringLiteral("finished"));
        QCOMPARE(cell(model, b, RunHistoryModel::TagsColumn), QStringLiteral("lr-sweep"));
        // Notes: the first line in the table, all of it in the editor and the tooltip.
        QCOMPARE(cell(model, b, RunHistoryModel::NotesColumn), QStringLiteral("first line"));
        QCOMPARE(cell(model, b, RunHistoryModel::NotesColumn, Qt::EditRole),
                 QStringLiteral("first line\nsecond line"));
        QCOMPARE(cell(model, b, RunHistoryModel::NotesColumn, Qt::ToolTipRole),
                 QStringLiteral("first line\nsecond line"));
        QCOMPARE(cell(model, b, RunHistoryModel::StartedColumn),
                 RunHistoryModel::localTime(model.record(b).startedAt));
        QVERIFY(cell(model, b, RunHistoryModel::StartedColumn)
                    .contains(QRegularExpression(
                        QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$"))));
        // The id works from any column.
        QCOMPARE(
            model.index(b, RunHistoryModel::NotesColumn).data(RunHistoryModel::IdRole).toLongLong(),
            b_);

        // A failed run: its error in the status tooltip, nothing measured.
        const int f = model.rowOf(failed_);
        QCOMPARE(cell(model, f, RunHistoryModel::StatusColumn), QStringLiteral("failed"));
        QCOMPARE(cell(model, f, RunHistoryModel::StatusColumn, Qt::ToolTipRole),
                 QStringLiteral("diverged: loss is NaN"));
        QCOMPARE(cell(model, f, RunHistoryModel::TtaAccuracyColumn), QString());
        QCOMPARE(cell(model, f, RunHistoryModel::TimeColumn), QString());
    }

    void sortRoleHoldsNumbers() {
        RunHistoryModel model(history_.get());
        const int b = model.rowOf(b_);
        const QVariant tta =
            model.index(b, RunHistoryModel::TtaAccuracyColumn).data(RunHistoryModel::SortRole);
        QCOMPARE(tta.typeId(), QMetaType::Double);
        QCOMPARE(tta.toDouble(), 0.92);
        QCOMPARE(
            model.index(b, RunHistoryModel::TimeColumn).data(RunHistoryModel::SortRole).toDouble(),
            3.2);
        QCOMPARE(model.index(b, RunHistoryModel::SeedColumn)
                     .data(RunHistoryModel::SortRole)
                     .toULongLong(),
                 1ull);
        // Unmeasured sorts below every measured value.
        QCOMPARE(model.index(model.rowOf(failed_), RunHistoryModel::TtaAccuracyColumn)
                     .data(RunHistoryModel::SortRole)
                     .toDouble(),
                 -1.0);
        QCOMPARE(model.index(b, RunHistoryModel::StartedColumn)
                     .data(RunHistoryModel::SortRole)
                     .toString(),
                 QString::fromStdString(model.record(b).startedAt));
    }

    void sortsThroughAProxy() {
        RunHistoryModel model(history_.get());
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(RunHistoryModel::SortRole);
        proxy.sort(RunHistoryModel::TtaAccuracyColumn, Qt::AscendingOrder);
        QCOMPARE(idAt(proxy, 0), failed_);  // unmeasured first
        QCOMPARE(idAt(proxy, 1), c_);       // 80%
        QCOMPARE(idAt(proxy, 2), a_);       // 90%
        QCOMPARE(idAt(proxy, 3), b_);       // 92%
        proxy.sort(RunHistoryModel::TtaAccuracyColumn, Qt::DescendingOrder);
        QCOMPARE(idAt(proxy, 0), b_);
        QCOMPARE(idAt(proxy, 3), failed_);
        proxy.sort(RunHistoryModel::IdColumn, Qt::AscendingOrder);
        QCOMPARE(idAt(proxy, 0), a_);
        QCOMPARE(idAt(proxy, 3), failed_);
        proxy.sort(RunHistoryModel::RecipeColumn, Qt::DescendingOrder);
        QCOMPARE(idAt(proxy, 0), c_);  // airbench96 after airbench94
    }

    void filtersByRecipeStatusAndText() {
        RunHistoryModel model(history_.get());
        history::RunFilter filter;
        filter.recipe = "airbench96";
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(idAt(model, 0), c_);
        QCOMPARE(model.filter().recipe, std::string("airbench96"));

        filter = {};
        filter.status = history::RunStatus::Failed;
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(idAt(model, 0), failed_);

        filter = {};
        filter.text = "sweep";  // a tag
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(idAt(model, 0), b_);

        filter = {};
        filter.recipe = "airbench94";
        filter.status = history::RunStatus::Finished;
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(idAt(model, 0), b_);
        QCOMPARE(idAt(model, 1), a_);
        // The table never asks for the configuration JSON.
        QVERIFY(!model.filter().withConfig);
        QVERIFY(model.record(0).configJson.empty());

        model.setFilter({});
        QCOMPARE(model.rowCount(), 4);
    }

    void reloadInsertsNewRunsAndKeepsTheSelection() {
        RunHistoryModel model(history_.get());
        QItemSelectionModel selection(&model);
        selection.select(model.index(model.rowOf(b_), 0),
                         QItemSelectionModel::Select | QItemSelectionModel::Rows);

        // Another connection (the training thread, another process) records a run.
        Database other(path_.toStdString());
        const qint64 fresh = writeRun(other, sampleRecord(3), 1, 10, 0.93);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QVERIFY(model.reload());
        QCOMPARE(reset.count(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 0);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(idAt(model, 0), fresh);
        QCOMPARE(cell(model, 0, RunHistoryModel::TtaAccuracyColumn), QStringLiteral("93.00%"));
        const QModelIndexList selected = selection.selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.first().data(RunHistoryModel::IdRole).toLongLong(), b_);

        // An edit elsewhere updates that row in place, and only that row.
        other.setNotes(a_, "edited elsewhere");
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.reload());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), model.rowOf(a_));
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), model.rowOf(a_));
        QCOMPARE(reset.count(), 0);
        // Nothing changed: nothing announced.
        QVERIFY(model.reload());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(cell(model, model.rowOf(a_), RunHistoryModel::NotesColumn),
                 QStringLiteral("edited elsewhere"));

        // A deletion elsewhere: the rows are read again.
        other.deleteRuns({c_});
        QVERIFY(model.reload());
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.rowOf(c_), -1);
    }

    void runningRunShowsItsEpoch() {
        RunHistoryModel model(history_.get());
        RunRecorder recorder(*db_, sampleRecord(9));
        recorder.onStart(planOf(3, 10));
        int64_t step = 0;
        history::test::feedEpoch(recorder, 0, 10, step);
        QVERIFY(model.reload());
        const int row = model.rowOf(recorder.runId());
        QCOMPARE(row, 0);
        QCOMPARE(cell(model, row, RunHistoryModel::StatusColumn),
                 QStringLiteral("running (epoch 1/3)"));
        recorder.fail("stopped by the test");
    }

    void tagsAndNotesAreEditedInPlace() {
        RunHistoryModel model(history_.get());
        const int a = model.rowOf(a_);
        const QModelIndex tags = model.index(a, RunHistoryModel::TagsColumn);
        const QModelIndex notes = model.index(a, RunHistoryModel::NotesColumn);
        QVERIFY(model.flags(tags) & Qt::ItemIsEditable);
        QVERIFY(model.flags(notes) & Qt::ItemIsEditable);
        QVERIFY(!(model.flags(model.index(a, RunHistoryModel::RecipeColumn)) & Qt::ItemIsEditable));
        QVERIFY(!model.setData(model.index(a, RunHistoryModel::RecipeColumn), "x"));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.setData(tags, QStringLiteral(" zeta, alpha ,, alpha")));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(tags.data().toString(), QStringLiteral("alpha, zeta"));
        QCOMPARE(db_->run(a_)->tags, (std::vector<std::string>{"alpha", "zeta"}));
        QVERIFY(model.setData(notes, QStringLiteral("why\nbecause")));
        QCOMPARE(db_->run(a_)->notes, std::string("why\nbecause"));
        QCOMPARE(notes.data().toString(), QStringLiteral("why"));

        // A tag the history refuses: nothing written, the message names the run.
        QSignalSpy failed(&model, &RunHistoryModel::editFailed);
        QVERIFY(!model.setData(tags, QStringLiteral("two\nlines")));
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("run %1").arg(a_)),
                 qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(db_->run(a_)->tags, (std::vector<std::string>{"alpha", "zeta"}));
        QCOMPARE(tags.data().toString(), QStringLiteral("alpha, zeta"));
    }

    void colorsDecorateTheIdColumn() {
        RunHistoryModel model(history_.get());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setRunColors({{b_, QColor(Qt::red)}});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(model.rowOf(b_), RunHistoryModel::IdColumn)
                     .data(Qt::DecorationRole)
                     .value<QColor>(),
                 QColor(Qt::red));
        QVERIFY(!model.index(model.rowOf(a_), RunHistoryModel::IdColumn)
                     .data(Qt::DecorationRole)
                     .isValid());
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
        RunHistoryModel model(&closed);
        QVERIFY(model.reload());
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!(model.flags(model.index(0, RunHistoryModel::TagsColumn)) & Qt::ItemIsEditable));
    }

    void helpersAndHeaders() {
        QCOMPARE(RunHistoryModel::joinTags({"a", "b c"}), QStringLiteral("a, b c"));
        QCOMPARE(RunHistoryModel::splitTags(QStringLiteral(" a ,, b c,")),
                 (std::vector<std::string>{"a", "b c"}));
        QCOMPARE(RunHistoryModel::localTime("not a time"), QStringLiteral("not a time"));
        const QDateTime utc(QDate(2026, 11, 27), QTime(10, 15, 3, 123), QTimeZone::utc());
        QCOMPARE(RunHistoryModel::localTime("2026-11-27T10:15:03.123Z"),
                 utc.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        RunHistoryModel model(history_.get());
        QCOMPARE(model.headerData(RunHistoryModel::RecipeColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Recipe"));
        QCOMPARE(model.headerData(RunHistoryModel::TtaAccuracyColumn, Qt::Horizontal).toString(),
                 QStringLiteral("TTA acc."));
        QVERIFY(!model.headerData(0, Qt::Vertical).isValid());
    }
};

QTEST_MAIN(TestRunHistoryModel)
#include "test_run_history_model.moc"
