// Muon: the Newton-Schulz orthogonalisation and the optimizer step against a float64 reference.

#include "optim/muon.h"

#include "support/test_data.h"

#include <QtTest/QtTest>

using namespace airbench;

namespace {

// The same update written independently in float64: buf = mu buf + g; u = g + mu buf;
// p *= sqrt(rows) / |p|; p -= lr NS(u).
at::Tensor referenceNewtonSchulz(at::Tensor x, int steps) {
    x = x / (x.norm() + 1e-7);
    const bool tall = x.size(0) > x.size(1);
    if (tall)
        x = x.t();
    for (int i = 0; i < steps; ++i) {
        at::Tensor a = x.mm(x.t());
        x = 3.4445 * x + (-4.7750 * a + 2.0315 * a.mm(a)).mm(x);
    }
    return tall ? x.t() : x;
}

}  // namespace

class TestMuon : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void orthogonalisesRandomMatrices() {
        at::manual_seed(0);
        // The shapes Muon meets in airbench94 (out x in*9: all wide) and one tall matrix. (A square
        // Gaussian matrix has singular values near 0 that three steps cannot lift.)
        for (auto shape :
             {std::make_pair(64, 216), std::make_pair(64, 576), std::make_pair(256, 576),
              std::make_pair(256, 2304), std::make_pair(300, 40)}) {
            at::Tensor g = at::randn({shape.first, shape.second});
            at::Tensor x = newtonSchulz(g);
            QCOMPARE(x.sizes(), g.sizes());
            const at::Tensor s = at::linalg_svdvals(x.to(at::kDouble));
            const double lo = s.min().item<double>(), hi = s.max().item<double>();
            qInfo("%dx%d: singular values in [%.3f, %.3f], mean %.3f", shape.first, shape.second,
                  lo, hi, s.mean().item<double>());
            // Three quintic steps do not converge: the seed quotes roughly 0.5 - 1.5.
            QVERIFY2(lo > 0.45 && hi < 1.55, qPrintable(QString("[%1, %2]").arg(lo).arg(hi)));
        }
    }

    void stepMatchesAFloat64Reference() {
        at::manual_seed(1);
        const at::Tensor w0 = at::randn({8, 4, 3, 3}, at::kDouble);
        const at::Tensor g1 = at::randn({8, 4, 3, 3}, at::kDouble);
        const at::Tensor g2 = at::randn({8, 4, 3, 3}, at::kDouble);
        at::Tensor p =
            w0.to(at::kFloat).contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
        Muon muon({p}, 0.24, 0.6);
        at::Tensor ref = w0.clone(), buf = at::zeros_like(w0);
        for (const at::Tensor& g : {g1, g2}) {
            p.mutable_grad() = g.to(at::kFloat);
            muon.step();
            buf = 0.6 * buf + g;
            const at::Tensor u = g + 0.6 * buf;
            ref = ref * (std::sqrt(8.0) / ref.norm().item<double>());
            ref = ref - 0.24 * referenceNewtonSchulz(u.reshape({8, -1}), 3).view({8, 4, 3, 3});
        }
        const double err = (p.detach().to(at::kDouble) - ref).abs().max().item<double>();
        QVERIFY2(err < 1e-4, qPrintable(QString::number(err)));
        // Tensors without a gradient are left alone.
        at::Tensor q = at::ones({2, 2, 3, 3}).requires_grad_(true);
        Muon idle({q}, 0.24, 0.6);
        idle.step();
        QVERIFY(q.detach().eq(1).all().item<bool>());
    }

    void batchedNewtonSchulzTreatsEachMatrixOnItsOwn() {
        at::manual_seed(6);
        for (auto shape : {std::make_pair(16, 72), std::make_pair(40, 12)}) {
            // Different scales: each matrix must be normalised by its own norm.
            const at::Tensor stack = at::randn({3, shape.first, shape.second}) *
                                     at::tensor({1.0f, 30.0f, 0.01f}).view({3, 1, 1});
            const at::Tensor batched = newtonSchulzBatched(stack);
            QCOMPARE(batched.sizes(), stack.sizes());
            for (int64_t i = 0; i < 3; ++i) {
                const at::Tensor ref = referenceNewtonSchulz(stack[i].to(at::kDouble), 3);
                const double err = (batched[i].to(at::kDouble) - ref).abs().max().item<double>();
                QVERIFY2(err < 1e-4, qPrintable(QString("%1x%2 #%3: %4")
                                                    .arg(shape.first)
                                                    .arg(shape.second)
                                                    .arg(i)
                                                    .arg(err)));
            }
        }
    }

    // Several filter banks, two of them of equal shape (stacked into one batched orthogonalisation)
    // and one without a gradient, against the float64 per-tensor reference.
    void stepOverSeveralFilterBanksMatchesTheReference() {
        at::manual_seed(7);
        const std::vector<std::vector<int64_t>> shapes{
            {8, 4, 3, 3}, {6, 8, 3, 3}, {8, 4, 3, 3}, {5, 2, 3, 3}};
        std::vector<at::Tensor> params, ref, bufs;
        for (const auto& shape : shapes) {
            const at::Tensor w = at::randn(shape, at::kDouble);
            params.push_back(
                w.to(at::kFloat).contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true));
            ref.push_back(w.clone());
            bufs.push_back(at::zeros_like(w));
        }
        Muon muon(params, 0.2, 0.7);
        for (int step = 0; step < 3; ++step) {
            for (size_t i = 0; i < params.size(); ++i) {
                if (i == 3) {
                    continue;  // no gradient: skipped
                }
                const at::Tensor g = at::randn(shapes[i], at::kDouble);
                params[i].mutable_grad() = g.to(at::kFloat);
                bufs[i] = 0.7 * bufs[i] + g;
                const at::Tensor u = g + 0.7 * bufs[i];
                const int64_t rows = shapes[i][0];
                ref[i] = ref[i] * (std::sqrt(double(rows)) / ref[i].norm().item<double>());
                ref[i] = ref[i] - 0.2 * referenceNewtonSchulz(u.reshape({rows, -1}), 3)
                                            .view(at::IntArrayRef(shapes[i]));
            }
            muon.step();
        }
        for (size_t i = 0; i < params.size(); ++i) {
            const double err =
                (params[i].detach().to(at::kDouble) - ref[i]).abs().max().item<double>();
            QVERIFY2(err < 1e-4, qPrintable(QString("tensor %1: %2").arg(i).arg(err)));
        }
    }

    // The CUDA-graph step reads Muon's lr from a device scalar; on the CPU that path must give
    // the host-lr update.
    void deviceScalarLearningRateGivesTheSameUpdate() {
        at::manual_seed(4);
        const at::Tensor w0 = at::randn({8, 4, 3, 3});
        at::Tensor a = w0.clone().requires_grad_(true), b = w0.clone().requires_grad_(true);
        Muon host({a}, 0.24, 0.6), device({b}, 0.24, 0.6);
        for (int step = 0; step < 3; ++step) {
            const double factor = 1.0 - 0.25 * step;
            const at::Tensor g = at::randn({8, 4, 3, 3});
            a.mutable_grad() = g.clone();
            b.mutable_grad() = g.clone();
            host.setLrFactor(factor);
            host.step();
            device.step(at::scalar_tensor(device.baseLr() * factor));
        }
        QVERIFY(!a.detach().equal(w0));
        QVERIFY(at::allclose(a.detach(), b.detach(), 1e-5, 1e-6));
    }
};

QTEST_GUILESS_MAIN(TestMuon)
#include "test_muon.moc"
