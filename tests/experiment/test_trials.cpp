// Expanding an experiment into trials: the order, stable ids that change exactly when what a
// trial computes changes, and masks checked against the data.

#include <airbench/trials.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <set>

using namespace airbench;

namespace {

Experiment sweep(const std::string& extra = "") {
    return parseExperiment(R"(
[fixed]
epochs = 2
[sweep]
learning_rate = [8.0, 11.5]
batch_size = [256, 512]
[seeds]
count = 2
)" + extra,
                           "/exp/sweep.toml");
}

}  // namespace

class TestTrials : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyPointTimesEverySeedInOrder() {
        const auto trials = expandTrials(sweep(), "hash", 1000);
        QCOMPARE(trials.size(), size_t(8));
        // The grid's last key varies fastest, then the seeds within each point.
        QVERIFY(trials[0].swept == (KnobValues{{"learning_rate", 8.0}, {"batch_size", 256}}));
        QVERIFY(trials[2].swept == (KnobValues{{"learning_rate", 8.0}, {"batch_size", 512}}));
        QVERIFY(trials[4].swept == (KnobValues{{"learning_rate", 11.5}, {"batch_size", 256}}));
        QCOMPARE(trials[1].seed, uint64_t(1));
        QCOMPARE(trials[1].point, int64_t(0));
        QCOMPARE(trials[7].point, int64_t(3));
        for (size_t i = 0; i < trials.size(); ++i) {
            const Trial& t = trials[i];
            QCOMPARE(t.index, int64_t(i));
            QCOMPARE(t.config.run.runs, 1);
            QCOMPARE(t.config.run.seed, t.seed);
            QCOMPARE(t.config.overrides.at("epochs"), 2.0);
            QCOMPARE(t.config.overrides.at("learning_rate"), t.swept.at("learning_rate"));
            QCOMPARE(t.id.size(), size_t(16));
        }
        QCOMPARE(describePoint(trials[2]), std::string("batch_size=512, learning_rate=8"));
    }

    void idsChangeWithWhatATrialComputes() {
        const auto a = expandTrials(sweep(), "hash", 1000);
        const auto b = expandTrials(sweep(), "hash", 1000);
        std::set<std::string> ids;
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].id, b[i].id);  // stable
            ids.insert(a[i].id);
        }
        QCOMPARE(ids.size(), a.size());  // distinct
        // Other data: other trials.
        QVERIFY(expandTrials(sweep(), "other", 1000)[0].id != a[0].id);
        // Threads and the warm-up change how fast, not what: the same trials.
        QCOMPARE(expandTrials(sweep("[run]\nthreads = 2\nwarmup = \"off\"\n"), "hash", 1000)[0].id,
                 a[0].id);
        // The device may change the numbers: other trials.
        QVERIFY(expandTrials(sweep("[run]\ndevice = \"cpu\"\n"), "hash", 1000)[0].id != a[0].id);
        // A wider sweep keeps the trials it had and adds new ones.
        Experiment wider = sweep();
        wider.grid[0].values.push_back(14.0);
        const auto c = expandTrials(wider, "hash", 1000);
        QCOMPARE(c.size(), size_t(12));
        std::set<std::string> old(ids), now;
        for (const Trial& t : c) {
            now.insert(t.id);
        }
        for (const std::string& id : old) {
            QVERIFY(now.count(id));
        }
    }

    void masksAreCheckedAgainstTheData() {
        QTemporaryDir dir;
        Mask half = maskRandom(1000, 0.5, 1, "half");
        half.setDatasetHash("hash");
        const std::string path = (dir.path() + "/half.mask").toStdString();
        half.save(path);
        const Experiment e = parseExperiment("[data]\nmasks = [\"" + path + "\"]\n", "/exp/m.toml");
        const auto trials = expandTrials(e, "hash", 1000);
        QCOMPARE(trials.size(), size_t(1));
        QCOMPARE(trials[0].maskName, std::string("half"));
        QCOMPARE(trials[0].config.maskPath, path);
        // The same mask over other data: refused, naming where the file is named.
        QString message;
        try {
            expandTrials(e, "other", 1000);
        } catch (const ExperimentError& err) {
            message = err.what();
        }
        QVERIFY2(message.startsWith("/exp/m.toml:2:") && message.contains("key 'masks'") &&
                     message.contains(QString::fromStdString(path)),
                 qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestTrials)
#include "test_trials.moc"
