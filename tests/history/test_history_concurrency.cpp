// Readers while a run writes: a writer thread records epochs through its own connection while
// the test thread reads in a loop through another. WAL mode means the reader never waits, never
// fails with "database is locked", and never sees an epoch without its steps (one transaction
// each); what it sees only grows.

#include <airbench/history.h>
#include <airbench/run_recorder.h>

#include "history_test_support.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace airbench;
using namespace airbench::history;

class TestHistoryConcurrency : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readersNeverBlockOrSeeHalfAnEpoch() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("h.sqlite").toStdString();
        constexpr int kEpochs = 60, kSteps = 300;
        {
            Database create(path);  // the schema exists before the threads start
        }

        std::atomic<int64_t> runId{0};
        std::atomic<bool> done{false};
        std::string writerError;
        std::thread writer([&] {
            try {
                Database db(path);
                RunRecorder recorder(db, test::sampleRecord());
                runId = recorder.runId();
                recorder.onStart(test::planOf(kEpochs, kSteps));
                int64_t step = 0;
                for (int e = 0; e < kEpochs; ++e) {
                    test::feedEpoch(recorder, e, kSteps, step);
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
                RunSummary s;
                s.ttaValAccuracy = 0.9;
                s.steps = step;
                recorder.onFinish(s);
                writerError = recorder.error();
            } catch (const std::exception& e) {
                writerError = e.what();
            }
            done = true;
        });

        Database reader(path);
        int reads = 0, lastEpochs = 0, distinctStates = 0;
        double slowestReadMs = 0;
        std::string readerError;
        while (!done || reads == 0) {
            if (runId == 0) {
                std::this_thread::yield();
                continue;
            }
            try {
                const auto start = std::chrono::steady_clock::now();
                const std::optional<RunRecord> run = reader.run(runId);
                const std::vector<EpochMetrics> epochs = reader.epochs(runId);
                const std::vector<StepPoint> steps = reader.steps(runId);
                reader.runs();
                slowestReadMs =
                    std::max(slowestReadMs, std::chrono::duration<double, std::milli>(
                                                std::chrono::steady_clock::now() - start)
                                                .count());
                ++reads;
                // Separate statements may straddle a commit; within one epoch table read,
                // epochs only grow, and every epoch read has its steps (same transaction).
                if (int(epochs.size()) < lastEpochs) {
                    readerError = "epochs went backwards";
                    break;
                }
                if (int(epochs.size()) != lastEpochs) {
                    ++distinctStates;
                }
                lastEpochs = int(epochs.size());
                int64_t stepsCovered = 0;  // points are bucket means: count their steps
                for (const StepPoint& p : steps) {
                    stepsCovered += p.count;
                }
                if (stepsCovered < int64_t(epochs.size()) * kSteps) {
                    readerError = "an epoch without its steps";
                    break;
                }
                if (!run ||
                    (run->status != RunStatus::Running && run->status != RunStatus::Finished)) {
                    readerError = "unexpected run state";
                    break;
                }
            } catch (const std::exception& e) {
                readerError = e.what();
                break;
            }
        }
        writer.join();
        QVERIFY2(writerError.empty(), writerError.c_str());
        QVERIFY2(readerError.empty(), readerError.c_str());
        QCOMPARE(reader.epochs(runId).size(), size_t(kEpochs));
        QCOMPARE(reader.run(runId)->status, RunStatus::Finished);
        qInfo(
            "%d reads while writing %d epochs, %d distinct epoch counts seen, slowest read "
            "%.1f ms",
            reads, kEpochs, distinctStates, slowestReadMs);
        QVERIFY(reads > kEpochs / 2);
        QVERIFY(distinctStates > 3);  // the reads really interleaved with the writes
    }

    void dataVersionTellsAReaderSomethingChanged() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("h.sqlite").toStdString();
        Database writer(path);
        Database reader(path);
        const int64_t before = reader.dataVersion();
        QCOMPARE(reader.dataVersion(), before);
        test::writeRun(writer, test::sampleRecord(), 1, 5, 0.9);
        QVERIFY(reader.dataVersion() != before);
    }
};

QTEST_GUILESS_MAIN(TestHistoryConcurrency)
#include "test_history_concurrency.moc"
