// The experiment file: what it expresses, and refusals that name the file, the line and the key.

#include <airbench/experiment.h>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>

using namespace airbench;

namespace {

// Every field the file expresses, compared one by one (sourcePath and maskWhere say where it
// was read from, not what it is).
void compareExperiments(const Experiment& a, const Experiment& b) {
    QCOMPARE(a.name, b.name);
    QCOMPARE(a.directory, b.directory);
    QCOMPARE(a.recipe, b.recipe);
    QCOMPARE(a.data.path, b.data.path);
    QCOMPARE(a.data.format, b.data.format);
    QCOMPARE(a.data.trainSubset, b.data.trainSubset);
    QCOMPARE(a.data.testSubset, b.data.testSubset);
    QCOMPARE(a.masks, b.masks);
    QVERIFY(a.fixed == b.fixed);
    QCOMPARE(a.grid.size(), b.grid.size());
    for (size_t i = 0; i < a.grid.size(); ++i) {
        QCOMPARE(a.grid[i].key, b.grid[i].key);
        QCOMPARE(a.grid[i].values, b.grid[i].values);
    }
    QCOMPARE(a.zipped.size(), b.zipped.size());
    for (size_t i = 0; i < a.zipped.size(); ++i) {
        QCOMPARE(a.zipped[i].key, b.zipped[i].key);
        QCOMPARE(a.zipped[i].values, b.zipped[i].values);
    }
    QCOMPARE(a.seeds, b.seeds);
    for (const Knob* knob : runKnobs()) {
        QCOMPARE(knobValue(*knob, a.run), knobValue(*knob, b.run));
    }
    QCOMPARE(a.retries, b.retries);
}

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

    // The points follow the file's order of the swept knobs (the first outermost), whatever
    // their names: toml++ keeps keys sorted, the reader does not.
    void sweptKnobsInFileOrder() {
        const Experiment e = parseExperiment(
            "[sweep]\nwidth_multiplier = [0.5]\nbatch_size = [256]\nlearning_rate = [8.0]\n"
            "[zip]\nlabel_smoothing = [0.1]\ncutout = [0]\n",
            "/exp/order.toml");
        QCOMPARE(e.grid.size(), size_t(3));
        QCOMPARE(e.grid[0].key, std::string("width_multiplier"));
        QCOMPARE(e.grid[1].key, std::string("batch_size"));
        QCOMPARE(e.grid[2].key, std::string("learning_rate"));
        QCOMPARE(e.zipped[0].key, std::string("label_smoothing"));
        QCOMPARE(e.zipped[1].key, std::string("cutout"));
    }

