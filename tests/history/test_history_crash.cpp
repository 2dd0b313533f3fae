// A real crash: `airbench train` records into a temporary history while this test watches it
// through its own connection (a live writer's run stays "running" however often we open the
// file), then SIGKILLs it after the first recorded epoch. The file must still be a sound
// database, hold every epoch committed before the kill with all its steps, and the next open
// must mark the run interrupted.

#include <airbench/history.h>

#include "support/test_data.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest/QtTest>

#include <sqlite3.h>

using namespace airbench::history;

namespace {

// CIFAR-10 when present, else Debian's Fashion-MNIST; "" when neither.
QString trainingData() {
    if (!airbench::test::cifarDir().empty()) {
        return QString::fromStdString(airbench::test::cifarDir());
    }
    return QString::fromStdString(airbench::test::fashionDir());
}

std::string integrityCheck(const std::string& path) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr);
    std::string out = sqlite3_step(q) == SQLITE_ROW
                          ? reinterpret_cast<const char*>(sqlite3_column_text(q, 0))
                          : "no answer";
    sqlite3_finalize(q);
    sqlite3_close(db);
    return out;
}

}  // namespace

class TestHistoryCrash : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void killedTrainingLeavesAnInterruptedRun() {
        const QString data = trainingData();
        if (data.isEmpty()) {
            QSKIP(("neither CIFAR-10 (" + airbench::test::whereCifarWasSought() +
                   ") nor Fashion-MNIST (" + airbench::test::whereFashionWasSought() + ") found")
                      .c_str());
        }
        QTemporaryDir dir;
        const std::string path = dir.filePath("history.sqlite").toStdString();
        QProcess train;
        train.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        train.setStandardOutputFile(QProcess::nullDevice());
        train.start(qEnvironmentVariable("AIRBENCH_BIN_DIR") + "/airbench",
                    {"train", "--data", data, "--train-subset", "2048", "--test-subset", "200",
                     "--width", "0.125", "--batch-size", "256", "--epochs", "20", "--threads", "1",
                     "--quiet", "--db", QString::fromStdString(path)});
        QVERIFY2(train.waitForStarted(), qPrintable(train.errorString()));

        // Watch the run through our own connection until one epoch is committed.
        QElapsedTimer clock;
        clock.start();
        int64_t runId = 0;
        int epochsSeen = 0, opens = 0;
        while (epochsSeen < 1) {
            QVERIFY2(train.state() == QProcess::Running,
                     "airbench train ended before its first epoch");
            QVERIFY2(clock.elapsed() < 240000, "no epoch recorded within 4 minutes");
            QThread::msleep(100);
            if (!QFile::exists(QString::fromStdString(path))) {
                continue;
            }
            Database watcher(path);
            ++opens;
            QCOMPARE(watcher.interruptedAtOpen(), 0);  // the writer is alive
            const std::vector<RunRecord> runs = watcher.runs();
            if (runs.empty()) {
                continue;
            }
            QCOMPARE(runs.size(), size_t(1));
            QCOMPARE(runs[0].status, RunStatus::Running);
            QCOMPARE(runs[0].writerPid, int64_t(train.processId()));
            runId = runs[0].id;
            epochsSeen = runs[0].epochsDone;
        }

        train.kill();  // SIGKILL: no destructor, no onFinish, no rollback
        QVERIFY(train.waitForFinished(30000));
        QCOMPARE(train.exitStatus(), QProcess::CrashExit);
        QCOMPARE(integrityCheck(path), std::string("ok"));

        Database db(path);
        QCOMPARE(db.interruptedAtOpen(), 1);
        const RunDetails run = db.details(runId);
        QCOMPARE(run.record.status, RunStatus::Interrupted);
        QVERIFY2(run.record.error.find("ended before the run did") != std::string::npos,
                 run.record.error.c_str());
        QCOMPARE(run.record.plannedEpochs, 20);
        QVERIFY(run.record.epochsDone >= epochsSeen);
        QVERIFY(run.record.epochsDone < 20);
        QCOMPARE(int(run.epochs.size()), run.record.epochsDone);
        // Every committed epoch has all of its steps: 2048 / 256 = 8 per epoch.
        QCOMPARE(int64_t(run.steps.size()), run.epochs.back().steps);
        QCOMPARE(run.epochs.back().steps, int64_t(8) * run.record.epochsDone);
        QVERIFY(run.record.configJson.find("\"seed\":0") != std::string::npos);
        QVERIFY(!run.record.datasetHash.empty());
        qInfo("killed after %d recorded epoch(s); %d opens while it ran", run.record.epochsDone,
              opens);
    }
};

QTEST_GUILESS_MAIN(TestHistoryCrash)
#include "test_history_crash.moc"
