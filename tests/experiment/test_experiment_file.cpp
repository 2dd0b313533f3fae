// The experiment file: what it expresses, and refusals that name the file, the line and the key.

#include <airbench/experiment.h>

#include <QtTest/QtTest>

#include <filesystem>

using namespace airbench;

namespace {

QString refusal(const std::string& text) {
    try {
        parseExperiment(text, "/exp/sweep.toml");
    } catch (const ExperimentError& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestExperimentFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsEverySection() {
        const Experiment e = parseExperiment(R"(
name = "lr-width"
recipe = "airbench94"
directory = "results/lr"

[data]
path = "../data/cifar10"
train_subset = 1024
test_subset = 200
masks = ["a.mask", "/m/b.mask"]

[fixed]
epochs = 2
lookahead = false

[sweep]
learning_rate = [8.0, 11.5, 14]
batch_size = [256, 512]

[zip]
whitening_bias_epochs = [1, 2]
label_smoothing = [0.1, 0.2]

[seeds]
count = 3
first = 10

[run]
device = "cpu"
threads = 1
retries = 4
)",
                                             "/exp/sweep.toml");
        QCOMPARE(e.name, std::string("lr-width"));
        QCOMPARE(e.directory, std::string("/exp/results/lr"));
        QCOMPARE(e.data.path, std::string("/data/cifar10"));
        QCOMPARE(e.data.trainSubset, int64_t(1024));
        QCOMPARE(e.masks, (std::vector<std::string>{"/exp/a.mask", "/m/b.mask"}));
        QVERIFY(e.fixed == (KnobValues{{"epochs", 2}, {"lookahead", 0}}));
        QCOMPARE(e.grid.size(), size_t(2));
        QCOMPARE(e.grid[0].key, std::string("learning_rate"));
        QCOMPARE(e.grid[0].values, (std::vector<double>{8.0, 11.5, 14}));
        QCOMPARE(e.zipped.size(), size_t(2));
        QCOMPARE(e.seeds, (std::vector<uint64_t>{10, 11, 12}));
        QCOMPARE(e.run.device, DeviceRequest::Cpu);
        QCOMPARE(e.run.threads, 1);
        QCOMPARE(e.retries, 4);
        // 3 x 2 grid points, x 2 zipped, x 2 masks; x 3 seeds.
        QCOMPARE(e.pointCount(), int64_t(24));
        QCOMPARE(e.trialCount(), int64_t(72));
    }

    void defaultsFromTheFile() {
        const Experiment e = parseExperiment("seeds = { list = [3, 5] }\n", "/exp/quick.toml");
        QCOMPARE(e.name, std::string("quick"));
        QCOMPARE(e.directory, std::string("/exp/quick"));
        QCOMPARE(e.recipe, std::string("airbench94"));
        QCOMPARE(e.seeds, (std::vector<uint64_t>{3, 5}));
        QCOMPARE(e.pointCount(), int64_t(1));
    }

    void refusalsNameFileLineAndKey() {
        QCOMPARE(refusal("epochs = 3\n"),
                 QString("/exp/sweep.toml:1:1: key 'epochs': is not an experiment setting (name, "
                         "recipe, directory, [data], [fixed], [sweep], [zip], [seeds], [run])"));
        QVERIFY(refusal("[fixed]\nepoch = 3\n").startsWith("/exp/sweep.toml:2:1: key 'epoch': is not a knob"));
        QVERIFY(refusal("[fixed]\nepochs = \"3\"\n").contains(":2:10: key 'epochs': must be a number in [1e-04, 1000]"));
        QVERIFY(refusal("[fixed]\nepochs = 5000\n").contains("key 'epochs': must be a number in [1e-04, 1000], got 5000"));
        QVERIFY(refusal("[fixed]\nbatch_size = 2.5\n").contains("key 'batch_size': must be an integer"));
        QVERIFY(refusal("[fixed]\nhead_lr = 0.5\n").contains("key 'head_lr': is not a knob of airbench94"));
        QVERIFY(refusal("[fixed]\nseed = 1\n").contains("key 'seed': is a run setting: put it in [run]"));
        QVERIFY(refusal("[sweep]\nepochs = 3\n").contains("key 'epochs': must be a non-empty list"));
        QVERIFY(refusal("[sweep]\nepochs = []\n").contains("must be a non-empty list"));
        QVERIFY(refusal("[zip]\nepochs = [1, 2]\ncutout = [0]\n").contains(":3:10: key 'cutout': has 1 values; the zipped lists must be equally long (epochs has 2)"));
        QVERIFY(refusal("[fixed]\nepochs = 2\n[sweep]\nepochs = [1, 2]\n").contains("key 'epochs': is both fixed and swept"));
        QVERIFY(refusal("[sweep]\nepochs = [1]\n[zip]\nepochs = [2]\n").contains("is swept twice"));
        QVERIFY(refusal("[run]\nseed = 3\n").contains("key 'seed': is not a [run] setting"));
        QVERIFY(refusal("[run]\ndevice = \"tpu\"\n").contains("key 'device': must be auto, cpu or cuda"));
        QVERIFY(refusal("[seeds]\ncount = 0\n").contains("key 'count': must be in [1, 100000]"));
        QVERIFY(refusal("[seeds]\nlist = [1, 1]\n").contains("lists seed 1 twice"));
        QVERIFY(refusal("[data]\nsize = 3\n").contains("key 'size': is not a [data] setting"));
        QVERIFY(refusal("recipe = \"airbench99\"\n").contains("key 'recipe': unknown recipe 'airbench99'"));
        QVERIFY(refusal("name = \"a/b\"\n").contains("key 'name': must be a non-empty name"));
        // Not TOML at all: the parser's own message, with the place.
        QVERIFY(refusal("[fixed\n").startsWith("/exp/sweep.toml:1:"));
        QVERIFY_THROWS_EXCEPTION(ExperimentError, readExperimentFile("/nonexistent/x.toml"));
    }

    void theTemplateIsAValidExperiment() {
        for (const Recipe& r : recipes()) {
            const Experiment e = parseExperiment(experimentTemplate("example", r.name), "/exp/example.toml");
            QCOMPARE(e.recipe, r.name);
            QCOMPARE(e.seeds.size(), size_t(5));
            QCOMPARE(e.grid.size(), size_t(1));
            QCOMPARE(e.retries, 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestExperimentFile)
#include "test_experiment_file.moc"
