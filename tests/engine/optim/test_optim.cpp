// Decoupled hyperparameters, Nesterov SGD, the lr schedules and lookahead (RECIPES.md §2).

#include "optim/lookahead.h"
#include "optim/nesterov_sgd.h"
#include "optim/schedule.h"

#include <airbench/recipe.h>

#include "support/test_data.h"

#include <torch/nn/modules/linear.h>

#include <QtTest/QtTest>

using namespace airbench;

namespace {

bool near(double a, double b, double rel = 1e-5) {
    return std::abs(a - b) <= rel * std::abs(b);
}

}  // namespace

class TestOptim : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void decoupledRatesMatchTheSpecTable() {
        // | 93,94 | 11.5 | 0.0153 | 1.46484e-3 | 0.09375 | 1.99565e-3 | 1.36237 / 0.021287 |
        DecoupledRates r = decoupledRates(11.5, 0.0153, 0.85, 64, 1024);
        QVERIFY(near(r.lr, 1.46484e-3));
        QVERIFY(near(r.biasLr, 0.09375));
        QVERIFY(near(r.wd, 1.99565e-3));
        QVERIFY(near(r.otherDecay(), 1.36237));
        QVERIFY(near(r.biasDecay(), 0.021287, 1e-4));
        r = decoupledRates(10.0, 0.0153, 0.85, 64, 1024);  // 95
        QVERIFY(near(r.lr, 1.27378e-3) && near(r.biasLr, 0.0815217) &&
                near(r.otherDecay(), 1.56672));
        r = decoupledRates(9.0, 0.012, 0.85, 64, 1024);  // 96
        QVERIFY(near(r.lr, 1.14640e-3) && near(r.biasLr, 0.0733696) && near(r.wd, 1.56522e-3));
        QVERIFY(near(r.otherDecay(), 1.36533) && near(r.biasDecay(), 0.021333, 1e-4));
    }

    void nesterovStepMatchesTorchSgd() {
        // Two steps by hand: d = g + wd p; buf = d, then mu buf + d; p -= lr (d + mu buf).
        at::Tensor p = at::tensor({1.0, -2.0}, at::kDouble).requires_grad_(true);
        at::Tensor frozen = at::tensor({5.0}, at::kDouble).requires_grad_(true);
        SgdGroup group{"g", {p, frozen}, 0.1, 0.5};
        NesterovSgd sgd({group}, 0.9);
        const double g1[2] = {0.3, -0.4}, g2[2] = {-0.1, 0.2};
        double expected[2] = {1.0, -2.0}, buf[2] = {0, 0};
        for (int step = 0; step < 2; ++step) {
            const double* g = step == 0 ? g1 : g2;
            p.mutable_grad() = at::tensor({g[0], g[1]}, at::kDouble);
            for (int i = 0; i < 2; ++i) {
                const double d = g[i] + 0.5 * expected[i];
                buf[i] = step == 0 ? d : 0.9 * buf[i] + d;
                expected[i] -= 0.1 * (d + 0.9 * buf[i]);
            }
            sgd.step();
            QVERIFY(std::abs(p[0].item<double>() - expected[0]) < 1e-12);
            QVERIFY(std::abs(p[1].item<double>() - expected[1]) < 1e-12);
            QCOMPARE(frozen.item<double>(), 5.0);  // no gradient: no decay, no momentum
        }
        sgd.setLrFactor(0.5);
        QCOMPARE(sgd.groups()[0].lr, 0.05);
    }

    // The update a CUDA graph captures reads each group's lr from a device scalar; on the CPU the
    // same code path must give the host-lr update.
    void deviceScalarLearningRatesGiveTheSameUpdate() {
        at::manual_seed(3);
        const at::Tensor w = at::randn({4, 3}), b = at::randn({3});
        auto make = [&] {
            std::vector<SgdGroup> groups{{"weights", {w.clone().requires_grad_(true)}, 0.2, 0.5},
                                         {"biases", {b.clone().requires_grad_(true)}, 0.05, 0.1}};
            return NesterovSgd(std::move(groups), 0.85);
        };
        NesterovSgd host = make(), device = make();
        for (int step = 0; step < 3; ++step) {
            const double factor = 1.0 - 0.3 * step;
            const at::Tensor gw = at::randn({4, 3}), gb = at::randn({3});
            for (NesterovSgd* sgd : {&host, &device}) {
                sgd->groups()[0].params[0].mutable_grad() = gw.clone();
                sgd->groups()[1].params[0].mutable_grad() = gb.clone();
            }
            host.setLrFactor(factor);
            host.step();
            device.step({at::scalar_tensor(0.2 * factor), at::scalar_tensor(0.05 * factor)});
        }
        for (int g = 0; g < 2; ++g) {
            const at::Tensor a = host.groups()[g].params[0], d = device.groups()[g].params[0];
            QVERIFY(!a.equal(g == 0 ? w : b));  // it trained
            QVERIFY(at::allclose(a, d, 1e-6, 1e-6));
        }
    }

    // The step updates a group with multi-tensor (foreach) ops. Against the per-tensor formula
    // written out here: tensors of several shapes and layouts, one that never has a gradient and
    // one whose first gradient (and so its momentum buffer) arrives only at the third step.
    void multiTensorStepMatchesThePerTensorUpdate() {
        at::manual_seed(5);
        const std::vector<at::Tensor> start{
            at::randn({6, 4, 3, 3}).contiguous(at::MemoryFormat::ChannelsLast), at::randn({7}),
            at::randn({3, 5}), at::randn({2})};
        std::vector<at::Tensor> params, expected, buffers(start.size());
        for (const at::Tensor& t : start) {
            params.push_back(t.clone().requires_grad_(true));
            expected.push_back(t.clone());
        }
        const double lr = 0.3, wd = 0.2, mu = 0.85;
        NesterovSgd sgd({SgdGroup{"mixed", params, lr, wd}}, mu);
        for (int step = 0; step < 4; ++step) {
            for (size_t i = 0; i < params.size(); ++i) {
                const bool hasGrad = i == 0 || i == 1 || (i == 2 && step >= 2);
                params[i].mutable_grad() = hasGrad ? at::randn_like(params[i]) : at::Tensor();
                if (!hasGrad) {
                    continue;
                }
                const at::Tensor d = params[i].grad() + wd * expected[i];
                buffers[i] = buffers[i].defined() ? mu * buffers[i] + d : d;
                expected[i] = expected[i] - lr * (d + mu * buffers[i]);
            }
            sgd.step();
            for (size_t i = 0; i < params.size(); ++i) {
                const double err = (params[i].detach() - expected[i]).abs().max().item<double>();
                QVERIFY2(err < 1e-6,
                         qPrintable(QString("step %1, tensor %2: %3").arg(step).arg(i).arg(err)));
            }
        }
        QVERIFY(params[3].detach().equal(start[3]));  // never had a gradient: untouched
        QVERIFY(!params[2].detach().equal(start[2]));
        QVERIFY(params[0].is_contiguous(at::MemoryFormat::ChannelsLast));
    }

    void scheduleAMatchesTheSpecAtChosenSteps() {
        const Recipe& h = findRecipe("airbench94");  // T = 476, W = 109
        QCOMPARE(lrFactor(h, 0, 476), 0.2);
        QVERIFY(near(lrFactor(h, 54, 476), 0.2 + 0.8 * 54 / 109.0));
        QCOMPARE(lrFactor(h, 109, 476), 1.0);
        QVERIFY(near(lrFactor(h, 300, 476), 1 - 0.93 * (300 - 109) / 367.0));
        QVERIFY(near(lrFactor(h, 475, 476), 1 - 0.93 * 366 / 367.0));
    }

    void scheduleBAndLinear() {
        const Recipe& h = findRecipe("airbench96");  // T = 1776, W = 177
        QCOMPARE(lrFactor(h, 0, 1776), 0.2);
        QCOMPARE(lrFactor(h, 177, 1776), 1.0);
        QVERIFY(near(lrFactor(h, 1000, 1776), (1776 - 1000) / double(1776 - 177)));
        QVERIFY(near(lrFactor(LrSchedule::LinearToZero, 50, 200, 0, 0), 0.75));
    }

    void lookaheadDecaySchedule() {
        QVERIFY(near(lookaheadDecay(476, 476), 0.7737809375));  // 0.95^5
        QVERIFY(near(lookaheadDecay(5, 476), 0.7737809375 * std::pow(5 / 476.0, 3)));
        QVERIFY(near(lookaheadDecay(240, 476), 0.7737809375 * std::pow(240 / 476.0, 3)));
    }

    void lookaheadBlendsAndCopiesBack() {
        torch::nn::Linear layer(torch::nn::LinearOptions(2, 1).bias(false));
        at::NoGradGuard noGrad;
        layer->weight.copy_(at::tensor({1.0f, 2.0f}).view({1, 2}));
        Lookahead lookahead(*layer);  // slow copy = (1, 2)
        layer->weight.copy_(at::tensor({3.0f, 6.0f}).view({1, 2}));
        lookahead.update(0.25);  // S = S + 0.75 (P - S) = (2.5, 5)
        QVERIFY(layer->weight.equal(at::tensor({2.5f, 5.0f}).view({1, 2})));
        layer->weight.copy_(at::tensor({0.0f, 0.0f}).view({1, 2}));
        lookahead.update(1.0);  // final copy: P = S
        QVERIFY(layer->weight.equal(at::tensor({2.5f, 5.0f}).view({1, 2})));
    }
};

QTEST_GUILESS_MAIN(TestOptim)
#include "test_optim.moc"
