// The fused BatchNorm + GELU kernels (engine/src/nn/cuda/batch_norm_gelu.cu), run on the CPU by
// the suite's emulation of CUDA, against the formulas in double precision: batch and running
// statistics, the output, the backward pass's per-channel sums and the input gradient; training
// and evaluation, fp16 and fp32, the 16-byte and the one-element paths, one channel tile and
// several, one split of the rows and many. (test_batch_norm_gelu checks the same formulas, run as
// tensor ops, against BatchNorm2d + GELU.) Every buffer is fenced by canaries.

#include "nn/cuda/batch_norm_gelu.h"
#include "support/cuda_emulation/element_values.h"
#include "support/cuda_emulation/emulation.h"
#include "support/cuda_emulation/guarded_buffer.h"

#include <QtTest/QtTest>

#include <cmath>
#include <random>
#include <vector>

using airbench::cuda::NormGeluShape;
using airbench::test::fromFloatValue;
using airbench::test::GuardedBuffer;
using airbench::test::toFloatValue;

namespace {

constexpr double kEps = 1e-12;  // airbench's BatchNorm
constexpr double kMomentum = 0.4;

double gelu(double z) {
    return 0.5 * z * (1.0 + std::erf(z / std::sqrt(2.0)));
}
double geluDerivative(double z) {
    return 0.5 * (1.0 + std::erf(z / std::sqrt(2.0))) +
           z * std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
}

template <typename T>
bool intact(const GuardedBuffer<T>& b) {
    return b.intact();
}
template <typename T, typename... More>
bool intact(const GuardedBuffer<T>& b, const More&... more) {
    return b.intact() && intact(more...);
}

// What the kernels should compute, in double, from the (already rounded) inputs.
struct Expected {
    std::vector<double> mean, invStd, runningMean, runningVar, y, sumG, sumGXhat, dx;
};

Expected expect(const std::vector<double>& x, const std::vector<double>& dy, int64_t rows,
                int channels, const std::vector<float>& weight, const std::vector<float>& bias,
                const std::vector<float>& runningMean, const std::vector<float>& runningVar,
                bool training) {
    Expected e;
    const auto C = static_cast<std::size_t>(channels);
    e.mean.assign(C, 0.0);
    e.invStd.assign(C, 0.0);
    e.runningMean.assign(runningMean.begin(), runningMean.end());
    e.runningVar.assign(runningVar.begin(), runningVar.end());
    for (std::size_t c = 0; c < C; ++c) {
        if (training) {
            double sum = 0.0, squares = 0.0;
            for (int64_t r = 0; r < rows; ++r) {
                sum += x[r * C + c];
            }
            const double m = sum / double(rows);
            for (int64_t r = 0; r < rows; ++r) {
                squares += (x[r * C + c] - m) * (x[r * C + c] - m);
            }
            const double variance = squares / double(rows);
            e.mean[c] = m;
            e.invStd[c] = 1.0 / std::sqrt(variance + kEps);
            const double unbiased = rows > 1 ? squares / double(rows - 1) : variance;
            e.runningMean[c] = (1.0 - kMomentum) * runningMean[c] + kMomentum * m;
            e.runningVar[c] = (1.0 - kMomentum) * runningVar[c] + kMomentum * unbiased;
        } else {
            e.mean[c] = runningMean[c];
            e.invStd[c] = 1.0 / std::sqrt(double(runningVar[c]) + kEps);
        }
    }
    e.y.resize(x.size());
    e.dx.resize(x.size());
    e.sumG.assign(C, 0.0);
    e.sumGXhat.assign(C, 0.0);
    std::vector<double> g(x.size()), xhat(x.size());
    for (int64_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < C; ++c) {
            const std::size_t i = r * C + c;
            xhat[i] = (x[i] - e.mean[c]) * e.invStd[c];
            const double z = xhat[i] * weight[c] + bias[c];
            e.y[i] = gelu(z);
            g[i] = dy[i] * geluDerivative(z);
            e.sumG[c] += g[i];
            e.sumGXhat[c] += g[i] * xhat[i];
        }
    }
    for (int64_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < C; ++c) {
            const std::size_t i = r * C + c;
            double v = g[i];
            if (training) {
                v -= e.sumG[c] / double(rows) + xhat[i] * e.sumGXhat[c] / double(rows);
            }
            e.dx[i] = weight[c] * e.invStd[c] * v;
        }
    }
    return e;
}

