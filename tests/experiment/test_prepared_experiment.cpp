// Preparing an experiment (what `experiment run`, `submit` and the GUI's Experiments tab do
// first) on real CIFAR-10: the file read, the data loaded, the trials expanded over it and the
// manifest written with a copy of the file; a mask of other data refused.

#include <airbench/experiment_status.h>
#include <airbench/prepared_experiment.h>
#include <airbench/trial_store.h>

#include "support/test_data.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench;

namespace {

void write(const QString& path, const QString& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text.toUtf8());
}

}  // namespace

class TestPreparedExperiment : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;

private Q_SLOTS:
    void writesTheManifestOverTheData() {
        AIRBENCH_REQUIRE_CIFAR();
        const QString file = tmp_.filePath("prep.toml");
        write(file, QString("[data]\npath = \"%1\"\ntrain_subset = 512\ntest_subset = 200\n"
                            "[sweep]\nlearning_rate = [8.0, 11.5]\n[seeds]\ncount = 3\n")
                        .arg(QString::fromStdString(test::cifarDir())));
        Runner runner;
        const PreparedExperiment p = prepareExperiment(file.toStdString(), runner);
        QCOMPARE(p.experiment.name, std::string("prep"));
        QCOMPARE(p.trials.size(), size_t(6));
        QCOMPARE(p.data->train.size(), int64_t(512));
        QVERIFY(p.dataSeconds >= 0);

        TrialStore store(p.experiment.directory);
        QCOMPARE(QString::fromStdString(store.directory()), tmp_.filePath("prep"));
        const Manifest m = store.manifest();
        QCOMPARE(m.datasetHash, p.data->hash);
        QCOMPARE(m.trials.size(), size_t(6));
        QCOMPARE(m.trials[5].id, p.trials[5].id);
        QCOMPARE(statusOf(store).queued, 6);
        QVERIFY(QFile::exists(tmp_.filePath("prep/experiment.toml")));

        // Again, with the data at hand: the same trials.
        const PreparedExperiment again = prepareExperiment(file.toStdString(), runner);
        QCOMPARE(again.trials[3].id, p.trials[3].id);
    }

    void aMaskOfOtherDataIsRefused() {
        AIRBENCH_REQUIRE_CIFAR();
        Mask mask = maskRandom(512, 0.5, 1, "half");
        mask.setDatasetHash("not-these-examples");
        const QString maskPath = tmp_.filePath("half.mask");
        mask.save(maskPath.toStdString());
        const QString file = tmp_.filePath("masked.toml");
        write(file, QString("[data]\npath = \"%1\"\ntrain_subset = 512\nmasks = [\"%2\"]\n")
                        .arg(QString::fromStdString(test::cifarDir()), maskPath));
        Runner runner;
        QVERIFY_THROWS_EXCEPTION(ExperimentError, prepareExperiment(file.toStdString(), runner));
        QVERIFY(!TrialStore(tmp_.filePath("masked").toStdString()).hasManifest());
    }
};

QTEST_GUILESS_MAIN(TestPreparedExperiment)
#include "test_prepared_experiment.moc"
