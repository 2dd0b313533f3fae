// StepBuffer: the hand-off of per-step losses from the training thread to the GUI's flush timer.

#include "training/step_buffer.h"

#include <QtTest/QtTest>

#include <thread>

using namespace airbench;
using airbench::ui::StepBuffer;

namespace {

std::vector<StepMetrics> steps(int64_t first, int64_t count, int epoch = 0) {
    std::vector<StepMetrics> out;
    for (int64_t s = first; s < first + count; ++s) {
        out.push_back({s, epoch, 1.0 / double(s)});
    }
    return out;
}

}  // namespace

class TestStepBuffer : public QObject {
    Q_OBJECT

private slots:
    void takesInOrderAndMergesPerRun() {
        StepBuffer buffer;
        buffer.push(0, steps(1, 3));
        buffer.push(0, steps(4, 2));
        buffer.push(1, steps(1, 4));
        const auto chunks = buffer.take(1);
        QCOMPARE(chunks.size(), size_t(2));
        QCOMPARE(chunks[0].first, 0);
        QCOMPARE(chunks[0].second.size(), size_t(5));
        for (size_t i = 0; i < 5; ++i) {
            QCOMPARE(chunks[0].second[i].step, int64_t(i + 1));
        }
        QCOMPARE(chunks[1].first, 1);
        QCOMPARE(chunks[1].second.size(), size_t(4));
        QVERIFY(buffer.take(10).empty());
    }

    // The GUI must not see steps of a run before it has seen that run start.
    void keepsLaterRunsForLater() {
        StepBuffer buffer;
        buffer.push(0, steps(1, 2));
        buffer.push(1, steps(1, 2));
        auto first = buffer.take(0);
        QCOMPARE(first.size(), size_t(1));
        QCOMPARE(first[0].first, 0);
        QVERIFY(buffer.take(-1).empty());
        auto second = buffer.take(1);
        QCOMPARE(second.size(), size_t(1));
        QCOMPARE(second[0].first, 1);
    }

    void loosesNothingUnderConcurrency() {
        StepBuffer buffer;
        constexpr int64_t kSteps = 20000;
        std::thread producer([&] {
            for (int64_t s = 1; s <= kSteps; ++s) {
                buffer.push(0, steps(s, 1));
            }
        });
        int64_t next = 1;
        bool ordered = true;
        while (next <= kSteps) {
            for (auto& [run, chunk] : buffer.take(0)) {
                for (const StepMetrics& m : chunk) {
                    ordered = ordered && m.step == next;
                    ++next;
                }
            }
        }
        producer.join();
        QVERIFY(ordered);
        QCOMPARE(next, kSteps + 1);
    }
};

QTEST_GUILESS_MAIN(TestStepBuffer)
#include "test_step_buffer.moc"
