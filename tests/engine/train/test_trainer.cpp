// Training on real data at small CPU settings: what trains, determinism, cancel, divergence,
// the observer's view, and accuracy floors.

#include "core/torch_device.h"
#include "data/loader_impl.h"
#include "nn/model_impl.h"
#include "nn/whitening.h"
#include "train/run_context.h"

#include <airbench/error.h>
#include <airbench/inference.h>
#include <airbench/knobs.h>
#include <airbench/train.h>

#include "support/test_data.h"

#include <QtTest/QtTest>

#include <algorithm>

using namespace airbench;

namespace {

// Small and fast: 1/4 widths, batches of 256, `epochs` epochs; `more` overrides further.
Recipe smallRecipe(const char* name, double epochs, const KnobValues& more = {}) {
    KnobValues overrides = {{"width_multiplier", 0.25}, {"batch_size", 256}, {"epochs", epochs}};
    for (const auto& [key, value] : more) {
        overrides[key] = value;
    }
    return resolveRecipe(findRecipe(name), overrides);
}

TrainOptions seeded(uint64_t seed, bool evaluateEveryEpoch = true) {
    TrainOptions o;
    o.mechanics.seed = seed;
    o.analysis.evaluateEveryEpoch = evaluateEveryEpoch;
    return o;
}

struct Loaders {
    CifarLoader train;
    CifarLoader test;
};

Loaders cifarLoaders(const Recipe& recipe, int64_t trainN, int64_t testN) {
    return {makeTrainLoader(recipe, test::cifar().train.head(trainN), Device{}),
            makeTestLoader(test::cifar().test.head(testN), Device{})};
}

class Recorder : public TrainObserver {
public:
    void onStart(const RunPlan& p) override { plan = p; }
    void onSteps(const std::vector<StepMetrics>& s) override {
        steps.insert(steps.end(), s.begin(), s.end());
    }
    void onEpoch(const EpochMetrics& m) override { epochs.push_back(m); }
    void onFinish(const RunSummary& s) override {
        summary = s;
        finished = true;
    }
    bool stopRequested() const override {
        return stopAfter > 0 && static_cast<int64_t>(steps.size()) >= stopAfter;
    }
    RunPlan plan;
    std::vector<StepMetrics> steps;
    std::vector<EpochMetrics> epochs;
    RunSummary summary;
    bool finished = false;
    int64_t stopAfter = 0;
};

struct Snapshot {
    at::Tensor whitenWeight, whitenBias, convs, head, bnWeights, bnBiases;
};

at::Tensor flat(const std::vector<at::Tensor>& tensors) {
    std::vector<at::Tensor> parts;
    for (const auto& t : tensors)
        parts.push_back(t.detach().flatten().clone());
    return at::cat(parts);
}

Snapshot snapshot(AirbenchNetImpl& net) {
    std::vector<at::Tensor> bnWeights;
    for (auto& g : *net.groups) {
        for (auto& bn : g->as<ConvGroupImpl>()->norms)
            bnWeights.push_back(bn->weight);
    }
    return {net.whiten->weight.detach().clone(),
            net.whiten->bias.detach().clone(),
            flat(net.convWeights()),
            net.head->weight.detach().clone(),
            flat(bnWeights),
            flat(net.batchNormBiases())};
}

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }
    void cleanup() { setEpochHookForTesting(nullptr); }

    void trainsExactlyTheTensorsThatShould() {
        AIRBENCH_REQUIRE_CIFAR();
        // Lookahead off: its blends would move frozen tensors towards their pre-whitening copy.
        const Recipe recipe =
            smallRecipe("airbench94", 3, {{"lookahead", 0}, {"whitening_bias_epochs", 1}});
        const TrainOptions o = seeded(9, false);
        Loaders data = cifarLoaders(recipe, 1024, 0);
        std::vector<Snapshot> epochs;
        setEpochHookForTesting([&](int, AirbenchNetImpl& net) { epochs.push_back(snapshot(net)); });
        at::Generator gen = makeGenerator(Device{}, deriveSeed(9, RandomStream::NetworkInit));
        Model initial = makeModel(recipe.name, networkOf(recipe), Device{}, 9, gen);
        const Snapshot start = snapshot(*initial.impl().net);
        train(recipe, data.train, nullptr, o);
        QCOMPARE(epochs.size(), size_t(3));

        const at::Tensor filters = whiteningFilters(data.train.impl().images);
        for (const Snapshot& s : epochs) {
            QVERIFY(s.whitenWeight.equal(filters));         // set from data, then frozen
            QVERIFY(s.bnWeights.eq(1).all().item<bool>());  // BatchNorm scales stay 1
        }
        // Every trainable group moved in the first epoch...
        QVERIFY(!epochs[0].whitenBias.equal(start.whitenBias));
        QVERIFY(!epochs[0].convs.equal(start.convs));
        QVERIFY(!epochs[0].head.equal(start.head));
        QVERIFY(!epochs[0].bnBiases.equal(start.bnBiases));
        // ...and kept moving, except the whitening bias, frozen after its one epoch.
        QVERIFY(!epochs[1].convs.equal(epochs[0].convs));
        QVERIFY(!epochs[2].bnBiases.equal(epochs[1].bnBiases));
        QVERIFY(epochs[1].whitenBias.equal(epochs[0].whitenBias));
        QVERIFY(epochs[2].whitenBias.equal(epochs[0].whitenBias));
    }

    void sameSeedSameLogits() {
        AIRBENCH_REQUIRE_CIFAR();
        const Recipe recipe = smallRecipe("airbench94", 2);
        auto run = [&](uint64_t seed) {
            Loaders data = cifarLoaders(recipe, 1024, 500);
            TrainResult r = train(recipe, data.train, &data.test, seeded(seed, false));
            return std::make_pair(infer(r.model, data.test, 0), r.history.stepLosses);
        };
        const auto a = run(3), b = run(3), c = run(4);
        QVERIFY(a.first.values == b.first.values);  // bit-identical
        QVERIFY(a.second == b.second);
        QVERIFY(a.first.values != c.first.values);
    }

    // Compiled mode needs CUDA graphs: on the CPU every recipe runs its eager step and says so.
    // (On a GPU, `airbench selftest --device cuda` checks the captured step against the eager one.)
    void compiledModeOnCpuRunsEagerlyWithANote() {
        AIRBENCH_REQUIRE_CIFAR();
        for (const char* name : {"airbench94", "airbench94_muon", "airbench96_faster"}) {
            const Recipe recipe = smallRecipe(name, 1);
            auto run = [&](bool compiled) {
                TrainOptions o = seeded(5, false);
                o.mechanics.compiled = compiled;
                Loaders data = cifarLoaders(recipe, 512, 0);
                return train(recipe, data.train, nullptr, o).history;
            };
            const RunHistory eager = run(false), compiled = run(true);
            QVERIFY2(compiled.stepLosses == eager.stepLosses, name);
            auto mentionsCompiled = [](const RunHistory& h) {
                for (const auto& n : h.summary.notes) {
                    if (n.find("compiled mode") != std::string::npos &&
                        n.find("eagerly") != std::string::npos)
                        return true;
                }
                return false;
            };
            QVERIFY2(mentionsCompiled(compiled), name);
            QVERIFY2(!mentionsCompiled(eager), name);
        }
    }

    // Likewise the fused BatchNorm + GELU and the compact pooling, whose kernels are CUDA
    // kernels: the same run, each noted once even where a recipe builds two networks
    // (airbench96_faster's proxy).
    void fusedKernelsOnCpuRunTheUsualOperationsWithANote() {
        AIRBENCH_REQUIRE_CIFAR();
        for (const char* name : {"airbench94", "airbench96_faster"}) {
            const Recipe recipe = smallRecipe(name, 1);
            auto run = [&](bool fused) {
                TrainOptions o = seeded(5, false);
                o.mechanics.fusedNormActivation = fused;
                o.mechanics.compactPooling = fused;
                Loaders data = cifarLoaders(recipe, 512, 0);
                return train(recipe, data.train, nullptr, o).history;
            };
            const RunHistory separate = run(false), fused = run(true);
            QVERIFY2(fused.stepLosses == separate.stepLosses, name);
            auto mentions = [](const RunHistory& h, const char* what) {
                return std::count_if(
                    h.summary.notes.begin(), h.summary.notes.end(),
                    [&](const std::string& n) { return n.find(what) != std::string::npos; });
            };
            for (const char* what :
                 {"fused BatchNorm + GELU unavailable", "compact max pooling unavailable"}) {
                QCOMPARE(mentions(fused, what), std::ptrdiff_t(1));
                QCOMPARE(mentions(separate, what), std::ptrdiff_t(0));
            }
        }
    }

    void observerSeesEveryStepAndEpoch() {
        AIRBENCH_REQUIRE_CIFAR();
        const Recipe recipe = smallRecipe("airbench94", 2.5);
        Loaders data = cifarLoaders(recipe, 1024, 300);
        Recorder rec;
        TrainResult r = train(recipe, data.train, &data.test, seeded(1), &rec);
        QVERIFY(rec.finished);
        QCOMPARE(rec.plan.totalSteps, int64_t(10));  // ceil(4 batches x 2.5)
        QCOMPARE(rec.plan.epochs, 3);
        QCOMPARE(static_cast<int64_t>(rec.steps.size()), rec.plan.totalSteps);
        QCOMPARE(rec.steps.back().step, int64_t(10));
        QCOMPARE(rec.epochs.size(), size_t(3));  // the last epoch cut short still reports
        QCOMPARE(rec.epochs.back().steps, int64_t(10));
        for (const auto& s : rec.steps)
            QVERIFY(std::isfinite(s.trainLoss) && s.trainLoss > 0);
        for (const auto& e : rec.epochs)
            QVERIFY(e.valAccuracy >= 0 && e.valAccuracy <= 1);
        QVERIFY(rec.epochs[1].seconds >= rec.epochs[0].seconds);
        QVERIFY(rec.summary.ttaValAccuracy >= 0 && rec.summary.ttaValAccuracy <= 1);
        QCOMPARE(r.history.stepLosses.size(), size_t(10));
        QVERIFY(r.history.summary.seconds >= r.history.summary.evalSeconds);
    }

    void stopReturnsWithinOneStep() {
        AIRBENCH_REQUIRE_CIFAR();
        const Recipe recipe = smallRecipe("airbench94", 3);
        Loaders data = cifarLoaders(recipe, 2048, 300);  // 8 steps per epoch
        Recorder rec;
        rec.stopAfter = 3;
        TrainResult r = train(recipe, data.train, &data.test, seeded(2), &rec);
        QVERIFY(r.history.summary.cancelled);
        QCOMPARE(r.history.summary.steps, int64_t(3));
        QCOMPARE(r.history.stepLosses.size(), size_t(3));
        QVERIFY(rec.finished && rec.summary.cancelled);
        QVERIFY(std::isnan(r.history.summary.ttaValAccuracy));  // no final evaluation
        QVERIFY(r.model.valid());
        QCOMPARE(infer(r.model, data.test).rows, int64_t(300));  // the network is usable
        // The loader is reusable afterwards: a fresh run on it completes.
        TrainResult again = train(smallRecipe("airbench94", 1), data.train, &data.test, seeded(2));
        QVERIFY(!again.history.summary.cancelled);
    }

    void divergenceIsReportedNotSwallowed() {
        AIRBENCH_REQUIRE_CIFAR();
        const Recipe recipe =
            smallRecipe("airbench94", 2, {{"learning_rate", 1e20}});  // overflows fp32 soon
        Loaders data = cifarLoaders(recipe, 1024, 100);
        QString message;
        try {
            train(recipe, data.train, &data.test, seeded(0));
        } catch (const DivergedError& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("diverged") && message.contains("step"), qPrintable(message));
    }

    void overridesAreValidated() {
        const Recipe& recipe = findRecipe("airbench94");
        auto refusal = [&](const KnobValues& overrides) {
            try {
                resolveRecipe(recipe, overrides);
            } catch (const Error& e) {
                return QString(e.what());
            }
            return QString();
        };
        QVERIFY(refusal({{"label_smoothing", 1.5}}).contains("label_smoothing"));
        QVERIFY(refusal({{"tta_level", 3}}).contains("tta_level"));
        QVERIFY(refusal({{"batch_size", 2.5}}).contains("integer"));
        QVERIFY(refusal({{"head_lr", 0.5}}).contains("airbench94 has no 'head_lr'"));
        QVERIFY(refusal({{"seed", 3}}).contains("run setting"));
        QVERIFY(refusal({{"no_such_knob", 3}}).contains("unknown setting"));
        // Widths follow the multiplier, however often a recipe is resolved.
        const Recipe once = resolveRecipe(recipe, {{"width_multiplier", 0.5}});
        QCOMPARE(networkOf(once).widths[1], 128);
        QCOMPARE(networkOf(resolveRecipe(once, {{"width_multiplier", 0.5}})).widths[1], 128);
        // train() refuses a table that was edited out of range by hand.
        Recipe edited = recipe;
        edited.hyp.epochs = -1;
        Loaders data = cifarLoaders(recipe, 256, 0);
        QVERIFY_THROWS_EXCEPTION(Error, train(edited, data.train, nullptr, seeded(0)));
    }

    void fashionMnistReachesItsFloor() {
        AIRBENCH_REQUIRE_FASHION();
        const Recipe recipe = smallRecipe("airbench94", 3, {{"batch_size", 512}});
        CifarLoader train = makeTrainLoader(recipe, test::fashion().train.head(8192), Device{});
        CifarLoader test = makeTestLoader(test::fashion().test.head(2000), Device{});
        TrainResult result = airbench::train(recipe, train, &test, seeded(0, false));
        const double acc = result.history.summary.ttaValAccuracy;
        // Measured 0.8500 (deterministic on one thread); the floor leaves 3 points.
        qInfo("Fashion-MNIST 8192 train, width 0.25, 3 epochs: TTA accuracy %.4f", acc);
        QVERIFY2(acc >= 0.82, qPrintable(QString::number(acc)));
    }

    void cifarReachesItsFloor() {
        AIRBENCH_REQUIRE_CIFAR();
        const Recipe recipe = smallRecipe("airbench94", 5, {{"batch_size", 512}});
        Loaders data = cifarLoaders(recipe, 10000, 2000);
        TrainResult result = train(recipe, data.train, &data.test, seeded(0, false));
        const double acc = result.history.summary.ttaValAccuracy;
        // Measured 0.6830 (deterministic on one thread); the floor leaves 4 points.
        qInfo("CIFAR-10 10000 train, width 0.25, 5 epochs: TTA accuracy %.4f", acc);
        QVERIFY2(acc >= 0.64, qPrintable(QString::number(acc)));
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
