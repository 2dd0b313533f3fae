// The fused BatchNorm + GELU operation against the separate operations it replaces: outputs,
// every gradient (its backward is written by hand) and the running statistics, in training and
// in evaluation (test_network checks it inside the networks). The CPU runs the operation's
// tensor-op form; `airbench selftest --device cuda` checks the CUDA kernels against it.

#include "core/torch_device.h"
#include "nn/batch_norm_gelu.h"

#include "support/test_data.h"

#include <QtTest/QtTest>

using namespace airbench;

namespace {

constexpr double kMomentum = 0.6;
constexpr double kEps = 1e-12;

struct Inputs {
    at::Tensor x, weight, bias, runningMean, runningVar, upstream;
};

// Activations with a mean far from zero and unequal channels, so that a formula that ignores
// the mean, the variance or the weight shows.
Inputs makeInputs(at::ScalarType type, at::MemoryFormat format, uint64_t seed) {
    at::Generator gen = makeGenerator(Device{}, seed);
    const auto o = at::TensorOptions().dtype(type);
    Inputs in;
    const int64_t channels = 6;
    in.x = (at::randn({5, channels, 4, 3}, gen, o) *
                at::linspace(0.5, 3, channels, o).view({1, -1, 1, 1}) +
            at::linspace(-4, 6, channels, o).view({1, -1, 1, 1}))
               .contiguous(format);
    in.weight = at::rand({channels}, gen, o) + 0.5;
    in.bias = at::randn({channels}, gen, o);
    in.runningMean = at::randn({channels}, gen, o);
    in.runningVar = at::rand({channels}, gen, o) + 0.5;
    in.upstream = at::randn(in.x.sizes(), gen, o).contiguous(format);
    for (at::Tensor* t : {&in.x, &in.weight, &in.bias}) {
        t->set_requires_grad(true);
    }
    return in;
}

Inputs copyOf(const Inputs& in) {
    Inputs out;
    out.x = in.x.detach().clone().set_requires_grad(true);
    out.weight = in.weight.detach().clone().set_requires_grad(true);
    out.bias = in.bias.detach().clone().set_requires_grad(true);
    out.runningMean = in.runningMean.clone();
    out.runningVar = in.runningVar.clone();
    out.upstream = in.upstream;
    return out;
}

struct Outcome {
    at::Tensor y, dx, dWeight, dBias, runningMean, runningVar;
};

Outcome run(Inputs in, bool fused, bool training) {
    at::Tensor y =
        fused ? batchNormGelu(in.x, in.weight, in.bias, in.runningMean, in.runningVar, training,
                              kMomentum, kEps)
              : at::gelu(at::batch_norm(in.x, in.weight, in.bias, in.runningMean, in.runningVar,
                                        training, kMomentum, kEps, /*cudnn_enabled=*/false));
    (y * in.upstream).sum().backward();
    return {y.detach(),     in.x.grad(),    in.weight.grad(),
            in.bias.grad(), in.runningMean, in.runningVar};
}

double maxDifference(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

double relativeDifference(const at::Tensor& a, const at::Tensor& b) {
    const at::Tensor x = a.to(at::kDouble), y = b.to(at::kDouble);
    return ((x - y).norm() / y.norm()).item<double>();
}

}  // namespace

class TestBatchNormGelu : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void equalsTheSeparateOperations_data() {
        QTest::addColumn<bool>("training");
        QTest::addColumn<bool>("channelsLast");
        QTest::newRow("training, channels_last") << true << true;
        QTest::newRow("training, contiguous") << true << false;
        QTest::newRow("evaluation, channels_last") << false << true;
        QTest::newRow("evaluation, contiguous") << false << false;
    }

