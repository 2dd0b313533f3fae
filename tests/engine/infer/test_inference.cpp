// Inference, test-time augmentation (RECIPES.md §4) and model files.

#include "core/torch_device.h"
#include "infer/tta.h"
#include "nn/model_impl.h"

#include <airbench/error.h>
#include <airbench/inference.h>
#include <airbench/recipe.h>

#include "support/test_data.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>

using namespace airbench;

namespace {

Model smallModel(uint64_t seed) {
    at::Generator gen = makeGenerator(Device{}, seed);
    return makeModel("airbench94", networkOf(findRecipe("airbench94")).scaled(0.25), Device{}, seed,
                     gen);
}

}  // namespace

class TestInference : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void ttaLevelsUseTheSpecViewsAndWeights() {
        Model model = smallModel(1);
        AirbenchNet& net = model.impl().net;
        net->eval();
        at::Tensor x = at::randn({5, 3, 32, 32}).contiguous(kImageFormat);
        at::NoGradGuard noGrad;
        auto f = [&](const at::Tensor& in) { return net->forward(in.contiguous(kImageFormat)); };
        at::Tensor padded = at::reflection_pad2d(x.contiguous(), {1, 1, 1, 1});
        at::Tensor up = padded.slice(2, 0, 32).slice(3, 0, 32);
        at::Tensor down = padded.slice(2, 2, 34).slice(3, 2, 34);
        at::Tensor level1 = 0.5 * f(x) + 0.5 * f(x.flip({3}));
        // Six forwards: the image and its mirror at 1/4, four shifted views at 1/8.
        at::Tensor level2 = 0.25 * f(x) + 0.25 * f(x.flip({3})) + 0.125 * f(up) +
                            0.125 * f(up.flip({3})) + 0.125 * f(down) + 0.125 * f(down.flip({3}));
        QVERIFY(at::allclose(inferLogits(net, x, 0), f(x), 1e-5, 1e-6));
        QVERIFY(at::allclose(inferLogits(net, x, 1), level1, 1e-5, 1e-6));
        QVERIFY(at::allclose(inferLogits(net, x, 2), level2, 1e-5, 1e-6));
        QCOMPARE(ttaForwards(0), 1);
        QCOMPARE(ttaForwards(1), 2);
        QCOMPARE(ttaForwards(2), 6);
        QVERIFY_THROWS_EXCEPTION(Error, inferLogits(net, x, 3));
    }

    void inferKeepsDatasetOrderAcrossChunks() {
        Model model = smallModel(2);
        ImageSet set;
        set.pixels.resize(2100 * kImageBytes);
        for (size_t i = 0; i < set.pixels.size(); ++i)
            set.pixels[i] = uint8_t((i * 2654435761u) >> 24);
        set.labels.assign(2100, 1);
        CifarLoader loader = makeTestLoader(set, Device{}, 300);
        const Logits all = infer(model, loader, 0);  // 2 chunks of 2000 + 100
        QCOMPARE(all.rows, int64_t(2100));
        CifarLoader tail = makeTestLoader(set.select({2050, 7}), Device{});
        const Logits some = infer(model, tail, 0);
        for (int c = 0; c < 10; ++c) {
            QVERIFY(std::abs(some.at(0, c) - all.at(2050, c)) < 1e-4);
            QVERIFY(std::abs(some.at(1, c) - all.at(7, c)) < 1e-4);
        }
        const double acc = evaluate(model, loader, 0);
        QCOMPARE(acc, accuracy(all, set.labels));
    }

    void saveAndLoadRoundTrip() {
        QTemporaryDir tmp;
        Model model = smallModel(3);
        model.impl().info.datasetHash = "abc123";
        const std::string path = (tmp.path() + "/net.pt").toStdString();
        model.save(path);
        Model loaded = Model::load(path, Device{});
        QCOMPARE(loaded.info().recipe, std::string("airbench94"));
        QCOMPARE(loaded.info().datasetHash, std::string("abc123"));
        QCOMPARE(loaded.info().seed, uint64_t(3));
        QCOMPARE(loaded.info().network.widths[2], 64);
        QCOMPARE(loaded.parameterCount(), model.parameterCount());
        ImageSet set;
        set.pixels.assign(4 * kImageBytes, 100);
        set.labels.assign(4, 0);
        CifarLoader loader = makeTestLoader(set, Device{});
        QVERIFY(infer(model, loader, 2).values == infer(loaded, loader, 2).values);
    }

    void loadRefusesOtherFiles() {
        QTemporaryDir tmp;
        const std::string path = (tmp.path() + "/garbage.pt").toStdString();
        std::ofstream(path) << "not a model";
        QString message;
        try {
            Model::load(path, Device{});
        } catch (const Error& e) {
            message = e.what();
        }
        QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
        message.clear();
        try {
            Model::load("/nonexistent/model.pt", Device{});
        } catch (const Error& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("/nonexistent/model.pt"), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestInference)
#include "test_inference.moc"
