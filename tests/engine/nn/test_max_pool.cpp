// Compact 2x2 max pooling (one-byte indices) against at::max_pool2d: the same values and the
// same gradients, exactly, for even and odd sides and both layouts. The CPU runs the scheme as
// tensor ops; `airbench selftest --device cuda` checks the CUDA kernels the same way.

#include "core/torch_device.h"
#include "nn/max_pool.h"

#include "support/test_data.h"

#include <QtTest/QtTest>

using namespace airbench;

class TestMaxPool : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void equalsMaxPool2d_data() {
        QTest::addColumn<int>("side");
        QTest::addColumn<bool>("channelsLast");
        QTest::addColumn<bool>("doublePrecision");
        QTest::newRow("even side, channels_last") << 8 << true << false;
        QTest::newRow("odd side, channels_last") << 7 << true << false;
        QTest::newRow("odd side, contiguous") << 5 << false << false;
        QTest::newRow("smallest window, fp64") << 2 << true << true;
    }

    void equalsMaxPool2d() {
        QFETCH(int, side);
        QFETCH(bool, channelsLast);
        QFETCH(bool, doublePrecision);
        const auto format =
            channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
        at::Generator gen = makeGenerator(Device{}, 21);
        const auto options = at::TensorOptions().dtype(doublePrecision ? at::kDouble : at::kFloat);
        const at::Tensor x = at::randn({3, 5, side, side}, gen, options).contiguous(format);
        const at::Tensor dy = at::randn({3, 5, side / 2, side / 2}, gen, options);
        at::Tensor a = x.clone().set_requires_grad(true), b = x.clone().set_requires_grad(true);
        const at::Tensor compact = compactMaxPool2x2(a), reference = at::max_pool2d(b, {2, 2});
        QCOMPARE(compact.sizes(), reference.sizes());
        QVERIFY(at::equal(compact, reference));
        QCOMPARE(compact.is_contiguous(format), true);
        compact.backward(dy);
        reference.backward(dy);
        QVERIFY(at::equal(a.grad(), b.grad()));
        QCOMPARE(a.grad().is_contiguous(format), true);
        // Every gradient lands on a window's maximum: as many non-zeros as outputs.
        QCOMPARE(a.grad().ne(0).sum().item<int64_t>(), dy.numel());
        if (side % 2 == 1) {  // the dropped last row and column get nothing
            QVERIFY(a.grad().select(2, side - 1).eq(0).all().item<bool>());
            QVERIFY(a.grad().select(3, side - 1).eq(0).all().item<bool>());
        }
    }

    // On ties the first maximum in row-major order takes the gradient, as in max_pool2d.
    void tiesGoToTheFirstMaximum() {
        const at::Tensor x = at::tensor({1.0f, 3.0f, 3.0f, 3.0f}).view({1, 1, 2, 2});
        at::Tensor a = x.clone().set_requires_grad(true);
        compactMaxPool2x2(a).sum().backward();
        QVERIFY(at::equal(a.grad().flatten(), at::tensor({0.0f, 1.0f, 0.0f, 0.0f})));
    }

    void rejectsWhatItCannotPool() {
        QVERIFY_THROWS_EXCEPTION(c10::Error, compactMaxPool2x2(at::zeros({2, 3, 4})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, compactMaxPool2x2(at::zeros({2, 3, 1, 4})));
    }
};

QTEST_GUILESS_MAIN(TestMaxPool)
#include "test_max_pool.moc"
