// Recording a run as it trains: RunRecorder writes one transaction per epoch that a second
// connection reads while the run is open, forwards every call, ends runs as finished, cancelled
// or failed, downsamples long runs, and survives a database error without stopping training.
// At open, running runs of dead writers become interrupted; live writers' runs do not.

#include <airbench/history.h>
#include <airbench/loss_bucketer.h>
#include <airbench/run_recorder.h>

#include "history_test_support.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <cmath>
#include <stdexcept>

using namespace airbench;
using namespace airbench::history;
using airbench::history::test::feedEpoch;
using airbench::history::test::planOf;
using airbench::history::test::sampleRecord;

namespace {

// Counts what reaches the wrapped observer, and can ask the run to stop.
class CountingObserver : public TrainObserver {
public:
    void onStart(const RunPlan&) override { ++starts; }
    void onSteps(const std::vector<StepMetrics>& s) override { steps += int(s.size()); }
    void onEpoch(const EpochMetrics&) override { ++epochs; }
    void onNote(const std::string& note) override { notes.push_back(note); }
    void onFinish(const RunSummary&) override { ++finishes; }
    bool stopRequested() const override { return stop; }
    int starts = 0, steps = 0, epochs = 0, finishes = 0;
    std::vector<std::string> notes;
    bool stop = false;
};

void rawExec(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        qWarning("%s", error);
        sqlite3_free(error);
    }
    sqlite3_close(db);
}

// A pid that belonged to a process that has exited and been reaped.
int64_t deadPid() {
    QProcess p;
    p.start("true", QStringList());
    p.waitForStarted();
    const int64_t pid = p.processId();
    p.waitForFinished();
    return pid;
}

}  // namespace

