// The Runs tab (RunsPanel) over a temporary database: selected runs (or groups) overlay their
// curves (one graph per run on the loss plot, validation + training + final TTA per run on the
// accuracy plot); delete asks first (through the confirmation hook, and through the real message
// box answered by a timer) and removes the runs and their files, refusing a run still being
// written; export writes CSV or JSON of the selected (else the listed) runs; filters; new runs
// from another connection appear while the panel is shown; an unopenable file disables it.

#include "runs/history_controller.h"
#include "runs/history_curve_plot.h"
#include "runs/run_comparison.h"
#include "runs/run_group_model.h"
#include "runs/run_history_model.h"
#include "runs/runs_panel.h"
#include "ui_test_support.h"

#include "history/history_test_support.h"

#include <airbench/history.h>
#include <airbench/run_recorder.h>

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
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

QStringList readLines(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// Answers the next modal QMessageBox with `button`; `text` receives its question. Gives up after
// 10 s, so that a box that never comes leaves no timer writing into a finished test's `text`.
void answerNextMessageBox(QMessageBox::StandardButton button, QString* text) {
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, button, text, ticks = 0]() mutable {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box) {
            if (++ticks >= 500) {
                timer->deleteLater();
            }
            return;
        }
        *text = box->text();
        box->button(button)->click();
        timer->deleteLater();
    });
    timer->start();
}

}  // namespace

class TestRunsPanel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString path_;
    std::unique_ptr<Database> db_;
    std::unique_ptr<HistoryController> history_;  // newPanel()'s
    // Oldest first: a (seed 0, 3 epochs, 90%), b (seed 1, 2 epochs, 92%), c (seed 2, 1 epoch,
    // 94%) of one configuration; d (airbench96, 2 epochs, 80%).
    int64_t a_ = 0, b_ = 0, c_ = 0, d_ = 0;

    std::unique_ptr<RunsPanel> newPanel() {
        history_ = std::make_unique<HistoryController>(path_);
        auto panel = std::make_unique<RunsPanel>(history_.get());
        panel->resize(1000, 700);
        return panel;
    }