// The largest |actual - expected| / (absolute + relative * scale), where scale is |expected| or
// the given per-element scale: at most 1 passes.
template <typename Actual>
double worst(const Actual& actual, const std::vector<double>& expected, double absolute,
             double relative, const std::vector<double>* scale = nullptr) {
    double w = 0.0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const double s = scale ? (*scale)[i] : std::abs(expected[i]);
        const double error = std::abs(double(toFloatValue(actual[i])) - expected[i]);
        w = std::max(w, error / (absolute + relative * s));
    }
    return w;
}

// Which buffers start one element off 16-byte alignment (either sends the kernels down their
// one-element path).
enum Misaligned { kNone = 0, kActivations = 1, kPerChannel = 2 };

template <typename T>
void checkKernels(int64_t rows, int channels, Misaligned misaligned, bool training) {
    const std::size_t shift = misaligned == kActivations ? 1 : 0;
    const std::size_t channelShift = misaligned == kPerChannel ? 1 : 0;
    const auto C = static_cast<std::size_t>(channels);
    const std::size_t n = static_cast<std::size_t>(rows) * C;
    std::mt19937 rng(1234);
    std::normal_distribution<double> normal(0.0, 1.0);

    // A mean far from zero against the spread: the statistics must not cancel.
    GuardedBuffer<T> x(n, shift), dy(n, shift), y(n, shift), dx(n, shift);
    std::vector<double> xd(n), dyd(n);
    for (std::size_t i = 0; i < n; ++i) {
        // fp32 rows: a mean 200 times the spread, which unshifted sums of squares would cancel.
        const double channelMean = (sizeof(T) == 4 ? 100.0 : 3.0) + 0.05 * double(i % C);
        x[i] = fromFloatValue<T>(static_cast<float>(channelMean + 0.5 * normal(rng)));
        dy[i] = fromFloatValue<T>(static_cast<float>(normal(rng)));
        xd[i] = toFloatValue(x[i]);
        dyd[i] = toFloatValue(dy[i]);
    }
    std::vector<float> weightValues(C), biasValues(C), runningMeanStart(C), runningVarStart(C);
    GuardedBuffer<float> weight(C, channelShift), bias(C, channelShift), mean(C, channelShift),
        invStd(C, channelShift), runningMean(C), runningVar(C);
    GuardedBuffer<float> sumG(C, channelShift), sumGXhat(C, channelShift);
    for (std::size_t c = 0; c < C; ++c) {
        weight[c] = weightValues[c] = static_cast<float>(1.0 + 0.2 * normal(rng));
        bias[c] = biasValues[c] = static_cast<float>(0.3 * normal(rng));
        runningMean[c] = runningMeanStart[c] =
            static_cast<float>((sizeof(T) == 4 ? 99.5 : 2.5) + 0.1 * normal(rng));
        runningVar[c] = runningVarStart[c] = static_cast<float>(0.3 + 0.05 * std::abs(normal(rng)));
    }
    const Expected e = expect(xd, dyd, rows, channels, weightValues, biasValues, runningMeanStart,
                              runningVarStart, training);

    NormGeluShape shape;
    shape.rows = rows;
    shape.channels = channels;
    shape.elementBytes = static_cast<int>(sizeof(T));
    const int splits = airbench::cuda::normGeluSplits(shape);
    QVERIFY(splits >= 1);
    GuardedBuffer<float> scratch(2 * static_cast<std::size_t>(splits) * C);

    if (training) {
        const char* error = airbench::cuda::launchNormStatistics(
            shape, x.data(), scratch.data(), kEps, mean.data(), invStd.data(), runningMean.data(),
            runningVar.data(), kMomentum);
        QVERIFY2(error == nullptr, error ? error : "");
        QVERIFY2(cuda_emulation::lastFailure().empty(), cuda_emulation::lastFailure().c_str());
        std::vector<double> spread(C);
        for (std::size_t c = 0; c < C; ++c) {
            spread[c] = 1.0 / e.invStd[c];
        }
        QVERIFY2(worst(mean.data(), e.mean, 0.0, 1e-5, &spread) <= 1.0, "batch mean");
        QVERIFY2(worst(invStd.data(), e.invStd, 0.0, 1e-4) <= 1.0, "1 / batch standard deviation");
        QVERIFY2(worst(runningMean.data(), e.runningMean, 0.0, 1e-5) <= 1.0, "running mean");
        QVERIFY2(worst(runningVar.data(), e.runningVar, 0.0, 1e-4) <= 1.0, "running variance");
    } else {  // evaluation: the bridge passes the running statistics
        for (std::size_t c = 0; c < C; ++c) {
            mean[c] = static_cast<float>(e.mean[c]);
            invStd[c] = static_cast<float>(e.invStd[c]);
        }
    }

    const char* error = airbench::cuda::launchNormGeluForward(
        shape, x.data(), mean.data(), invStd.data(), weight.data(), bias.data(), y.data());
    QVERIFY2(error == nullptr, error ? error : "");
    QVERIFY2(cuda_emulation::lastFailure().empty(), cuda_emulation::lastFailure().c_str());
    const double outputRounding = sizeof(T) == 2 ? 1e-3 : 1e-5;  // fp16 keeps 11 bits
    QVERIFY2(worst(y.data(), e.y, 1e-4, outputRounding) <= 1.0, "output");

    error = airbench::cuda::launchNormGeluBackward(
        shape, x.data(), dy.data(), mean.data(), invStd.data(), weight.data(), bias.data(),
        scratch.data(), sumG.data(), sumGXhat.data(), training, dx.data());
    QVERIFY2(error == nullptr, error ? error : "");
    QVERIFY2(cuda_emulation::lastFailure().empty(), cuda_emulation::lastFailure().c_str());
    // Sums of many terms of both signs: errors relative to the sum of magnitudes.
    std::vector<double> magnitudeG(C, 0.0), magnitudeGXhat(C, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = i % C;
        const double xhat = (xd[i] - e.mean[c]) * e.invStd[c];
        const double g = dyd[i] * geluDerivative(xhat * weightValues[c] + biasValues[c]);
        magnitudeG[c] += std::abs(g);
        magnitudeGXhat[c] += std::abs(g * xhat);
    }
    QVERIFY2(worst(sumG.data(), e.sumG, 0.0, 1e-5, &magnitudeG) <= 1.0, "sum of g (bias gradient)");
    QVERIFY2(worst(sumGXhat.data(), e.sumGXhat, 0.0, 1e-5, &magnitudeGXhat) <= 1.0,
             "sum of g * xhat (weight gradient)");
    // dx subtracts two per-channel terms from g: errors relative to the terms' size. Besides,
    // the mean the kernels use is an fp32 value, off by up to half an ulp of |mean|: that moves
    // xhat by delta, g by up to |dy| |w| delta (|gelu''| < 1) and the xhat term by
    // delta |sumGXhat| / rows, however exact the kernels (it matters for the fp32 rows' large
    // mean).
    const double relative = std::max(outputRounding, 1e-4);
    std::vector<double> dxScale(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = i % C;
        const double ws = std::abs(weightValues[c] * e.invStd[c]);
        const double delta = std::abs(e.mean[c]) * std::ldexp(1.0, -24) * e.invStd[c];
        const double meanRounding =
            ws * delta *
            (std::abs(dyd[i] * weightValues[c]) + std::abs(e.sumGXhat[c]) / double(rows));
        dxScale[i] =
            ws * (std::abs(e.dx[i]) / ws + std::abs(e.sumG[c]) / double(rows) +
                  std::abs((xd[i] - e.mean[c]) * e.invStd[c] * e.sumGXhat[c]) / double(rows) +
                  1e-3) +
            meanRounding / relative;
    }
    QVERIFY2(worst(dx.data(), e.dx, 1e-6, relative, &dxScale) <= 1.0, "input gradient");

    QVERIFY2(intact(x, dy, y, dx, scratch, weight, bias, mean, invStd, runningMean, runningVar,
                    sumG, sumGXhat),
             "a kernel wrote outside its buffers");
}

}  // namespace

