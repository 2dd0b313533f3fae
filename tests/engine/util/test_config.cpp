// runConfigJson: the one configuration the GUI and the CLI record for a run.

#include <airbench/config.h>
#include <airbench/device.h>
#include <airbench/recipe.h>

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

using namespace airbench;

namespace {

RunSetting sampleSetting() {
    RunSetting s;
    s.datasetName = "CIFAR-10";
    s.datasetPath = "/data/cifar10";
    s.datasetHash = "abc123";
    s.trainExamples = 2048;
    s.testExamples = 512;
    s.device = "CPU (2 threads)";
    s.runs = 3;
    return s;
}

}  // namespace

class TestConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runConfigIsTheRecipePlusWhatItRanOn() {
        const Recipe& recipe = findRecipe("airbench94");
        const std::string text = runConfigJson(recipe, sampleSetting(), 17);
        const nlohmann::json j = nlohmann::json::parse(text);
        // Every recipe field, unchanged.
        const nlohmann::json r = nlohmann::json::parse(recipeConfigJson(recipe));
        for (auto it = r.begin(); it != r.end(); ++it) {
            QVERIFY2(j.contains(it.key()) && j[it.key()] == it.value(), it.key().c_str());
        }
        QCOMPARE(j["dataset"]["name"].get<std::string>(), std::string("CIFAR-10"));
        QCOMPARE(j["dataset"]["path"].get<std::string>(), std::string("/data/cifar10"));
        QCOMPARE(j["dataset"]["hash"].get<std::string>(), std::string("abc123"));
        QCOMPARE(j["dataset"]["train_examples"].get<int64_t>(), int64_t(2048));
        QCOMPARE(j["dataset"]["test_examples"].get<int64_t>(), int64_t(512));
        QCOMPARE(j["seed"].get<uint64_t>(), uint64_t(17));
        QCOMPARE(j["runs"].get<int>(), 3);
        QCOMPARE(j["device"].get<std::string>(), std::string("CPU (2 threads)"));
        QCOMPARE(j["libtorch"].get<std::string>(), libtorchVersion());
        QVERIFY(!j["compiled"].get<bool>() && !j["warmup"].get<bool>());
        // Recorded only when set, so that runs from before the option keep their configuration.
        QVERIFY(!j.contains("fused_norm") && !j.contains("compact_pool"));
        RunSetting fused = sampleSetting();
        fused.fusedNormActivation = true;
        fused.compactPooling = true;
        const nlohmann::json f = nlohmann::json::parse(runConfigJson(recipe, fused, 17));
        QVERIFY(f["fused_norm"].get<bool>() && f["compact_pool"].get<bool>());
        QVERIFY(!j.contains("mask"));
        // A fractional epoch count stays a float: the CLI's and the GUI's text must agree.
        QVERIFY2(text.find("\"epochs\":" + r["epochs"].dump()) != std::string::npos, text.c_str());
    }

    void maskPathOnlyWhenTheMaskHasAFile() {
        RunSetting s = sampleSetting();
        s.masked = true;
        s.maskName = "hard half";
        s.maskHash = "m1";
        s.maskExamples = 1024;
        nlohmann::json j = nlohmann::json::parse(runConfigJson(findRecipe("airbench94"), s, 0));
        QCOMPARE(j["mask"]["name"].get<std::string>(), std::string("hard half"));
        QCOMPARE(j["mask"]["hash"].get<std::string>(), std::string("m1"));
        QCOMPARE(j["mask"]["examples"].get<int64_t>(), int64_t(1024));
        QVERIFY(!j["mask"].contains("path"));  // made in the GUI
        s.maskPath = "/masks/hard.json";
        j = nlohmann::json::parse(runConfigJson(findRecipe("airbench94"), s, 0));
        QCOMPARE(j["mask"]["path"].get<std::string>(), std::string("/masks/hard.json"));
    }
};

QTEST_MAIN(TestConfig)
#include "test_config.moc"
