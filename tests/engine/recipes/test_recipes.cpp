// Every recipe: the registry, each recipe's distinctive parts, and a small CPU run per recipe
// that must reach a floor set from measurement.

#include "data/loader_impl.h"
#include "recipes/airbench96_faster.h"

#include <airbench/error.h>
#include <airbench/train.h>

#include "support/test_data.h"

#include <QtTest/QtTest>

#include <set>

using namespace airbench;

namespace {

struct SmallRun {
    double accuracy;
    RunHistory history;
};

// 4096 training images, 1000 test images, batch 256, narrow widths.
SmallRun trainSmall(const std::string& name, double epochs, double width = 0.25) {
    const Recipe recipe = resolveRecipe(
        findRecipe(name), {{"width_multiplier", width}, {"batch_size", 256}, {"epochs", epochs}});
    TrainOptions o;
    o.analysis.evaluateEveryEpoch = false;
    CifarLoader train = makeTrainLoader(recipe, test::cifar().train.head(4096), Device{});
    CifarLoader test = makeTestLoader(test::cifar().test.head(1000), Device{});
    TrainResult result = airbench::train(recipe, train, &test, o);
    return {result.history.summary.ttaValAccuracy, std::move(result.history)};
}

}  // namespace

class TestRecipes : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }
    void cleanup() { builtin::setBatchHookForTesting(nullptr); }

    void registryListsEveryRecipeOnce() {
        const auto names = recipeNames();
        for (const char* name :
             {"airbench94", "airbench94_muon", "airbench95", "airbench96", "airbench96_faster"}) {
            QVERIFY2(std::count(names.begin(), names.end(), name) == 1, name);
        }
        QCOMPARE(names.front(), std::string("airbench94"));  // the default recipe
        QString message;
        try {
            findRecipe("airbench99");
        } catch (const Error& e) {
            message = e.what();
        }
        QVERIFY(message.contains("airbench99") && message.contains("airbench96_faster"));
        for (const Recipe& r : recipes()) {
            QVERIFY(!r.description.empty() && r.reference.accuracy > 0.9);
            // Analytic FLOPs within 10% of the seed's figures (docs/recipes.md).
            const double pflop = planRun(r, 50000, 10000).totalFlops() / 1e15;
            QVERIFY2(std::abs(pflop - r.reference.pflop) / r.reference.pflop < 0.10,
                     qPrintable(QString("%1: %2").arg(r.name.c_str()).arg(pflop)));
        }
    }

    void tablesMatchTheSpec() {
        const Recipe& muon = findRecipe("airbench94_muon");
        QCOMPARE(planRun(muon, 50000, 10000).totalSteps, int64_t(200));  // 8 x 25
        QCOMPARE(muon.hyp.batchSize, 2000);
        QCOMPARE(muon.head, HeadKind::UnitStdOverWidth);
        QCOMPARE(muon.optimizer, OptimizerKind::Muon);
        // The script's SGD side, in the table.
        QCOMPARE(muon.hyp.whiteningBiasLr, 0.053);
        QCOMPARE(muon.hyp.batchNormBiasLr, 0.053);
        QCOMPARE(muon.hyp.headLr, 0.67);
        QCOMPARE(muon.hyp.sgdMomentum, 0.85);
        const Recipe& r94 = findRecipe("airbench94");
        QCOMPARE(r94.hyp.batchNormMomentum, 0.6);  // the reference's convention
        const Recipe& r95 = findRecipe("airbench95");
        QCOMPARE(networkOf(r95).widths, (std::array<int, 3>{128, 384, 384}));
        QCOMPARE(r95.hyp.translate, 2);
        QCOMPARE(r95.hyp.cutout, 0);
        const Recipe& r96 = findRecipe("airbench96");
        QCOMPARE(r96.block, BlockKind::ResidualThreeConv);
        QCOMPARE(r96.hyp.batchNormMomentum, 0.9);  // PyTorch's default 0.1
        QCOMPARE(r96.hyp.translate, 4);
        QCOMPARE(r96.hyp.cutout, 12);
        QCOMPARE(r96.schedule, LrSchedule::WarmupThenZero);
        const Recipe& fast = findRecipe("airbench96_faster");
        QCOMPARE(planRun(fast, 50000, 10000).totalSteps, int64_t(2160));
        QCOMPARE(planRun(fast, 50000, 10000).examplesSeen, int64_t(2160 * 512));
        QVERIFY(fast.hyp.whiteningBiasEpochs < 0);  // the original's quirk, kept by default
        QCOMPARE(builtin::proxyNetwork(fast).widths, (std::array<int, 3>{32, 64, 64}));
        QCOMPARE(builtin::proxyNetwork(fast).batchNormMomentum, 0.9);
        QCOMPARE(fast.hyp.proxyUpdateEvery, 4);
        // The proxy widths follow the width multiplier, like the main network's.
        const Recipe narrow = resolveRecipe(fast, {{"width_multiplier", 0.5}});
        QCOMPARE(builtin::proxyNetwork(narrow).widths, (std::array<int, 3>{16, 32, 32}));
        // A kept fraction changes the plan.
        const Recipe quarter = resolveRecipe(fast, {{"proxy_keep_fraction", 0.25}});
        QCOMPARE(planRun(quarter, 50000, 10000).examplesSeen, int64_t(2160 * 256));
    }

    void hardestExamplesAreTheTopHalf() {
        const at::Tensor losses = at::tensor({0.3f, 2.0f, 0.1f, 1.5f, 0.9f, 3.0f, 0.2f, 1.0f});
        at::Tensor kept = std::get<0>(builtin::hardestExamples(losses, 4).sort());
        QVERIFY(kept.equal(at::tensor({1, 3, 5, 7}, at::kLong)));
    }

    void fasterProxyAndMainSeeIdenticalBatches() {
        AIRBENCH_REQUIRE_CIFAR();
        std::vector<at::Tensor> proxyBatches, mainBatches, proxyKept, mainKept;
        bool keptTheHardest = true;
        builtin::setBatchHookForTesting([&](const char* phase, int64_t, const at::Tensor& indices,
                                            const at::Tensor& kept, const at::Tensor& losses) {
            const bool proxy = std::string(phase) == "proxy";
            (proxy ? proxyBatches : mainBatches).push_back(indices.clone());
            (proxy ? proxyKept : mainKept).push_back(kept.clone());
            if (proxy) {
                at::Tensor isKept =
                    at::zeros({losses.size(0)}, at::kBool).index_fill_(0, kept, true);
                keptTheHardest &=
                    kept.size(0) * 2 == losses.size(0) &&
                    losses.masked_select(isKept).min().item<float>() >=
                        losses.masked_select(isKept.logical_not()).max().item<float>();
            }
        });
        const SmallRun run = trainSmall("airbench96_faster", 2, 0.125);  // 16 steps per "epoch"
        QCOMPARE(proxyBatches.size(), size_t(32));
        QCOMPARE(mainBatches.size(), size_t(32));
        for (size_t t = 0; t < 32; ++t) {
            QVERIFY(proxyBatches[t].equal(mainBatches[t]));
            QVERIFY(proxyKept[t].equal(mainKept[t]));
            QCOMPARE(proxyBatches[t].size(0), int64_t(256));
        }
        QVERIFY(keptTheHardest);
        QCOMPARE(run.history.summary.examplesKept, int64_t(32 * 128));
        QVERIFY(run.history.summary.proxySeconds > 0);
        QCOMPARE(run.history.stepLosses.size(), size_t(32));
    }

    void muonReachesItsFloor() {
        AIRBENCH_REQUIRE_CIFAR();
        const SmallRun run = trainSmall("airbench94_muon", 4);
        // Measured 0.6690 (one thread, deterministic).
        qInfo("airbench94_muon: %.4f", run.accuracy);
        QVERIFY2(run.accuracy >= 0.62, qPrintable(QString::number(run.accuracy)));
    }

    void airbench95ReachesItsFloor() {
        AIRBENCH_REQUIRE_CIFAR();
        const SmallRun run = trainSmall("airbench95", 4, 0.125);
        // Measured 0.4930 (one thread, deterministic).
        qInfo("airbench95: %.4f", run.accuracy);
        QVERIFY2(run.accuracy >= 0.45, qPrintable(QString::number(run.accuracy)));
    }

    void airbench96ReachesItsFloor() {
        AIRBENCH_REQUIRE_CIFAR();
        const SmallRun run = trainSmall("airbench96", 4, 0.125);
        // Measured 0.4680 (one thread, deterministic).
        qInfo("airbench96: %.4f", run.accuracy);
        QVERIFY2(run.accuracy >= 0.43, qPrintable(QString::number(run.accuracy)));
    }

    void airbench96FasterReachesItsFloor() {
        AIRBENCH_REQUIRE_CIFAR();
        const SmallRun run = trainSmall("airbench96_faster", 4, 0.125);
        // Measured 0.3150 (one thread, deterministic).
        qInfo("airbench96_faster: %.4f", run.accuracy);
        QVERIFY2(run.accuracy >= 0.28, qPrintable(QString::number(run.accuracy)));
    }
};

QTEST_GUILESS_MAIN(TestRecipes)
#include "test_recipes.moc"
