// Scoring jobs through the Runner: in-sample, held-out over folds, per epoch, recorded.

#include <airbench/history.h>
#include <airbench/scoring.h>

#include "support/test_data.h"

#include <QtTest/QtTest>

using namespace airbench;

namespace {

class Networks : public ScoreObserver {
public:
    void onNetwork(int index, int total, const std::string& what) override {
        seen.push_back(std::to_string(index + 1) + "/" + std::to_string(total) + " " + what);
    }
    std::vector<std::string> seen;
};

}  // namespace

class TestScoring : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void scoresTheTrainingSetInSampleAndHeldOut() {
        AIRBENCH_REQUIRE_CIFAR();
        RunRequest request;
        request.config.overrides = {
            {"width_multiplier", 0.125}, {"batch_size", 128}, {"epochs", 6}};  // 48 steps
        request.config.run.threads = 1;
        request.config.data.trainSubset = 1024;
        request.config.data.testSubset = 100;
        request.dataset = test::cifarShared();
        ScoreOptions o;
        o.perEpoch = true;
        Runner runner;
        Networks networks;
        const ExampleScores in = scoreTrainingSet(runner, request, o, &networks);
        QCOMPARE(in.size, int64_t(1024));
        QVERIFY(!in.provenance.heldOut && in.provenance.perEpoch);
        QCOMPARE(in.forgetting.size(), size_t(1024));
        QVERIFY(std::all_of(in.trueProbability.begin(), in.trueProbability.end(),
                            [](float p) { return p >= 0 && p <= 1; }));
        QCOMPARE(networks.seen, std::vector<std::string>{"1/1 run 1/1"});
        QCOMPARE(in.provenance.datasetHash, runner.dataOf(request)->hash);
        o.folds = 2;
        const ExampleScores held = scoreTrainingSet(runner, request, o, &networks);
        QCOMPARE(networks.seen.back(), std::string("2/2 run 1/1, fold 2/2"));
        QVERIFY(held.provenance.heldOut && held.provenance.folds == 2 && !held.provenance.perEpoch);
        QVERIFY(QString::fromStdString(held.provenance.describe()).contains("held-out (2 folds)"));
        // Every example scored: no row left at the zero-logit default (uniform probabilities).
        int uniform = 0;
        for (int64_t i = 0; i < held.size; ++i)
            uniform += std::abs(held.margin[i]) < 1e-9;
        QCOMPARE(uniform, 0);
        // Networks that never saw an example are less sure of its label on average.
        double inMean = 0, heldMean = 0;
        for (int64_t i = 0; i < 1024; ++i) {
            inMean += in.trueProbability[i] / 1024;
            heldMean += held.trueProbability[i] / 1024;
        }
        qInfo("mean p(true): in-sample %.4f, held-out %.4f", inMean, heldMean);
        QVERIFY(heldMean < inMean);
    }

    void scoringNetworksAreRecordedAsRuns() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir dir;
        RunRequest request;
        request.config.overrides = {
            {"width_multiplier", 0.125}, {"batch_size", 256}, {"epochs", 1}};
        request.config.run.runs = 2;
        request.config.run.threads = 1;
        request.config.data.trainSubset = 512;
        request.config.data.testSubset = 100;
        request.dataset = test::cifarShared();
        request.history.path = (dir.path() + "/history.sqlite").toStdString();
        Runner runner;
        scoreTrainingSet(runner, request, {});
        history::Database db(request.history.path);
        const auto runs = db.runs();
        QCOMPARE(runs.size(), size_t(2));
        for (const auto& run : runs) {
            QCOMPARE(run.status, history::RunStatus::Finished);
            QCOMPARE(run.tags, std::vector<std::string>{"scoring"});
        }
    }
};

QTEST_GUILESS_MAIN(TestScoring)
#include "test_scoring.moc"
