// The fused augmentation kernel (engine/src/data/cuda/fused_augment.cu), run on the CPU by the
// suite's emulation of CUDA, against the augmentation written out: every output pixel is the
// padded image's pixel at the crop offset, mirrored when the epoch or the image says so, and zero
// inside the cutout square. 16- and 32-bit elements, alternating and random flips, with and
// without cutout (corners partly outside the image included). Canaries fence the output.

#include "data/cuda/fused_augment.h"
#include "support/cuda_emulation/emulation.h"
#include "support/cuda_emulation/guarded_buffer.h"

#include <QtTest/QtTest>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

using airbench::cuda::CropFlipCutoutArgs;
using airbench::test::GuardedBuffer;

namespace {

template <typename Word>
void checkKernel(bool flipAll, bool randomFlip, int cutout) {
    constexpr int images = 5, channels = 3, side = 8, translate = 2;
    constexpr int padded = side + 2 * translate;
    std::mt19937 rng(9);
    GuardedBuffer<Word> in(std::size_t(images) * padded * padded * channels);
    GuardedBuffer<Word> out(std::size_t(images) * side * side * channels);
    for (std::size_t i = 0; i < in.size(); ++i) {
        in[i] = static_cast<Word>(1 + i % 50000);  // nonzero: a zeroed pixel is the cutout's
    }
    std::vector<int64_t> cropY(images), cropX(images), cutoutY(images), cutoutX(images);
    std::unique_ptr<bool[]> flip(new bool[images]);
    std::uniform_int_distribution<int> crop(0, 2 * translate), corner(-cutout + 1, side - 1);
    for (int n = 0; n < images; ++n) {
        cropY[n] = crop(rng);
        cropX[n] = crop(rng);
        flip[n] = (n % 2) == 1;
        cutoutY[n] = corner(rng);
        cutoutX[n] = corner(rng);
    }

    CropFlipCutoutArgs args;
    args.padded = in.data();
    args.out = out.data();
    args.elementBytes = static_cast<int>(sizeof(Word));
    args.images = images;
    args.channels = channels;
    args.paddedSide = padded;
    args.side = side;
    args.cropY = cropY.data();
    args.cropX = cropX.data();
    args.flipAll = flipAll;
    args.flip = randomFlip ? flip.get() : nullptr;
    args.cutoutY = cutout > 0 ? cutoutY.data() : nullptr;
    args.cutoutX = cutout > 0 ? cutoutX.data() : nullptr;
    args.cutout = cutout;
    const char* error = airbench::cuda::launchCropFlipCutout(args);
    QVERIFY2(error == nullptr, error ? error : "");
    QVERIFY2(cuda_emulation::lastFailure().empty(), cuda_emulation::lastFailure().c_str());

    for (int n = 0; n < images; ++n) {
        const bool mirror = flipAll != (randomFlip && flip[n]);
        for (int y = 0; y < side; ++y) {
            for (int x = 0; x < side; ++x) {
                const bool cut = cutout > 0 && y >= cutoutY[n] && y < cutoutY[n] + cutout &&
                                 x >= cutoutX[n] && x < cutoutX[n] + cutout;
                const int sourceY = y + static_cast<int>(cropY[n]);
                const int sourceX = (mirror ? side - 1 - x : x) + static_cast<int>(cropX[n]);
                for (int c = 0; c < channels; ++c) {
                    const Word expected =
                        cut ? Word{0}
                            : in[((std::size_t(n) * padded + sourceY) * padded + sourceX) *
                                     channels +
                                 c];
                    const Word actual =
                        out[((std::size_t(n) * side + y) * side + x) * channels + c];
                    if (actual != expected) {
                        QFAIL(qPrintable(QString("image %1, pixel (%2, %3), channel %4: %5, "
                                                 "expected %6")
                                             .arg(n)
                                             .arg(y)
                                             .arg(x)
                                             .arg(c)
                                             .arg(actual)
                                             .arg(expected)));
                    }
                }
            }
        }
    }
    QVERIFY2(out.intact() && in.intact(), "the kernel wrote outside its buffers");
}

}  // namespace

class TestFusedAugmentKernel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesTheAugmentation_data() {
        QTest::addColumn<int>("elementBytes");
        QTest::addColumn<bool>("flipAll");
        QTest::addColumn<bool>("randomFlip");
        QTest::addColumn<int>("cutout");
        QTest::newRow("fp16 words, alternating flip (mirrored epoch)") << 2 << true << false << 0;
        QTest::newRow("fp16 words, alternating flip (plain epoch), cutout 3")
            << 2 << false << false << 3;
        QTest::newRow("fp32 words, random flip, cutout 4") << 4 << false << true << 4;
        QTest::newRow("fp32 words, both flips") << 4 << true << true << 0;
    }
    void matchesTheAugmentation() {
        QFETCH(int, elementBytes);
        QFETCH(bool, flipAll);
        QFETCH(bool, randomFlip);
        QFETCH(int, cutout);
        if (elementBytes == 2) {
            checkKernel<unsigned short>(flipAll, randomFlip, cutout);
        } else {
            checkKernel<unsigned int>(flipAll, randomFlip, cutout);
        }
    }

    void otherElementSizesAreRefused() {
        CropFlipCutoutArgs args;
        args.elementBytes = 8;
        args.images = 1;
        QVERIFY(airbench::cuda::launchCropFlipCutout(args) != nullptr);
    }
};

QTEST_GUILESS_MAIN(TestFusedAugmentKernel)
#include "test_fused_augment_kernel.moc"