    void equalsTheSeparateOperations() {
        QFETCH(bool, training);
        QFETCH(bool, channelsLast);
        // fp64, so that any difference is a formula's, not rounding's.
        const Inputs in = makeInputs(
            at::kDouble,
            channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous, 3);
        const Outcome separate = run(copyOf(in), /*fused=*/false, training);
        const Outcome fused = run(copyOf(in), /*fused=*/true, training);
        QVERIFY(maxDifference(fused.y, separate.y) < 1e-12);
        QVERIFY(maxDifference(fused.dx, separate.dx) < 1e-12);
        QVERIFY(maxDifference(fused.dWeight, separate.dWeight) < 1e-12);
        QVERIFY(maxDifference(fused.dBias, separate.dBias) < 1e-12);
        QVERIFY(maxDifference(fused.runningMean, separate.runningMean) < 1e-12);
        QVERIFY(maxDifference(fused.runningVar, separate.runningVar) < 1e-12);
        // Training moves the running statistics; evaluation leaves them alone.
        QCOMPARE(at::equal(fused.runningMean, in.runningMean), !training);
        QCOMPARE(at::equal(fused.runningVar, in.runningVar), !training);
        // The input's gradient in training is not the evaluation formula's.
        if (training) {
            const Outcome frozen = run(copyOf(in), /*fused=*/true, /*training=*/false);
            QVERIFY(maxDifference(frozen.dx, fused.dx) > 1e-3);
        }
    }

    void keepsTypeAndLayout() {
        const Inputs in = makeInputs(at::kFloat, at::MemoryFormat::ChannelsLast, 4);
        const Outcome fused = run(copyOf(in), /*fused=*/true, /*training=*/true);
        QCOMPARE(fused.y.scalar_type(), at::kFloat);
        QVERIFY(fused.y.is_contiguous(at::MemoryFormat::ChannelsLast));
        QVERIFY(fused.dx.is_contiguous(at::MemoryFormat::ChannelsLast));
        const Outcome separate = run(copyOf(in), /*fused=*/false, /*training=*/true);
        QVERIFY(relativeDifference(fused.y, separate.y) < 1e-6);
        QVERIFY(relativeDifference(fused.dx, separate.dx) < 1e-5);
    }

    void onlyRequestedGradients() {
        Inputs in = makeInputs(at::kDouble, at::MemoryFormat::ChannelsLast, 5);
        in.weight = in.weight.detach();  // frozen, as the networks' BatchNorm scale is
        const Outcome fused = run(in, /*fused=*/true, /*training=*/true);
        QVERIFY(!fused.dWeight.defined());
        QVERIFY(fused.dBias.defined() && fused.dx.defined());
    }

    void rejectsWhatItCannotNormalise() {
        const Inputs in = makeInputs(at::kFloat, at::MemoryFormat::Contiguous, 6);
        const at::Tensor flat = in.x.detach().flatten(2);
        QVERIFY_THROWS_EXCEPTION(c10::Error, batchNormGelu(flat, in.weight, in.bias, in.runningMean,
                                                           in.runningVar, true, kMomentum, kEps));
        // One value per channel has no batch variance (BatchNorm2d refuses it too) ...
        const at::Tensor single = in.x.detach().slice(0, 0, 1).slice(2, 0, 1).slice(3, 0, 1);
        QVERIFY_THROWS_EXCEPTION(
            c10::Error, batchNormGelu(single, in.weight, in.bias, in.runningMean, in.runningVar,
                                      true, kMomentum, kEps));
        // ... but evaluation only needs the running statistics.
        const at::Tensor y = batchNormGelu(single, in.weight, in.bias, in.runningMean,
                                           in.runningVar, false, kMomentum, kEps);
        QCOMPARE(y.sizes(), single.sizes());
        QVERIFY_THROWS_EXCEPTION(
            c10::Error, batchNormGelu(in.x, in.weight.slice(0, 0, 3), in.bias, in.runningMean,
                                      in.runningVar, true, kMomentum, kEps));
    }
};

QTEST_GUILESS_MAIN(TestBatchNormGelu)
#include "test_batch_norm_gelu.moc"
