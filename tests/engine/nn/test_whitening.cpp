// The whitening layer on real CIFAR-10 patches.

#include "data/loader_impl.h"
#include "nn/whitening.h"

#include <airbench/loader.h>

#include "support/test_data.h"

#include <QtTest/QtTest>

using namespace airbench;

class TestWhitening : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void patchesAreTwelveValuesInChannelRowColOrder() {
        at::Tensor x = at::arange(2 * 3 * 3 * 3, at::kFloat).view({2, 3, 3, 3});
        at::Tensor p = extractPatches(x);
        QCOMPARE(p.sizes(), at::IntArrayRef({2 * 2 * 2, 12}));
        // The patch at (row 0, col 0) of image 0: channel 0 values 0, 1, 3, 4; channel 1 +9.
        at::Tensor first = p[0];
        const float expected[12] = {0, 1, 3, 4, 9, 10, 12, 13, 18, 19, 21, 22};
        for (int k = 0; k < 12; ++k)
            QCOMPARE(first[k].item<float>(), expected[k]);
    }

    void whitenedPatchCovarianceIsNearIdentity() {
        AIRBENCH_REQUIRE_CIFAR();
        CifarLoader loader(test::cifar().train.head(2000), true, {}, Device{});
        const at::Tensor images = loader.impl().images;
        const at::Tensor filters = whiteningFilters(images);  // (24, 3, 2, 2)
        QCOMPARE(filters.sizes(), at::IntArrayRef({24, 3, 2, 2}));
        QVERIFY(filters.slice(0, 12).equal(-filters.slice(0, 0, 12)));  // +- pairs

        // Covariance of the whitened patches: W Sigma W^T = diag(l / (l + eps)).
        const at::Tensor w = filters.slice(0, 0, 12).reshape({12, 12}).to(at::kDouble);
        const at::Tensor sigma = patchSecondMoment(images).to(at::kDouble);
        const at::Tensor white = w.mm(sigma).mm(w.t());
        const at::Tensor eigenvalues = std::get<0>(at::linalg_eigh(sigma, "U")).flip(0);
        const at::Tensor expectedDiag = eigenvalues / (eigenvalues + kWhiteningEps);
        QVERIFY(at::allclose(white.diagonal(), expectedDiag, 1e-3, 1e-4));
        const at::Tensor offDiagonal = white - at::diag(white.diagonal());
        QVERIFY2(offDiagonal.abs().max().item<double>() < 1e-4,
                 qPrintable(QString::number(offDiagonal.abs().max().item<double>())));
        // Real images: all but the faintest directions come out with unit variance.
        QVERIFY(white.diagonal().slice(0, 0, 8).gt(0.9).all().item<bool>());
        QVERIFY(white.diagonal().gt(0.3).all().item<bool>());
        // Filters in descending eigenvalue order (legacy scripts): their whitened variance
        // l / (l + eps) falls monotonically.
        const at::Tensor d = white.diagonal();
        QVERIFY(d.slice(0, 0, 11).ge(d.slice(0, 1) - 1e-9).all().item<bool>());
    }

    void initUsesTheFirst5000Images() {
        AIRBENCH_REQUIRE_CIFAR();
        CifarLoader loader(test::cifar().train.head(5200), true, {}, Device{});
        const at::Tensor images = loader.impl().images;
        at::Tensor weight = at::empty({24, 3, 2, 2}).contiguous(at::MemoryFormat::ChannelsLast);
        initWhitening(weight, images);
        QVERIFY(weight.equal(whiteningFilters(images.slice(0, 0, 5000))));
        QVERIFY(!weight.equal(whiteningFilters(images)));
    }
};

QTEST_GUILESS_MAIN(TestWhitening)
#include "test_whitening.moc"