class TestHistoryRecording : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writtenEpochByEpochAndReadableWhileOpen() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("h.sqlite").toStdString();
        Database writer(path);
        Database reader(path);  // another connection, as the GUI would hold
        CountingObserver printer;
        RunRecord record = sampleRecord(5);
        record.tags = {"sweep", " lr "};
        record.notes = "first try";
        RunRecorder recorder(writer, record, &printer);
        const int64_t id = recorder.runId();
        QVERIFY(id > 0);

        RunRecord seen = *reader.run(id);
        QCOMPARE(seen.status, RunStatus::Running);
        QCOMPARE(seen.epochsDone, 0);
        QCOMPARE(seen.writerPid, int64_t(QCoreApplication::applicationPid()));
        QCOMPARE(seen.tags, (std::vector<std::string>{"lr", "sweep"}));
        QCOMPARE(seen.notes, std::string("first try"));
        QCOMPARE(seen.softwareVersion, historyLibraryVersion());
        QCOMPARE(seen.uid.size(), size_t(32));

        recorder.onStart(planOf(4, 25));
        recorder.onNote("compiled mode is CUDA only: eager");
        int64_t step = 0;
        for (int e = 0; e < 4; ++e) {
            // Steps of the current epoch are not visible before its end...
            for (int s = 0; s < 10; ++s) {
                ++step;
                recorder.onSteps({{step, e, test::syntheticLoss(step)}});
            }
            QCOMPARE(reader.steps(id).size(), size_t(25 * e));
            for (int s = 10; s < 25; ++s) {
                ++step;
                recorder.onSteps({{step, e, test::syntheticLoss(step)}});
            }
            EpochMetrics m;
            m.epoch = e;
            m.steps = step;
            m.trainLoss = 1.0 / (e + 1);
            m.trainAccuracy = 0.5;
            m.valAccuracy = e == 0 ? kNotMeasured : 0.6 + 0.1 * e;
            m.seconds = 2.0 * (e + 1);
            recorder.onEpoch(m);
            // ...and the epoch and its steps are, together, once it ends.
            seen = *reader.run(id);
            QCOMPARE(seen.status, RunStatus::Running);
            QCOMPARE(seen.epochsDone, e + 1);
            QCOMPARE(seen.steps, step);
            const std::vector<EpochMetrics> epochs = reader.epochs(id);
            QCOMPARE(epochs.size(), size_t(e + 1));
            QCOMPARE(epochs.back().seconds, 2.0 * (e + 1));
            QCOMPARE(reader.steps(id).size(), size_t(25 * (e + 1)));
        }
        QCOMPARE(seen.plannedEpochs, 4);
        QCOMPARE(seen.plannedSteps, int64_t(100));
        QCOMPARE(seen.messages, (std::vector<std::string>{"compiled mode is CUDA only: eager"}));
        QVERIFY(std::isnan(reader.epochs(id)[0].valAccuracy));
        const std::vector<StepPoint> points = reader.steps(id);
        for (const StepPoint& p : points) {
            QCOMPARE(p.count, 1);
            QCOMPARE(p.epoch, int((p.step - 1) / 25));
            // Stored as float32.
            QCOMPARE(p.loss, double(float(test::syntheticLoss(p.step))));
        }

        printer.stop = true;
        QVERIFY(recorder.stopRequested());
        RunSummary s;
        s.valAccuracy = 0.9;
        s.ttaValAccuracy = 0.92;
        s.seconds = 8.5;
        s.steps = step;
        s.device = "ignored: the record names the device";
        recorder.onFinish(s);
        seen = *reader.run(id);
        QCOMPARE(seen.status, RunStatus::Finished);
        QCOMPARE(seen.ttaValAccuracy, 0.92);
        QCOMPARE(seen.valAccuracy, 0.9);
        QCOMPARE(seen.trainSeconds, 8.5);
        QCOMPARE(seen.device, std::string("CPU (1 thread)"));
        QVERIFY(!seen.finishedAt.empty() && seen.finishedAt >= seen.startedAt);
        QVERIFY(recorder.error().empty());

        QCOMPARE(printer.starts, 1);
        QCOMPARE(printer.steps, 100);
        QCOMPARE(printer.epochs, 4);
        QCOMPARE(printer.finishes, 1);
        QCOMPARE(printer.notes.size(), size_t(1));
    }

    void cancelledFailedAndAbandonedRuns() {
        QTemporaryDir dir;
        Database db(dir.filePath("h.sqlite").toStdString());
        int64_t cancelled = 0, failed = 0, abandoned = 0, unwound = 0;
        {
            RunRecorder r(db, sampleRecord(1));
            cancelled = r.runId();
            r.onStart(planOf(3, 5));
            int64_t step = 0;
            feedEpoch(r, 0, 5, step);
            RunSummary s;
            s.cancelled = true;
            s.steps = step;
            r.onFinish(s);
        }
        {
            RunRecorder r(db, sampleRecord(2));
            failed = r.runId();
            r.onStart(planOf(3, 5));
            r.fail("Training diverged: the loss became NaN at step 3");
        }
        {
            RunRecorder r(db, sampleRecord(3));
            abandoned = r.runId();
        }
        try {
            RunRecorder r(db, sampleRecord(4));
            unwound = r.runId();
            throw std::runtime_error("out of memory");
        } catch (const std::exception&) {
        }
        QCOMPARE(db.run(cancelled)->status, RunStatus::Cancelled);
        QCOMPARE(db.run(cancelled)->epochsDone, 1);
        QCOMPARE(db.run(failed)->status, RunStatus::Failed);
        QCOMPARE(db.run(failed)->error,
                 std::string("Training diverged: the loss became NaN at step 3"));
        QCOMPARE(db.run(abandoned)->status, RunStatus::Failed);
        QCOMPARE(db.run(abandoned)->error, std::string("the run ended without a result"));
        QCOMPARE(db.run(unwound)->status, RunStatus::Failed);
        QCOMPARE(db.run(unwound)->error, std::string("training threw an exception"));
    }

    void longRunsKeepBucketMeans() {
        QTemporaryDir dir;
        Database db(dir.filePath("h.sqlite").toStdString());
        // 10 epochs of 1,001 steps: buckets of ceil(10010 / 2000) = 6 steps, the last of each
        // epoch holding 5 (1001 = 166 * 6 + 5).
        const int64_t id = test::writeRun(db, sampleRecord(), 10, 1001, 0.9);
        const std::vector<StepPoint> points = db.steps(id);
        QCOMPARE(bucketSizeFor(10010), 6);
        QCOMPARE(points.size(), size_t(10 * 167));
        QVERIFY(points.size() <= size_t(kMaxLossPoints + 10));
        int64_t covered = 0;
        for (size_t i = 0; i < points.size(); ++i) {
            const StepPoint& p = points[i];
            QCOMPARE(p.count, i % 167 == 166 ? 5 : 6);
            double sum = 0;
            for (int64_t s = p.step - p.count + 1; s <= p.step; ++s) {
                sum += test::syntheticLoss(s);
            }
            QVERIFY(std::abs(p.loss - sum / p.count) < 1e-6);
            covered += p.count;
        }
        QCOMPARE(covered, int64_t(10010));
        QCOMPARE(points.back().step, int64_t(10010));
    }

    void runsOfDeadWritersBecomeInterrupted() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("h.sqlite").toStdString();
        QProcess live;
        live.start("sleep", {"60"});
        QVERIFY(live.waitForStarted());
        int64_t deadId, liveId, reusedId, otherHostId;
        {
            Database db(path);
            deadId = db.beginRun(sampleRecord(1));
            liveId = db.beginRun(sampleRecord(2));
            reusedId = db.beginRun(sampleRecord(3));
            otherHostId = db.beginRun(sampleRecord(4));
            db.recordEpoch(deadId, EpochMetrics{0, 5, 1.0, 0.5, 0.6, 1.0}, {});
        }
        const int64_t dead = deadPid();
        rawExec(path, "UPDATE runs SET writer_pid = " + std::to_string(dead) +
                          ", writer_start = 0 WHERE id = " + std::to_string(deadId));
        rawExec(path, "UPDATE runs SET writer_pid = " + std::to_string(live.processId()) +
                          ", writer_start = 0 WHERE id = " + std::to_string(liveId));
        // The live process's pid, but a start time that is not its own: a reused pid.
        rawExec(path, "UPDATE runs SET writer_pid = " + std::to_string(live.processId()) +
                          ", writer_start = 12345 WHERE id = " + std::to_string(reusedId));
        rawExec(path,
                "UPDATE runs SET writer_pid = " + std::to_string(dead) +
                    ", writer_host = 'another-machine' WHERE id = " + std::to_string(otherHostId));

        Database db(path);
        QCOMPARE(db.interruptedAtOpen(), 2);
        const RunRecord d = *db.run(deadId);
        QCOMPARE(d.status, RunStatus::Interrupted);
        QVERIFY2(d.error.find("pid " + std::to_string(dead)) != std::string::npos, d.error.c_str());
        QCOMPARE(d.finishedAt, d.updatedAt);  // when it was last heard of
        QCOMPARE(d.epochsDone, 1);
        QCOMPARE(db.run(reusedId)->status, RunStatus::Interrupted);
        QCOMPARE(db.run(liveId)->status, RunStatus::Running);
        QCOMPARE(db.run(otherHostId)->status, RunStatus::Running);  // cannot be checked

        // The live writer cannot be deleted under its feet.
        QVERIFY_EXCEPTION_THROWN(db.deleteRuns({liveId}), HistoryError);

        live.kill();
        live.waitForFinished();
        QCOMPARE(db.markInterruptedRuns(), 1);
        QCOMPARE(db.run(liveId)->status, RunStatus::Interrupted);
        QCOMPARE(db.markInterruptedRuns(), 0);
    }

    void ownRunsAreNeverInterrupted() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("h.sqlite").toStdString();
        Database writer(path);
        const int64_t id = writer.beginRun(sampleRecord());
        Database reader(path);  // same process, as the GUI reading while its worker trains
        QCOMPARE(reader.interruptedAtOpen(), 0);
        QCOMPARE(reader.run(id)->status, RunStatus::Running);
    }

    void databaseErrorsStopRecordingNotTraining() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("h.sqlite").toStdString();
        Database db(path);
        CountingObserver printer;
        RunRecorder recorder(db, sampleRecord(), &printer);
        recorder.onStart(planOf(3, 4));
        int64_t step = 0;
        feedEpoch(recorder, 0, 4, step);
        // Someone deletes the run while it trains (another connection; it is ours, so alive).
        rawExec(path, "DELETE FROM runs WHERE id = " + std::to_string(recorder.runId()));
        feedEpoch(recorder, 1, 4, step);  // must not throw
        QVERIFY(!recorder.error().empty());
        QCOMPARE(printer.epochs, 2);
        QCOMPARE(printer.notes.size(), size_t(1));
        QVERIFY(printer.notes[0].find("recording stopped") != std::string::npos);
        feedEpoch(recorder, 2, 4, step);
        recorder.onFinish(RunSummary{});
        QCOMPARE(printer.finishes, 1);
        QCOMPARE(printer.notes.size(), size_t(1));  // reported once
    }
};

QTEST_GUILESS_MAIN(TestHistoryRecording)
#include "test_history_recording.moc"
