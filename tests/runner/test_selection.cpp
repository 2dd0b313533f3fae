// The selection experiment end to end at a tiny CPU scale on real CIFAR-10.

#include <airbench/selection.h>

#include "support/test_data.h"

#include <QtTest/QtTest>

using namespace airbench;

class Phases : public SelectionObserver {
public:
    void onPhase(const std::string& phase, int run, int runs) override {
        seen.push_back(phase + " " + std::to_string(run + 1) + "/" + std::to_string(runs));
    }
    std::vector<std::string> seen;
};

class TestSelection : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void runsBothArmsWithTheSameBudget() {
        AIRBENCH_REQUIRE_CIFAR();
        RunRequest request;
        request.config.overrides = {
            {"width_multiplier", 0.125}, {"batch_size", 256}, {"epochs", 2}};
        request.config.run.threads = 1;
        request.config.data.trainSubset = 2048;
        request.config.data.testSubset = 500;
        request.dataset = test::cifarShared();
        SelectionOptions o;
        o.keep = 0.5;
        o.runs = 2;
        o.epochs = 2;
        o.matchClassMix = true;
        Phases phases;
        Runner runner;
        const SelectionResult r = runSelectionExperiment(runner, request, o, &phases);
        QCOMPARE(r.keptExamples, int64_t(1024));
        QCOMPARE(r.selection.datasetHash(), runner.dataOf(request)->hash);
        QCOMPARE(r.selected.accuracies.size(), size_t(2));
        QCOMPARE(r.random.accuracies.size(), size_t(2));
        QCOMPARE(r.scores.provenance.labelSmoothing, 0.0);  // the scorer trains without smoothing
        // The kept examples are the least confident ones.
        float maxKept = -1e9f, minDropped = 1e9f;
        for (int64_t i = 0; i < r.scores.size; ++i) {
            const float c = r.scores.confidence[static_cast<size_t>(i)];
            (r.selection.contains(i) ? maxKept : minDropped) =
                r.selection.contains(i) ? std::max(maxKept, c) : std::min(minDropped, c);
        }
        QVERIFY(maxKept <= minDropped);
        QCOMPARE(phases.seen.front(), std::string("scoring 1/1"));
        QCOMPARE(phases.seen.back(), std::string("random 2/2"));
        QVERIFY(std::isfinite(r.test.difference));
        qInfo("selected %.4f +- %.4f, random %.4f +- %.4f, p = %.3f", r.selected.summary.mean,
              r.selected.summary.stddev, r.random.summary.mean, r.random.summary.stddev,
              r.test.pValue);
    }
};

QTEST_GUILESS_MAIN(TestSelection)
#include "test_selection.moc"