    // What the GUI's Experiments tab does: an Experiment made in memory, written, read back.
    void writtenExperimentsReadBackEqual() {
        QTemporaryDir dir;
        Experiment e;
        e.name = "lr \"quoted\" sweep #1";
        e.recipe = "airbench94";
        e.directory = (dir.path() + "/results/lr").toStdString();
        e.data.path = "/data/cifar 10";
        e.data.format = DatasetFormat::Cifar10;
        e.data.trainSubset = 1024;
        e.data.testSubset = 200;
        e.masks = {"/m/a.mask", "/m/b.mask"};
        e.fixed = {
            {"epochs", 2.5}, {"lookahead", 0}, {"tta_level", 1}, {"label_smoothing", 0.1 + 0.2}};
        e.grid = {{"width_multiplier", {0.125, 1.0 / 3}}, {"batch_size", {256, 512}}};
        e.zipped = {{"whitening_bias_epochs", {1, 2}}, {"cutout", {0, 12}}};
        e.seeds = {3, 7, 11};
        e.run.device = DeviceRequest::Cpu;
        e.run.threads = 2;
        e.run.compiled = true;
        e.run.warmup = WarmupMode::Off;
        e.retries = 5;
        const std::string path = (dir.path() + "/lr.toml").toStdString();
        writeExperimentFile(e, path);
        compareExperiments(readExperimentFile(path), e);
        QCOMPARE(QDir(dir.path()).entryList({"*.tmp.*"}, QDir::Files).size(), 0);

        // Defaults stay defaults; consecutive seeds are written as count and first.
        Experiment plain;
        plain.name = "plain";
        plain.directory = "/exp/plain";
        plain.seeds = {4, 5, 6, 7};
        const std::string text = experimentToToml(plain);
        QVERIFY2(text.find("count = 4\nfirst = 4\n") != std::string::npos, text.c_str());
        QVERIFY2(text.find("[data]") == std::string::npos, text.c_str());
        compareExperiments(parseExperiment(text, "/elsewhere/plain.toml"), plain);

        // The template, read, written and read again: the same experiment.
        const Experiment fromTemplate =
            parseExperiment(experimentTemplate("example", "airbench94_muon"), "/exp/example.toml");
        compareExperiments(parseExperiment(experimentToToml(fromTemplate), "/x/y.toml"),
                           fromTemplate);

        plain.seeds.clear();
        QVERIFY_THROWS_EXCEPTION(ExperimentError, experimentToToml(plain));
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
        QVERIFY(refusal("[fixed]\nepoch = 3\n")
                    .startsWith("/exp/sweep.toml:2:1: key 'epoch': is not a knob"));
        QVERIFY(refusal("[fixed]\nepochs = \"3\"\n")
                    .contains(":2:10: key 'epochs': must be a number in [1e-04, 1000]"));
        QVERIFY(refusal("[fixed]\nepochs = 5000\n")
                    .contains("key 'epochs': must be a number in [1e-04, 1000], got 5000"));
        QVERIFY(refusal("[fixed]\nbatch_size = 2.5\n")
                    .contains("key 'batch_size': must be an integer"));
        QVERIFY(refusal("[fixed]\nhead_lr = 0.5\n")
                    .contains("key 'head_lr': is not a knob of airbench94"));
        QVERIFY(refusal("[fixed]\nseed = 1\n")
                    .contains("key 'seed': is a run setting: put it in [run]"));
        QVERIFY(
            refusal("[sweep]\nepochs = 3\n").contains("key 'epochs': must be a non-empty list"));
        QVERIFY(refusal("[sweep]\nepochs = []\n").contains("must be a non-empty list"));
        QVERIFY(refusal("[zip]\nepochs = [1, 2]\ncutout = [0]\n")
                    .contains(":3:10: key 'cutout': has 1 values; the zipped lists must be equally "
                              "long (epochs has 2)"));
        QVERIFY(refusal("[fixed]\nepochs = 2\n[sweep]\nepochs = [1, 2]\n")
                    .contains("key 'epochs': is both fixed and swept"));
        QVERIFY(refusal("[sweep]\nepochs = [1]\n[zip]\nepochs = [2]\n").contains("is swept twice"));
        QVERIFY(refusal("[run]\nseed = 3\n").contains("key 'seed': is not a [run] setting"));
        QVERIFY(refusal("[run]\ndevice = \"tpu\"\n")
                    .contains("key 'device': must be auto, cpu or cuda"));
        QVERIFY(refusal("[seeds]\ncount = 0\n").contains("key 'count': must be in [1, 100000]"));
        QVERIFY(refusal("[seeds]\nlist = [1, 1]\n").contains("lists seed 1 twice"));
        QVERIFY(refusal("[data]\nsize = 3\n").contains("key 'size': is not a [data] setting"));
        QVERIFY(refusal("recipe = \"airbench99\"\n")
                    .contains("key 'recipe': unknown recipe 'airbench99'"));
        QVERIFY(refusal("name = \"a/b\"\n").contains("key 'name': must be a non-empty name"));
        // Not TOML at all: the parser's own message, with the place.
        QVERIFY(refusal("[fixed\n").startsWith("/exp/sweep.toml:1:"));
        QVERIFY_THROWS_EXCEPTION(ExperimentError, readExperimentFile("/nonexistent/x.toml"));
    }

    void theTemplateIsAValidExperiment() {
        for (const Recipe& r : recipes()) {
            const Experiment e =
                parseExperiment(experimentTemplate("example", r.name), "/exp/example.toml");
            QCOMPARE(e.recipe, r.name);
            QCOMPARE(e.seeds.size(), size_t(5));
            QCOMPARE(e.grid.size(), size_t(1));
            QCOMPARE(e.retries, 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestExperimentFile)
#include "test_experiment_file.moc"
