// The run configuration's one JSON form: written and read back the same, every knob of the
// table in it and in its schema, errors that name the key, and the form runs recorded before.

#include <airbench/device.h>
#include <airbench/error.h>
#include <airbench/run_config.h>

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <set>

using namespace airbench;

namespace {

RunConfig sampleConfig() {
    RunConfig c;
    c.recipe = "airbench94_muon";
    c.overrides = {{"epochs", 2}, {"width_multiplier", 0.25}, {"head_lr", 0.5}, {"flip", 0}};
    c.run.seed = 7;
    c.run.runs = 3;
    c.run.threads = 1;
    c.run.device = DeviceRequest::Cpu;
    c.run.compiled = true;
    c.data = {"/data/cifar10", DatasetFormat::Cifar10, 2048, 512};
    c.maskPath = "/masks/hard.mask";
    return c;
}

const RunFacts& sampleFacts() {
    static RunFacts f;
    f.datasetName = "CIFAR-10";
    f.datasetHash = "abc123";
    f.trainExamples = 2048;
    f.testExamples = 512;
    f.maskName = "hard";
    f.maskHash = "def456";
    f.maskExamples = 1024;
    f.device = "CPU (1 threads)";
    return f;
}

QString refusal(const std::string& text) {
    try {
        runConfigFromJson(text, "cfg.json");
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestRunConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writtenAndReadBackTheSame() {
        const RunConfig c = sampleConfig();
        for (const RunFacts* facts : {static_cast<const RunFacts*>(nullptr), &sampleFacts()}) {
            const RunConfig back = runConfigFromJson(runConfigToJson(c, facts, 2));
            QCOMPARE(back.recipe, c.recipe);
            QVERIFY(back.overrides == c.overrides);
            QCOMPARE(back.run.seed, c.run.seed);
            QCOMPARE(back.run.runs, c.run.runs);
            QCOMPARE(back.run.threads, c.run.threads);
            QCOMPARE(back.run.device, c.run.device);
            QCOMPARE(back.run.compiled, c.run.compiled);
            QCOMPARE(back.data.path, c.data.path);
            QCOMPARE(back.data.format, c.data.format);
            QCOMPARE(back.data.trainSubset, c.data.trainSubset);
            QCOMPARE(back.data.testSubset, c.data.testSubset);
            QCOMPARE(back.maskPath, c.maskPath);
        }
    }

    void holdsExactlyTheRecipesKnobsAndTheRunSettings() {
        const RunConfig c = sampleConfig();
        const nlohmann::json j = nlohmann::json::parse(runConfigToJson(c, &sampleFacts()));
        const Recipe recipe = resolvedRecipe(c);
        for (const Knob& knob : knobs()) {
            const bool expected = knob.isRunSetting() || knobApplies(knob, recipe);
            QVERIFY2(j.contains(std::string(knob.key)) == expected, knob.key.data());
        }
        QCOMPARE(j["head_lr"].get<double>(), 0.5);
        QCOMPARE(j["flip"].get<bool>(), false);
        QCOMPARE(j["batch_size"].get<int>(), 2000);  // the table's own value, recorded too
        QCOMPARE(j["device"].get<std::string>(), std::string("cpu"));
        QCOMPARE(j["dataset"]["hash"].get<std::string>(), std::string("abc123"));
        QCOMPARE(j["mask"]["examples"].get<int>(), 1024);
        QCOMPARE(j["device_name"].get<std::string>(), std::string("CPU (1 threads)"));
        QCOMPARE(j["libtorch"].get<std::string>(), libtorchVersion());
        QVERIFY(!j.contains("lookahead"));  // Muon recipes have none
    }

    void schemaListsExactlyTheKnobs() {
        const nlohmann::json schema = nlohmann::json::parse(runConfigSchemaJson());
        std::set<std::string> knobKeys, schemaKnobs;
        for (const Knob& knob : knobs()) {
            knobKeys.insert(std::string(knob.key));
        }
        for (const auto& [key, property] : schema["properties"].items()) {
            if (knobOrNull(key)) {
                schemaKnobs.insert(key);
            }
        }
        QVERIFY(knobKeys == schemaKnobs);
        QCOMPARE(schema["additionalProperties"].get<bool>(), false);
        QCOMPARE(schema["properties"]["batch_size"]["type"].get<std::string>(),
                 std::string("integer"));
        QCOMPARE(schema["properties"]["epochs"]["maximum"].get<double>(), findKnob("epochs").max);
        QCOMPARE(schema["properties"]["device"]["enum"].size(), size_t(3));
        // Every key a configuration writes is in the schema.
        const nlohmann::json written =
            nlohmann::json::parse(runConfigToJson(sampleConfig(), &sampleFacts()));
        for (const auto& [key, value] : written.items()) {
            QVERIFY2(schema["properties"].contains(key), key.c_str());
        }
    }

    void aPartialConfigurationKeepsTheRest() {
        const RunConfig c = runConfigFromJson(R"({"recipe": "airbench96", "epochs": 3})");
        QCOMPARE(c.recipe, std::string("airbench96"));
        QVERIFY(c.overrides == (KnobValues{{"epochs", 3}}));
        QCOMPARE(c.run.runs, 1);
        QCOMPARE(c.data.trainSubset, int64_t(-1));
        // A value equal to the table's is no override.
        QVERIFY(runConfigFromJson(R"({"epochs": 9.9})").overrides.empty());
    }

    void errorsNameTheSourceAndTheKey() {
        QVERIFY(refusal("{").contains("cfg.json is not valid JSON"));
        QVERIFY(refusal("[1]").contains("must be a JSON object"));
        QVERIFY(refusal(R"({"epoch": 3})").contains("cfg.json: 'epoch' is not a setting"));
        QVERIFY(
            refusal(R"({"epochs": "3"})").contains("'epochs' must be a number in [1e-04, 1000]"));
        QVERIFY(refusal(R"({"epochs": 5000})").contains("'epochs' must be a number"));
        QVERIFY(refusal(R"({"batch_size": 2.5})").contains("'batch_size' must be an integer"));
        QVERIFY(refusal(R"({"lookahead": 1})").contains("'lookahead' must be true or false"));
        QVERIFY(refusal(R"({"device": "tpu"})").contains("auto, cpu or cuda"));
        QVERIFY(refusal(R"({"head_lr": 0.5})").contains("'head_lr' is not a knob of airbench94"));
        QVERIFY(refusal(R"({"recipe": "airbench99"})").contains("unknown recipe 'airbench99'"));
        QVERIFY(refusal(R"({"dataset": {"size": 3}})").contains("'dataset.size'"));
        QVERIFY(refusal(R"({"dataset": {"train_subset": 0}})").contains("positive count"));
        QVERIFY(refusal(R"({"config_version": 9})").contains("'config_version' is 9"));
        QVERIFY(refusal(R"({"mask": {"name": "m", "hash": "h"}})").contains("never saved"));
    }

    // What runs recorded before config_version 2 (the history keeps them): read back to the
    // same recipe table, the subsets from the counts, PyTorch's BatchNorm momentum converted.
    void readsTheFormRunsRecordedBefore() {
        const char* v1 = R"json({"recipe":"airbench94","epochs":2.0,"batch_size":256,
            "learning_rate":11.5,"weight_decay":0.0153,"bias_scaler":64.0,"momentum":0.85,
            "label_smoothing":0.2,"whitening_bias_epochs":3.0,"lr_schedule":"warmup-then-floor",
            "warmup_fraction":0.23,"lr_floor":0.07,"lookahead":true,
            "augmentation":{"flip":true,"translate":2,"cutout":0,"alternating_flip":true},
            "tta_level":2,"width_multiplier":0.25,"widths":[16,64,64],"block":"2-conv",
            "batchnorm_momentum":0.4,"batchnorm_eps":1e-12,"head":"linear/9",
            "whitening_bias_init":"zero",
            "dataset":{"name":"CIFAR-10","path":"/d","hash":"h","train_examples":2048,
                       "test_examples":500},
            "device":"CPU (2 threads)","libtorch":"1.13.1","runs":2,"seed":4,
            "compiled":false,"warmup":false})json";
        const RunConfig c = runConfigFromJson(v1);
        QVERIFY(c.overrides ==
                (KnobValues{{"epochs", 2}, {"batch_size", 256}, {"width_multiplier", 0.25}}));
        QCOMPARE(c.run.seed, uint64_t(4));
        QCOMPARE(c.run.runs, 2);
        QCOMPARE(c.data.path, std::string("/d"));
        QCOMPARE(c.data.trainSubset, int64_t(2048));
        QCOMPARE(c.data.testSubset, int64_t(500));
        QCOMPARE(c.run.device, DeviceRequest::Auto);
        // A Muon run recorded the SGD recipes' fields too; they are dropped, not refused.
        const RunConfig muon = runConfigFromJson(
            R"({"recipe":"airbench94_muon","lookahead":false,"lr_floor":0,"epochs":8,
                "augmentation":{"flip":true}})");
        QVERIFY(muon.overrides.empty());
    }

    void describesARecordedConfigurationByItsChanges() {
        RunConfig c;
        c.overrides = {{"epochs", 2}, {"width_multiplier", 0.125}};
        RunFacts f;
        f.datasetName = "CIFAR-10";
        f.trainExamples = 512;
        f.testExamples = 200;
        f.device = "CPU (1 thread)";
        QCOMPARE(describeRecordedConfig(runConfigToJson(c, &f)),
                 std::string("Epochs 2 · Width multiplier 0.125 · CIFAR-10 (512 / 200) · "
                             "CPU (1 thread)"));
        QCOMPARE(describeRecordedConfig("not json"), std::string("not json"));
        QCOMPARE(describeRecordedConfig(R"({"recipe":"airbench96"})"),
                 std::string("airbench96 as in its table"));
    }
};

QTEST_GUILESS_MAIN(TestRunConfig)
#include "test_run_config.moc"
