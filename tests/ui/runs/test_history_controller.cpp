// HistoryController: the GUI thread's connection to the run history. It says changed() when
// another connection committed (and only then, unless forced), when it deleted runs itself, and
// while polling without being asked; it reads, edits, finds kept networks and exports through its
// one connection; a history that could not be opened reads as empty and refuses edits, naming
// why.

#include "runs/history_controller.h"
#include "ui_test_support.h"

#include "history/history_test_support.h"

#include <airbench/history.h>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <exception>
#include <memory>

using namespace airbench;
using namespace airbench::ui;
using airbench::history::Database;
using airbench::history::test::sampleRecord;
using airbench::history::test::writeRun;

class TestHistoryController : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString path_;
    std::unique_ptr<Database> db_;  // another connection: the training thread's, or the CLI's
    int64_t a_ = 0, b_ = 0;

private slots:
    void initTestCase() {
        test::setUpGuiTests();
        QVERIFY(dir_.isValid());
    }

    void init() {
        path_ = dir_.filePath(QStringLiteral("%1.sqlite").arg(QTest::currentTestFunction()));
        db_ = std::make_unique<Database>(path_.toStdString());
        a_ = writeRun(*db_, sampleRecord(0), 2, 10, 0.90);
        b_ = writeRun(*db_, sampleRecord(1), 1, 10, 0.92);
    }

    void cleanup() { db_.reset(); }

    void changedOnlyWhenAnotherConnectionWrote() {
        HistoryController history(path_);
        QVERIFY(history.isOpen());
        QCOMPARE(history.path(), path_);
        QSignalSpy changed(&history, &HistoryController::changed);
        history.refresh();
        QCOMPARE(changed.count(), 0);
        writeRun(*db_, sampleRecord(2), 1, 10, 0.93);
        history.refresh();
        QCOMPARE(changed.count(), 1);
        history.refresh();
        QCOMPARE(changed.count(), 1);
        history.refresh(true);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(history.runs({}).size(), size_t(3));
    }

    void pollsOnlyWhileOn() {
        HistoryController history(path_);
        QSignalSpy changed(&history, &HistoryController::changed);
        history.setPolling(true);
        writeRun(*db_, sampleRecord(2), 1, 10, 0.93);
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 5000);
        history.setPolling(false);
        writeRun(*db_, sampleRecord(3), 1, 10, 0.93);
        QTest::qWait(HistoryController::kPollIntervalMs + 300);
        QCOMPARE(changed.count(), 1);
        history.setPolling(true);  // looks at once
        QCOMPARE(changed.count(), 2);
    }

    void readsAndEditsThroughItsConnection() {
        HistoryController history(path_);
        QCOMPARE(history.runs({}).size(), size_t(2));
        QCOMPARE(history.groups({}).size(), size_t(1));
        QCOMPARE(history.details(a_).epochs.size(), size_t(2));
        QVERIFY(!history.run(999));
        QVERIFY_THROWS_EXCEPTION(std::exception, history.details(999));
        history.setTags(a_, {"baseline"});
        history.setNotes(a_, "why");
        QCOMPARE(db_->run(a_)->tags, std::vector<std::string>{"baseline"});
        QCOMPARE(history.run(a_)->notes, std::string("why"));
    }

    void checkpointIsTheNewestKeptFileThatExists() {
        HistoryController history(path_);
        QVERIFY(history.checkpointOf(a_).isEmpty());
        const QString older = dir_.filePath(QStringLiteral("older.pt"));
        const QString newer = dir_.filePath(QStringLiteral("newer.pt"));
        for (const QString& path : {older, newer}) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            db_->addArtifact(a_, "checkpoint", path.toStdString());
        }
        QCOMPARE(history.checkpointOf(a_), newer);
        QVERIFY(QFile::remove(newer));
        QCOMPARE(history.checkpointOf(a_), older);
        QVERIFY(history.checkpointOf(999).isEmpty());
    }

    void deletingSaysChanged() {
        HistoryController history(path_);
        QSignalSpy changed(&history, &HistoryController::changed);
        const Database::DeleteResult result = history.deleteRuns({a_});
        QCOMPARE(result.runs, 1);
        QCOMPARE(changed.count(), 1);  // its own write: no other connection would say so
        QVERIFY(!db_->run(a_));
    }

    void exportsCsvOrJsonByTheSuffix() {
        HistoryController history(path_);
        const QString csv = dir_.filePath(QStringLiteral("runs.csv"));
        history.exportRuns({a_, b_}, csv);
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        QVERIFY(c.readAll().startsWith("id,uid,started_at,"));
        const QString json = dir_.filePath(QStringLiteral("runs.JSON"));
        history.exportRuns({a_}, json);
        QFile j(json);
        QVERIFY(j.open(QIODevice::ReadOnly));
        QVERIFY(j.readAll().contains("\"airbench-runs\""));

        const QString bad = dir_.filePath(QStringLiteral("no/such/folder/x.csv"));
        try {
            history.exportRuns({a_}, bad);
            QFAIL("an unwritable path was accepted");
        } catch (const std::exception& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(bad), e.what());
        }
    }

    void anUnopenableFileReadsAsEmptyAndRefusesEdits() {
        // A path below a regular file can never be created.
        const QString file = dir_.filePath(QStringLiteral("plain-file"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        HistoryController history(file + QStringLiteral("/history.sqlite"));
        QVERIFY(!history.isOpen());
        QVERIFY(!history.openError().isEmpty());
        QVERIFY(history.runs({}).empty());
        QVERIFY(history.groups({}).empty());
        QVERIFY(!history.run(a_));
        QVERIFY(history.checkpointOf(a_).isEmpty());
        QSignalSpy changed(&history, &HistoryController::changed);
        history.refresh(true);
        history.setPolling(true);
        QCOMPARE(changed.count(), 0);
        try {
            history.setTags(a_, {"x"});
            QFAIL("a tag was written to a history that is not open");
        } catch (const std::exception& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(history.openError()), e.what());
        }
    }
};

QTEST_MAIN(TestHistoryController)
#include "test_history_controller.moc"