class TestBatchNormGeluKernels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchTheFormulas_data() {
        QTest::addColumn<qint64>("rows");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("elementBytes");
        QTest::addColumn<int>("misaligned");
        // rows: images * height * width of a channels_last activation.
        struct Row {
            const char* name;
            qint64 rows;
            int channels, bytes;
            Misaligned misaligned;
        };
        const Row rows[] = {
            {"fp16, 64 channels (16-byte path), 8 splits", 4 * 15 * 15, 64, 2, kNone},
            {"fp16, 64 channels, activations off alignment (one-element path)", 2 * 15 * 15, 64, 2,
             kActivations},
            {"fp16, 64 channels, per-channel values off alignment (one-element path)", 450, 64, 2,
             kPerChannel},
            {"fp16, 20 channels (one-element path), short last split", 301, 20, 2, kNone},
            {"fp16, 256 channels (8 tiles), one split", 7 * 3 * 3, 256, 2, kNone},
            {"fp16, 8 channels, 157 splits", 20000, 8, 2, kNone},
            {"fp32, 40 channels (16-byte path, 2 tiles)", 1000, 40, 4, kNone},
            {"fp32, 70 channels (one-element path, 3 tiles)", 200, 70, 4, kNone},
            {"fp32, 24 channels, activations off alignment", 310, 24, 4, kActivations},
            {"fp32, 24 channels, per-channel values off alignment", 310, 24, 4, kPerChannel},
            {"fp32, one row", 1, 32, 4, kNone},
        };
        for (const Row& r : rows) {
            QTest::newRow(r.name) << r.rows << r.channels << r.bytes << int(r.misaligned);
        }
    }
    void matchTheFormulas() {
        QFETCH(qint64, rows);
        QFETCH(int, channels);
        QFETCH(int, elementBytes);
        QFETCH(int, misaligned);
        for (bool training : {true, false}) {
            if (rows == 1 && training) {
                continue;  // one row has no batch variance to normalise by
            }
            if (elementBytes == 2) {
                checkKernels<__half>(rows, channels, Misaligned(misaligned), training);
            } else {
                checkKernels<float>(rows, channels, Misaligned(misaligned), training);
            }
            if (QTest::currentTestFailed()) {
                qWarning("failed in %s", training ? "training" : "evaluation");
                return;
            }
        }
    }

    void emptyShapesLaunchNothing() {
        NormGeluShape shape;
        shape.rows = 0;
        shape.channels = 16;
        QCOMPARE(airbench::cuda::launchNormGeluForward(shape, nullptr, nullptr, nullptr, nullptr,
                                                       nullptr, nullptr),
                 nullptr);
        shape.rows = 10;
        shape.elementBytes = 8;
        GuardedBuffer<double> x(160);
        QVERIFY(airbench::cuda::launchNormGeluForward(shape, x.data(), nullptr, nullptr, nullptr,
                                                      nullptr, x.data()) != nullptr);
    }
};

QTEST_GUILESS_MAIN(TestBatchNormGeluKernels)
#include "test_batch_norm_gelu_kernels.moc"