private slots:
    void initTestCase() {
        test::setUpGuiTests();
        QVERIFY(dir_.isValid());
    }

    void init() {
        path_ = dir_.filePath(QStringLiteral("%1.sqlite").arg(QTest::currentTestFunction()));
        db_ = std::make_unique<Database>(path_.toStdString());
        a_ = writeRun(*db_, sampleRecord(0), 3, 10, 0.90);
        QTest::qSleep(3);  // distinct start times: the table sorts by them
        b_ = writeRun(*db_, sampleRecord(1), 2, 10, 0.92);
        QTest::qSleep(3);
        c_ = writeRun(*db_, sampleRecord(2), 1, 10, 0.94);
        QTest::qSleep(3);
        d_ = writeRun(*db_, sampleRecord(0, 11.5, "airbench96"), 2, 10, 0.80);
    }

    void cleanup() {
        history_.reset();
        db_.reset();
    }

    void listsEveryRunNewestFirst() {
        auto panel = newPanel();
        QVERIFY(panel->history()->isOpen());
        QVERIFY(panel->history()->openError().isEmpty());
        QCOMPARE(panel->model()->rowCount(), 4);
        QCOMPARE(panel->table()->model()->rowCount(), 4);
        QCOMPARE(panel->table()->model()->index(0, 0).data(RunHistoryModel::IdRole).toLongLong(),
                 d_);
        QCOMPARE(panel->table()->model()->index(3, 0).data(RunHistoryModel::IdRole).toLongLong(),
                 a_);
        QVERIFY(panel->selectedIds().empty());
        QVERIFY(!panel->deleteButton()->isEnabled());
        QCOMPARE(panel->comparison()->count(), 0);
        QCOMPARE(panel->lossPlot()->graphCount(), 0);
    }

    void columnsFitTheFirstRunsListed() {
        // A fresh history: empty when the window opens, runs arrive later.
        const QString fresh = dir_.filePath(QStringLiteral("fresh.sqlite"));
        HistoryController history(fresh);
        RunsPanel panel(&history);
        panel.resize(1000, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QCOMPARE(panel.model()->rowCount(), 0);
        QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("runCounts"))->text(),
                 QStringLiteral("0 runs"));
        {
            Database other(fresh.toStdString());
            writeRun(other, sampleRecord(0, 11.5, "airbench96_faster"), 1, 10, 0.9);
        }
        history.refresh();
        QCOMPARE(panel.model()->rowCount(), 1);
        const QFontMetrics metrics = panel.table()->fontMetrics();
        for (int column :
             {int(RunHistoryModel::RecipeColumn), int(RunHistoryModel::StartedColumn)}) {
            const QString text = panel.model()->index(0, column).data().toString();
            QVERIFY2(panel.table()->columnWidth(column) > metrics.horizontalAdvance(text),
                     qPrintable(text));
        }
        panel.table()->selectRow(0);
        QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("runCounts"))->text(),
                 QStringLiteral("1 run · 1 selected"));
        // The user's widths stay.
        panel.table()->setColumnWidth(RunHistoryModel::RecipeColumn, 60);
        {
            Database other(fresh.toStdString());
            writeRun(other, sampleRecord(1, 11.5, "airbench96_faster"), 1, 10, 0.9);
        }
        history.refresh();
        QCOMPARE(panel.model()->rowCount(), 2);
        QCOMPARE(panel.table()->columnWidth(RunHistoryModel::RecipeColumn), 60);
    }

    void selectedRunsOverlayTheirCurves() {
        auto panel = newPanel();
        panel->selectIds({a_, b_});
        // In the table's order: b is newer.
        QCOMPARE(panel->selectedIds(), (std::vector<int64_t>{b_, a_}));
        QCOMPARE(panel->comparison()->ids(), (std::vector<int64_t>{b_, a_}));
        QVERIFY(panel->deleteButton()->isEnabled());

        // Loss: one curve per run, one point per recorded step.
        HistoryCurvePlot* loss = panel->lossPlot();
        QCOMPARE(loss->graphCount(), 2);
        QCOMPARE(loss->curveCount(), 2);
        QCOMPARE(loss->curveOf(0)->dataCount(), 20);  // b: 2 epochs of 10 steps
        QCOMPARE(loss->curveOf(1)->dataCount(), 30);  // a: 3 epochs
        QCOMPARE(loss->curveOf(0)->pen().color(), RunComparison::colorOf(0));
        QCOMPARE(loss->curveOf(1)->pen().color(), RunComparison::colorOf(1));
        QVERIFY(loss->legend->visible());
        QCOMPARE(loss->legend->itemCount(), 2);
        QVERIFY(loss->curveOf(0)->name().contains(QStringLiteral("#%1").arg(b_)));
        // The first loss point is the first step's (history_test_support's syntheticLoss).
        QCOMPARE(loss->curveOf(1)->data()->at(0)->key, 1.0);
        QVERIFY(qAbs(loss->curveOf(1)->data()->at(0)->value - history::test::syntheticLoss(1)) <
                1e-5);

        // Accuracy: validation per epoch (in %), training (dashed), the final TTA diamond.
        HistoryCurvePlot* accuracy = panel->accuracyPlot();
        QCOMPARE(accuracy->graphCount(), 6);
        QCOMPARE(accuracy->curveCount(), 2);
        QCOMPARE(accuracy->curveOf(1)->dataCount(), 3);  // a: 3 epochs
        QCOMPARE(accuracy->curveOf(1)->data()->at(2)->key, 3.0);
        QVERIFY(qAbs(accuracy->curveOf(1)->data()->at(2)->value - 62.0) < 1e-4);  // 0.6 + 0.02
        QCOMPARE(accuracy->legend->itemCount(), 2);

        // The table's swatches match the plots.
        const int rowB = panel->model()->rowOf(b_);
        QCOMPARE(panel->model()
                     ->index(rowB, RunHistoryModel::IdColumn)
                     .data(Qt::DecorationRole)
                     .value<QColor>(),
                 RunComparison::colorOf(0));

        // One run, then none.
        panel->selectIds({c_});
        QCOMPARE(loss->graphCount(), 1);
        QCOMPARE(loss->curveOf(0)->dataCount(), 10);
        QCOMPARE(accuracy->graphCount(), 3);
        panel->selectIds({});
        QCOMPARE(loss->graphCount(), 0);
        QCOMPARE(accuracy->graphCount(), 0);
        QVERIFY(!loss->legend->visible());
        QVERIFY(!panel->deleteButton()->isEnabled());
    }

    void groupsCompareAllTheirRuns() {
        auto panel = newPanel();
        panel->setGrouped(true);
        QVERIFY(panel->isGrouped());
        QVERIFY(panel->groupButton()->isChecked());
        QCOMPARE(panel->groupModel()->rowCount(), 2);
        QAbstractItemModel* groups = panel->groupTable()->model();
        int row = -1;
        for (int r = 0; r < groups->rowCount(); ++r) {
            if (groups->index(r, RunGroupModel::RunsColumn).data().toInt() == 3) {
                row = r;
            }
        }
        QVERIFY(row >= 0);
        panel->groupTable()->selectionModel()->select(
            groups->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        // The group's runs, newest first.
        QCOMPARE(panel->selectedIds(), (std::vector<int64_t>{c_, b_, a_}));
        QCOMPARE(panel->comparison()->count(), 3);
        QCOMPARE(panel->lossPlot()->graphCount(), 3);
        QCOMPARE(panel->accuracyPlot()->graphCount(), 9);

        // A reload while grouped (a new run, a filter) keeps the runs table's own selection: the
        // group's runs must not leak into it.
        panel->history()->refresh(true);
        QVERIFY(panel->selectedTableIds().empty());
        QCOMPARE(panel->selectedIds(), (std::vector<int64_t>{c_, b_, a_}));

        // Back to runs: the table's (empty) selection rules again.
        panel->groupButton()->click();
        QVERIFY(!panel->isGrouped());
        QCOMPARE(panel->comparison()->count(), 0);
    }

    void comparesAtMostTenRuns() {
        for (int seed = 10; seed < 20; ++seed) {
            writeRun(*db_, sampleRecord(uint64_t(seed)), 1, 5, 0.9);
        }
        auto panel = newPanel();
        QCOMPARE(panel->model()->rowCount(), 14);
        panel->table()->selectAll();
        QCOMPARE(panel->selectedIds().size(), size_t(14));
        QCOMPARE(panel->comparison()->count(), RunsPanel::kMaxCompared);
        QCOMPARE(panel->lossPlot()->graphCount(), RunsPanel::kMaxCompared);
        QVERIFY2(panel->statusText().contains(QStringLiteral("first 10")),
                 qPrintable(panel->statusText()));
    }

    void deleteAsksThenDeletesTheRunsAndTheirFiles() {
        const QString checkpoint = dir_.filePath(QStringLiteral("b.checkpoint"));
        {
            QFile f(checkpoint);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("weights");
        }
        db_->addArtifact(b_, "checkpoint", checkpoint.toStdString());
        auto panel = newPanel();
        QSignalSpy messages(panel.get(), &RunsPanel::message);

        // Nothing selected: nothing to ask.
        int asked = 0;
        QString question;
        panel->setConfirmation([&](const QString& q) {
            ++asked;
            question = q;
            return false;
        });
        QVERIFY(!panel->deleteSelected());
        QCOMPARE(asked, 0);

        // Declined: nothing deleted.
        panel->selectIds({b_, c_});
        QVERIFY(!panel->deleteSelected());
        QCOMPARE(asked, 1);
        // In the table's order: c is newer.
        QCOMPARE(question, QStringLiteral("Delete 2 runs (#%1, #%2) from the history, with the "
                                          "files they produced? This cannot be undone.")
                               .arg(c_)
                               .arg(b_));
        QCOMPARE(db_->countRuns(), int64_t(4));
        QVERIFY(QFile::exists(checkpoint));

        // Accepted: the rows, the file and the comparison go.
        panel->setConfirmation([&](const QString&) {
            ++asked;
            return true;
        });
        QVERIFY(panel->deleteSelected());
        QCOMPARE(asked, 2);
        QCOMPARE(db_->countRuns(), int64_t(2));
        QVERIFY(!db_->run(b_));
        QVERIFY(!db_->run(c_));
        QVERIFY(!QFile::exists(checkpoint));
        QCOMPARE(panel->model()->rowCount(), 2);
        QCOMPARE(panel->model()->rowOf(b_), -1);
        QCOMPARE(panel->comparison()->count(), 0);
        QCOMPARE(panel->lossPlot()->graphCount(), 0);
        QCOMPARE(messages.count(), 1);
        QCOMPARE(panel->statusText(), QStringLiteral("Deleted 2 runs and 1 file."));
        QCOMPARE(messages.at(0).at(0).toString(), panel->statusText());
    }

    void deleteThroughTheRealMessageBox() {
        auto panel = newPanel();
        panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel.get()));
        panel->selectIds({a_});

        QString question;
        answerNextMessageBox(QMessageBox::Cancel, &question);
        QVERIFY(!panel->deleteSelected());
        QVERIFY2(question.contains(QStringLiteral("#%1").arg(a_)), qPrintable(question));
        QVERIFY(db_->run(a_));

        question.clear();
        answerNextMessageBox(QMessageBox::Yes, &question);
        QTest::mouseClick(panel->deleteButton(), Qt::LeftButton);
        QVERIFY(!question.isEmpty());
        QVERIFY(!db_->run(a_));
        QCOMPARE(panel->model()->rowCount(), 3);
    }

    void deleteRefusesARunStillBeingWritten() {
        RunRecorder live(*db_, sampleRecord(5));  // this process is alive: "running"
        live.onStart(planOf(3, 10));
        auto panel = newPanel();
        QCOMPARE(panel->model()->rowCount(), 5);
        panel->setConfirmation([](const QString&) { return true; });
        QSignalSpy errors(panel.get(), &RunsPanel::errorOccurred);
        panel->selectIds({live.runId(), a_});
        QVERIFY(!panel->deleteSelected());
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.at(0).at(0).toString().contains(QStringLiteral("still being written")),
                 qPrintable(errors.at(0).at(0).toString()));
        QCOMPARE(panel->statusText(), errors.at(0).at(0).toString());
        QCOMPARE(db_->countRuns(), int64_t(5));  // all or nothing
        live.fail("test over");
    }

    void exportWritesCsvAndJsonOfTheSelectedRuns() {
        auto panel = newPanel();
        panel->selectIds({c_, a_});
        const QString csv = dir_.filePath(QStringLiteral("selected.csv"));
        QVERIFY(panel->exportSelected(csv));
        QStringList lines = readLines(csv);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith(QStringLiteral("id,uid,started_at,")));
        const QStringList header = lines[0].split(QLatin1Char(','));
        const int tta = int(header.indexOf(QStringLiteral("tta_val_acc")));
        const int recipe = int(header.indexOf(QStringLiteral("recipe")));
        QVERIFY(tta > 0 && recipe > 0);
        // Oldest first, like the history's exports.
        QStringList first = lines[1].split(QLatin1Char(','));
        QStringList second = lines[2].split(QLatin1Char(','));
        QCOMPARE(first[0], QString::number(a_));
        QCOMPARE(first[tta], QStringLiteral("0.9"));
        QCOMPARE(first[recipe], QStringLiteral("airbench94"));
        QCOMPARE(second[0], QString::number(c_));
        QCOMPARE(second[tta], QStringLiteral("0.94"));
        QCOMPARE(panel->statusText(), QStringLiteral("Exported 2 runs to %1").arg(csv));

        const QString json = dir_.filePath(QStringLiteral("selected.json"));
        QVERIFY(panel->exportSelected(json));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(doc.value(QStringLiteral("format")).toString(), QStringLiteral("airbench-runs"));
        const QJsonArray runs = doc.value(QStringLiteral("runs")).toArray();
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs[0].toObject().value(QStringLiteral("uid")).toString(),
                 QString::fromStdString(db_->run(a_)->uid));
        QCOMPARE(runs[0].toObject().value(QStringLiteral("epochs")).toArray().size(), 3);
        QCOMPARE(runs[1].toObject().value(QStringLiteral("epochs")).toArray().size(), 1);
        QCOMPARE(runs[1].toObject().value(QStringLiteral("tta_val_acc")).toDouble(), 0.94);
    }

    void exportWithoutSelectionTakesTheListedRuns() {
        auto panel = newPanel();
        panel->recipeBox()->setCurrentIndex(
            panel->recipeBox()->findData(QStringLiteral("airbench96")));
        QCOMPARE(panel->proxy()->rowCount(), 1);
        const QString csv = dir_.filePath(QStringLiteral("listed.csv"));
        QVERIFY(panel->exportSelected(csv));
        const QStringList lines = readLines(csv);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[1].section(QLatin1Char(','), 0, 0), QString::number(d_));

        // An unwritable path: an error naming it, no file.
        QSignalSpy errors(panel.get(), &RunsPanel::errorOccurred);
        const QString bad = dir_.filePath(QStringLiteral("no/such/folder/x.csv"));
        QVERIFY(!panel->exportSelected(bad));
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.at(0).at(0).toString().contains(bad),
                 qPrintable(errors.at(0).at(0).toString()));
        QVERIFY(!QFile::exists(bad));
    }

    void filtersNarrowTheTableAndKeepTheSelection() {
        auto panel = newPanel();
        // Text: any column, case-insensitive, in the proxy.
        panel->filterEdit()->setText(QStringLiteral("AIRBENCH96"));
        QCOMPARE(panel->proxy()->rowCount(), 1);
        panel->filterEdit()->clear();
        QCOMPARE(panel->proxy()->rowCount(), 4);

        // Recipe and status: the database's filter (the model reloads).
        panel->selectIds({b_});
        panel->recipeBox()->setCurrentIndex(
            panel->recipeBox()->findData(QStringLiteral("airbench94")));
        QCOMPARE(panel->model()->rowCount(), 3);
        QCOMPARE(panel->selectedIds(), std::vector<int64_t>{b_});  // kept across the reset
        QCOMPARE(panel->comparison()->ids(), std::vector<int64_t>{b_});
        panel->statusBox()->setCurrentIndex(panel->statusBox()->findData(QStringLiteral("failed")));
        QCOMPARE(panel->model()->rowCount(), 0);
        QCOMPARE(panel->groupModel()->rowCount(), 0);
        panel->statusBox()->setCurrentIndex(0);
        panel->recipeBox()->setCurrentIndex(0);
        QCOMPARE(panel->model()->rowCount(), 4);
        QCOMPARE(panel->groupModel()->rowCount(), 2);
    }

    void runsOfAnotherConnectionAppearWhileShown() {
        auto panel = newPanel();
        panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel.get()));
        Database other(path_.toStdString());
        const int64_t fresh = writeRun(other, sampleRecord(8), 1, 10, 0.95);
        // The poll (every second) notices the other connection's commit.
        QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 5, 5000);
        QCOMPARE(panel->model()->record(0).id, fresh);

        // Hidden: no polling; a refresh catches up.
        panel->hide();
        writeRun(other, sampleRecord(9), 1, 10, 0.95);
        QTest::qWait(HistoryController::kPollIntervalMs + 300);
        QCOMPARE(panel->model()->rowCount(), 5);
        panel->history()->refresh();
        QCOMPARE(panel->model()->rowCount(), 6);
    }

    void comparedRunStillTrainingGrowsItsCurves() {
        Database writer(path_.toStdString());  // the training thread's connection
        RunRecorder live(writer, sampleRecord(6));
        live.onStart(planOf(3, 10));
        int64_t step = 0;
        history::test::feedEpoch(live, 0, 10, step);
        auto panel = newPanel();
        panel->selectIds({live.runId()});
        QCOMPARE(panel->lossPlot()->curveOf(0)->dataCount(), 10);
        QCOMPARE(panel->accuracyPlot()->curveOf(0)->dataCount(), 1);

        QTest::qSleep(3);  // a later updated_at
        history::test::feedEpoch(live, 1, 10, step);
        panel->history()->refresh();
        QCOMPARE(panel->comparison()->count(), 1);
        QCOMPARE(panel->lossPlot()->curveOf(0)->dataCount(), 20);
        QCOMPARE(panel->accuracyPlot()->curveOf(0)->dataCount(), 2);
        QCOMPARE(panel->selectedIds(), std::vector<int64_t>{live.runId()});
        live.fail("test over");
    }

    void unopenableFileDisablesThePanel() {
        // A path below a regular file can never be created.
        const QString file = dir_.filePath(QStringLiteral("plain-file"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        HistoryController history(file + QStringLiteral("/history.sqlite"));
        RunsPanel panel(&history);
        QVERIFY(!history.isOpen());
        QVERIFY(!history.openError().isEmpty());
        QVERIFY(!panel.isEnabled());
        QVERIFY2(panel.statusText().contains(history.openError()), qPrintable(panel.statusText()));
        QCOMPARE(panel.model()->rowCount(), 0);
        QVERIFY(!panel.exportSelected(dir_.filePath(QStringLiteral("never.csv"))));
        QVERIFY(!panel.deleteSelected());
    }
};

QTEST_MAIN(TestRunsPanel)
#include "test_runs_panel.moc"
