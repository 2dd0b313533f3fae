// The compact 2x2 max-pooling kernels (engine/src/nn/cuda/max_pool.cu), run on the CPU by the
// suite's emulation of CUDA, against max_pool2d's rule written out: the maximum of each window,
// the first in row-major order on ties, a NaN wins (the last one if several), an odd last row or
// column dropped; backward, the output gradient goes to that position and every other input
// element gets zero (written, not left: the gradient buffer starts as garbage). fp16 and fp32,
// the 16-byte and the one-element paths. Every buffer is fenced by canaries.

#include "nn/cuda/max_pool.h"
#include "support/cuda_emulation/element_values.h"
#include "support/cuda_emulation/emulation.h"
#include "support/cuda_emulation/guarded_buffer.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using airbench::cuda::MaxPoolShape;
using airbench::test::fromFloatValue;
using airbench::test::GuardedBuffer;
using airbench::test::toFloatValue;

namespace {

// Bit-exact equality, NaN equal to NaN.
bool same(float a, float b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

template <typename T>
// shiftValues moves x, y, dy and dx off 16-byte alignment, shiftOffsets the offsets: either sends
// the kernels down their one-element path.
void checkKernels(int images, int channels, int height, int width, std::size_t shiftValues,
                  std::size_t shiftOffsets) {
    const int outHeight = height / 2, outWidth = width / 2;
    const std::size_t C = static_cast<std::size_t>(channels);
    const std::size_t inputs = std::size_t(images) * height * width * C;
    const std::size_t outputs = std::size_t(images) * outHeight * outWidth * C;
    std::mt19937 rng(77);
    // Few distinct values, so that windows tie often; a few NaNs.
    std::uniform_int_distribution<int> level(0, 3);
    std::uniform_int_distribution<int> rare(0, 60);
    GuardedBuffer<T> x(inputs, shiftValues), y(outputs, shiftValues), dy(outputs, shiftValues),
        dx(inputs, shiftValues);
    GuardedBuffer<uint8_t> offsets(outputs, shiftOffsets);
    for (std::size_t i = 0; i < inputs; ++i) {
        const float v = rare(rng) == 0 ? std::numeric_limits<float>::quiet_NaN()
                                       : 0.5f * static_cast<float>(level(rng)) - 0.75f;
        x[i] = fromFloatValue<T>(v);
        dx[i] = fromFloatValue<T>(12345.0f);  // garbage the backward pass must overwrite
    }
    for (std::size_t i = 0; i < outputs; ++i) {
        dy[i] = fromFloatValue<T>(static_cast<float>(i % 97) + 1.0f);
    }
    // Two NaNs in a window, where the last one must win: right column in channel 0, left column
    // in channel 1 of the first window.
    const auto first = [&](int h, int w, std::size_t c) {
        return (std::size_t(h) * width + w) * std::size_t(channels) + c;
    };
    const T nan = fromFloatValue<T>(std::numeric_limits<float>::quiet_NaN());
    x[first(0, 1, 0)] = x[first(1, 1, 0)] = nan;
    if (channels > 1) {
        x[first(0, 0, 1)] = x[first(1, 0, 1)] = nan;
    }

    MaxPoolShape shape;
    shape.images = images;
    shape.channels = channels;
    shape.height = height;
    shape.width = width;
    shape.elementBytes = static_cast<int>(sizeof(T));
    const char* error =
        airbench::cuda::launchMaxPool2x2Forward(shape, x.data(), y.data(), offsets.data());
    QVERIFY2(error == nullptr, error ? error : "");
    QVERIFY2(cuda_emulation::lastFailure().empty(), cuda_emulation::lastFailure().c_str());
    error = airbench::cuda::launchMaxPool2x2Backward(shape, dy.data(), offsets.data(), dx.data());
    QVERIFY2(error == nullptr, error ? error : "");
    QVERIFY2(cuda_emulation::lastFailure().empty(), cuda_emulation::lastFailure().c_str());

    auto input = [&](int n, int h, int w, std::size_t c) {
        return ((std::size_t(n) * height + h) * width + w) * C + c;
    };
    std::vector<float> expectedDx(inputs, 0.0f);
    for (int n = 0; n < images; ++n) {
        for (int i = 0; i < outHeight; ++i) {
            for (int j = 0; j < outWidth; ++j) {
                for (std::size_t c = 0; c < C; ++c) {
                    int best = 0;
                    float bestValue = toFloatValue(x[input(n, 2 * i, 2 * j, c)]);
                    for (int o = 1; o < 4; ++o) {
                        const float v = toFloatValue(x[input(n, 2 * i + o / 2, 2 * j + o % 2, c)]);
                        if (v > bestValue || std::isnan(v)) {
                            best = o;
                            bestValue = v;
                        }
                    }
                    const std::size_t out =
                        ((std::size_t(n) * outHeight + i) * outWidth + j) * C + c;
                    if (!same(toFloatValue(y[out]), bestValue) || offsets[out] != best) {
                        QFAIL(qPrintable(QString("output (%1, %2, %3, %4): %5 at offset %6, "
                                                 "expected %7 at %8")
                                             .arg(n)
                                             .arg(c)
                                             .arg(i)
                                             .arg(j)
                                             .arg(toFloatValue(y[out]))
                                             .arg(offsets[out])
                                             .arg(bestValue)
                                             .arg(best)));
                    }
                    expectedDx[input(n, 2 * i + best / 2, 2 * j + best % 2, c)] =
                        toFloatValue(dy[out]);
                }
            }
        }
    }
    for (std::size_t i = 0; i < inputs; ++i) {
        if (!same(toFloatValue(dx[i]), expectedDx[i])) {
            QFAIL(qPrintable(QString("input gradient %1: %2, expected %3")
                                 .arg(i)
                                 .arg(toFloatValue(dx[i]))
                                 .arg(expectedDx[i])));
        }
    }
    QVERIFY2(x.intact() && y.intact() && dy.intact() && dx.intact() && offsets.intact(),
             "a kernel wrote outside its buffers");
}

}  // namespace

class TestMaxPoolKernels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchMaxPool2d_data() {
        QTest::addColumn<int>("images");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("elementBytes");
        QTest::addColumn<int>("shiftValues");
        QTest::addColumn<int>("shiftOffsets");
        QTest::newRow("fp16, 16 channels (16-byte path), even sides")
            << 3 << 16 << 8 << 6 << 2 << 0 << 0;
        QTest::newRow("fp16, 24 channels, odd sides (airbench94's 31 x 31 in small)")
            << 2 << 24 << 7 << 9 << 2 << 0 << 0;
        QTest::newRow("fp16, 12 channels (one-element path)") << 2 << 12 << 6 << 6 << 2 << 0 << 0;
        QTest::newRow("fp16, 16 channels, values off alignment")
            << 2 << 16 << 5 << 4 << 2 << 1 << 0;
        QTest::newRow("fp16, 16 channels, offsets off alignment")
            << 2 << 16 << 5 << 4 << 2 << 0 << 1;
        QTest::newRow("fp32, 8 channels (16-byte path), odd sides")
            << 2 << 8 << 5 << 7 << 4 << 0 << 0;
        QTest::newRow("fp32, 8 channels, values off alignment") << 2 << 8 << 4 << 6 << 4 << 1 << 0;
        QTest::newRow("fp32, 6 channels (one-element path)") << 3 << 6 << 4 << 4 << 4 << 0 << 0;
        QTest::newRow("fp32, 3 x 3 in, one window") << 1 << 4 << 3 << 3 << 4 << 0 << 0;
    }
    void matchMaxPool2d() {
        QFETCH(int, images);
        QFETCH(int, channels);
        QFETCH(int, height);
        QFETCH(int, width);
        QFETCH(int, elementBytes);
        QFETCH(int, shiftValues);
        QFETCH(int, shiftOffsets);
        const auto values = static_cast<std::size_t>(shiftValues);
        const auto offsets = static_cast<std::size_t>(shiftOffsets);
        if (elementBytes == 2) {
            checkKernels<__half>(images, channels, height, width, values, offsets);
        } else {
            checkKernels<float>(images, channels, height, width, values, offsets);
        }
    }
};

QTEST_GUILESS_MAIN(TestMaxPoolKernels)
#include "test_max_pool_kernels.moc"
