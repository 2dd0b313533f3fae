// CifarLoader on real CIFAR-10: each augmentation's invariants, coverage, masking, seeding.

#include "data/augment.h"
#include "data/loader_impl.h"

#include <airbench/error.h>
#include <airbench/loader.h>

#include "support/test_data.h"

#include <QtTest/QtTest>

using namespace airbench;

namespace {

constexpr int64_t kSubset = 600;

CifarLoader makeLoader(Augmentation aug, bool shuffle, bool dropLast, int batch = 128,
                       uint64_t seed = 7) {
    LoaderOptions o;
    o.batchSize = batch;
    o.augmentation = aug;
    o.shuffle = shuffle;
    o.dropLast = dropLast;
    o.seed = seed;
    return CifarLoader(test::cifar().train.head(kSubset), true, o, Device{});
}

// Reflect index as in reflection padding: -1 -> 1, 32 -> 30.
int reflect(int i, int n) {
    return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
}

}  // namespace

class TestLoader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void normalisesWithTheCifarStatistics() {
        AIRBENCH_REQUIRE_CIFAR();
        CifarLoader loader = makeLoader({}, false, false);
        const at::Tensor& x = loader.impl().images;  // (N, 3, 32, 32)
        QCOMPARE(x.sizes(), at::IntArrayRef({kSubset, 3, 32, 32}));
        const uint8_t raw = test::cifar().train.image(5)[1024 + 7 * 32 + 9];  // G, y 7, x 9
        const float expected = (raw / 255.0f - kCifarMean[1]) / kCifarStd[1];
        QVERIFY(std::abs(x[5][1][7][9].item<float>() - expected) < 1e-5);
    }

    void normalisesFashionMnistWithItsOwnStatistics() {
        AIRBENCH_REQUIRE_FASHION();
        LoaderOptions o;
        o.shuffle = false;
        CifarLoader loader(test::fashion().train.head(2000), false, o, Device{});
        const at::Tensor x = loader.impl().images.to(at::kDouble);
        // The first 2000 of 60,000 images: close to zero mean and unit std, not exactly.
        QVERIFY2(std::abs(x.mean().item<double>()) < 0.05,
                 qPrintable(QString::number(x.mean().item<double>())));
        QVERIFY2(std::abs(x.std().item<double>() - 1.0) < 0.05,
                 qPrintable(QString::number(x.std().item<double>())));
    }

    void unshuffledEpochYieldsEveryExampleOnce() {
        AIRBENCH_REQUIRE_CIFAR();
        CifarLoader loader = makeLoader({}, false, false, 128);
        QCOMPARE(loader.batchCount(), int64_t(5));  // ceil(600 / 128)
        EpochData epoch = loader.impl().nextEpoch();
        std::vector<int> seen(kSubset, 0);
        int64_t total = 0;
        for (int64_t b = 0; b < epoch.batches; ++b) {
            auto batch = epoch.batch(b);
            total += batch.labels.size(0);
            for (int64_t k = 0; k < batch.indices.size(0); ++k) {
                ++seen[batch.indices[k].item<int64_t>()];
            }
            QVERIFY(batch.images.equal(loader.impl().images.index_select(0, batch.indices)));
        }
        QCOMPARE(total, kSubset);
        QVERIFY(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
        // Shuffled and dropping: 4 full batches, no example twice.
        CifarLoader shuffled = makeLoader({}, true, true, 128);
        QCOMPARE(shuffled.batchCount(), int64_t(4));
        EpochData e = shuffled.impl().nextEpoch();
        auto order = e.order.slice(0, 0, 4 * 128);
        QCOMPARE(std::get<0>(at::_unique(order)).size(0), int64_t(512));
    }

    void alternatingFlipMirrorsThePreviousEpoch() {
        AIRBENCH_REQUIRE_CIFAR();
        CifarLoader loader = makeLoader({true, 0, 0, true}, false, false);
        at::Tensor e0 = loader.impl().nextEpoch().images;
        at::Tensor e1 = loader.impl().nextEpoch().images;
        at::Tensor e2 = loader.impl().nextEpoch().images;
        QVERIFY(e1.equal(e0.flip({3})));
        QVERIFY(e2.equal(e0));
        // Epoch 0 flips about half the images.
        const at::Tensor& norm = loader.impl().images;
        const int64_t flipped = e0.ne(norm).flatten(1).any(1).sum().item<int64_t>();
        QVERIFY2(flipped > kSubset * 0.4 && flipped < kSubset * 0.6,
                 qPrintable(QString::number(flipped)));
    }

    void translateMovesAtMostItsPixelsWithReflectBorders() {
        AIRBENCH_REQUIRE_CIFAR();
        const int r = 2;
        CifarLoader loader = makeLoader({false, r, 0, true}, false, false);
        const at::Tensor norm = loader.impl().images.contiguous();
        const EpochDraws draws = loader.impl().draw(0);
        const at::Tensor crops = loader.impl().augment(draws).images.contiguous();
        std::set<std::pair<int64_t, int64_t>> offsets;
        for (int64_t i = 0; i < 40; ++i) {
            const int64_t dy = draws.cropY[i].item<int64_t>() - r,
                          dx = draws.cropX[i].item<int64_t>() - r;
            QVERIFY(std::abs(dy) <= r && std::abs(dx) <= r);
            offsets.insert({dy, dx});
            const at::Tensor srcImage = norm[i], outImage = crops[i];
            auto src = srcImage.accessor<float, 3>();
            auto out = outImage.accessor<float, 3>();
            for (int c = 0; c < 3; ++c) {
                for (int y = 0; y < 32; ++y) {
                    for (int x = 0; x < 32; ++x) {
                        const float expected =
                            src[c][reflect(y + int(dy), 32)][reflect(x + int(dx), 32)];
                        if (out[c][y][x] != expected) {
                            QFAIL(qPrintable(QString("image %1 differs at (%2, %3, %4)")
                                                 .arg(i)
                                                 .arg(c)
                                                 .arg(y)
                                                 .arg(x)));
                        }
                    }
                }
            }
        }
        QVERIFY(offsets.size() > 10);  // the offsets really vary
    }

    void cutoutZeroesAtMostOneSquare() {
        AIRBENCH_REQUIRE_CIFAR();
        const int size = 12;
        CifarLoader plain = makeLoader({true, 2, 0, true}, false, false);
        CifarLoader cut = makeLoader({true, 2, size, true}, false, false);
        for (int epoch = 0; epoch < 2; ++epoch) {
            at::Tensor a = plain.impl().nextEpoch().images;
            at::Tensor b = cut.impl().nextEpoch().images;
            // Same seed: identical crops and flips; the difference is the cutout alone.
            at::Tensor changed = a.ne(b).any(1);  // (N, 32, 32)
            QVERIFY(b.masked_select(a.ne(b)).eq(0).all().item<bool>());
            at::Tensor zeroed = b.eq(0).all(1);
            for (int64_t i = 0; i < kSubset; ++i) {
                QVERIFY(changed[i].sum().item<int64_t>() <= size * size);
                QVERIFY(zeroed[i].sum().item<int64_t>() >= size * size);  // the square is all zero
                // Whatever changed fits in one size x size box.
                const at::Tensor where = changed[i].nonzero();  // (k, 2)
                if (where.size(0) > 0) {
                    const at::Tensor extent = std::get<0>(where.max(0)) - std::get<0>(where.min(0));
                    QVERIFY(extent.le(size - 1).all().item<bool>());
                }
            }
        }
    }

    void sameSeedSameBatchesOtherSeedOthers() {
        AIRBENCH_REQUIRE_CIFAR();
        const Augmentation aug{true, 2, 12, true};
        CifarLoader a = makeLoader(aug, true, true, 100, 3),
                    b = makeLoader(aug, true, true, 100, 3);
        CifarLoader c = makeLoader(aug, true, true, 100, 4);
        for (int e = 0; e < 3; ++e) {
            EpochData ea = a.impl().nextEpoch(), eb = b.impl().nextEpoch(),
                      ec = c.impl().nextEpoch();
            QVERIFY(ea.images.equal(eb.images) && ea.order.equal(eb.order));
            QVERIFY(!ea.order.equal(ec.order));
        }
    }

    void maskingChangesTheLengthAndResetsTheEpoch() {
        AIRBENCH_REQUIRE_CIFAR();
        CifarLoader loader = makeLoader({true, 2, 0, true}, true, true, 50);
        QCOMPARE(loader.batchCount(), int64_t(12));
        loader.impl().nextEpoch();
        QCOMPARE(loader.epoch(), 1);
        std::vector<uint8_t> keep(kSubset, 0);
        for (int64_t i = 0; i < kSubset; i += 3)
            keep[static_cast<size_t>(i)] = 1;  // 200 kept
        loader.setMask(keep);
        QCOMPARE(loader.epoch(), 0);
        QCOMPARE(loader.size(), int64_t(200));
        QCOMPARE(loader.batchCount(), int64_t(4));
        QCOMPARE(loader.fullSize(), kSubset);
        const auto active = loader.activeIndices();
        QCOMPARE(active[1], int64_t(3));
        QCOMPARE(loader.labels()[1], test::cifar().train.labels[3]);
        EpochData e = loader.impl().nextEpoch();
        QCOMPARE(e.batches, int64_t(4));
        loader.clearMask();
        QCOMPARE(loader.batchCount(), int64_t(12));
        bool threw = false;
        try {
            loader.setMask(std::vector<uint8_t>(10, 1));
        } catch (const Error& err) {
            threw = QString(err.what()).contains("10 entries");
        }
        QVERIFY(threw);
    }
};

QTEST_GUILESS_MAIN(TestLoader)
#include "test_loader.moc"
