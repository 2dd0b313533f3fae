// Experiments on a real single-node Slurm cluster (support/slurm_cluster.h) with tiny CPU
// trials on real CIFAR-10: a sweep submitted as one job array completes and is collected once;
// array elements cancelled, requeued from outside or warned of their time limit leave no
// partial result and are completed by requeue or resubmit, with no trial twice; a failing trial
// is reported with its log while the others finish; status and report agree with the files.

#include "experiment/experiment_files.h"
#include "support/slurm_cluster.h"
#include "support/test_data.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest/QtTest>

#include <memory>

using namespace airbench;
using test::SlurmCluster;

namespace {

QString experimentText(const QString& name, const QString& batchSizes, double epochs, int retries) {
    return QString(R"(name = "%1"
[data]
path = "%2"
train_subset = 512
test_subset = 200
[fixed]
epochs = %3
width_multiplier = 0.0625
tta_level = 0
[sweep]
learning_rate = [8.0, 11.5]
batch_size = %4
[seeds]
count = 2
[run]
device = "cpu"
threads = 1
retries = %5
)")
        .arg(name, QString::fromStdString(test::cifarDir()))
        .arg(epochs)
        .arg(batchSizes)
        .arg(retries);
}

}  // namespace

using airbench::test::filesIn;
using airbench::test::temporaryFilesUnder;

class TestSlurmExperiment : public QObject {
    Q_OBJECT

    std::unique_ptr<SlurmCluster> cluster_;

    test::SlurmCommandResult airbench(const QStringList& args, int timeoutMs = 120000) {
        return cluster_->run(qEnvironmentVariable("AIRBENCH_BIN_DIR") + "/airbench", args,
                             timeoutMs);
    }
    QString write(const QString& name, const QString& text) {
        const QString path = cluster_->workDirectory() + "/" + name + ".toml";
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(text.toUtf8());
        return path;
    }
    QJsonObject status(const QString& dir) {
        const auto r = airbench({"experiment", "status", dir, "--json"});
        return QJsonDocument::fromJson(r.output.toUtf8()).object();
    }
    // Until nothing runs and Slurm lists no element of the experiment any more (or the
    // timeout): what is queued then stays queued until it is submitted again.
    QJsonObject waitUntilSettled(const QString& dir, int timeoutMs = 600000) {
        QElapsedTimer clock;
        clock.start();
        QJsonObject s;
        auto listedInSqueue = [](const QJsonObject& status) {
            for (const QJsonValue& submission : status["slurm"].toArray()) {
                if (!submission.toObject()["squeue"].toObject().isEmpty()) {
                    return true;
                }
            }
            return false;
        };
        do {
            QTest::qWait(1000);
            s = status(dir);
        } while ((s["running"].toInt() > 0 || listedInSqueue(s)) && clock.elapsed() < timeoutMs);
        return s;
    }
    // What to show when a count is off: the status and the elements' own output.
    QString explain(const QString& dir) {
        QString text = airbench({"experiment", "status", dir}).output;
        for (const QString& out : QDir(dir + "/slurm").entryList({"*.out"}, QDir::Files)) {
            QFile f(dir + "/slurm/" + out);
            f.open(QIODevice::ReadOnly);
            text += "--- " + out + "\n" + QString::fromUtf8(f.readAll().right(1500));
        }
        return text + cluster_->logTail(15);
    }
    QString jobIdOf(const test::SlurmCommandResult& submitted) {
        const auto match = QRegularExpression("job array (\\d+)").match(submitted.output);
        return match.captured(1);
    }
    QStringList elementsIn(const QString& job, const QString& state) {
        const auto r = cluster_->run("squeue", {"-h", "--array", "-j", job, "-o", "%i %T"});
        QStringList found;
        for (const QString& line : r.output.split('\n', Qt::SkipEmptyParts)) {
            const QStringList parts = line.split(' ');
            if (parts.size() == 2 && parts[1] == state) {
                found << parts[0];
            }
        }
        return found;
    }

private Q_SLOTS:
    void initTestCase() {
        AIRBENCH_REQUIRE_CIFAR();
        cluster_ = std::make_unique<SlurmCluster>();
        AIRBENCH_REQUIRE_SLURM(*cluster_);
    }
    void cleanupTestCase() { cluster_.reset(); }

    void aSweepSubmittedAsOneArrayCompletesAndIsCollectedOnce() {
        const QString file = write("sweep", experimentText("sweep", "[128, 256]", 1, 2));
        const QString dir = cluster_->workDirectory() + "/sweep";
        const auto submitted = airbench({"experiment", "submit", file, "--slurm", "--partition",
                                         cluster_->partition(), "--trials-per-task", "2"});
        QVERIFY2(submitted.ok(), qPrintable(submitted.describe()));
        QVERIFY2(submitted.output.contains("submitted 8 trials") &&
                     submitted.output.contains("4 elements"),
                 qPrintable(submitted.output));
        const QJsonObject s = waitUntilSettled(dir);
        QVERIFY2(s["done"].toInt() == 8, qPrintable(explain(dir)));
        QCOMPARE(filesIn(dir + "/results", "*.json"), 8);
        QCOMPARE(temporaryFilesUnder(dir), 0);
        const QString db = cluster_->workDirectory() + "/history.sqlite";
        auto collected = airbench({"experiment", "collect", dir, "--db", db});
        QVERIFY2(collected.output.contains("collected 8 new runs"),
                 qPrintable(collected.describe()));
        collected = airbench({"experiment", "collect", dir, "--db", db});
        QVERIFY(collected.output.contains("collected 0 new runs") &&
                collected.output.contains("8 already there"));
        // The report counts what the files hold.
        const auto report = airbench({"experiment", "report", dir, "--json"});
        const QJsonObject r = QJsonDocument::fromJson(report.output.toUtf8()).object();
        QCOMPARE(r["done"].toInt(), 8);
        QCOMPARE(r["points"].toArray().size(), 4);
    }

    // Element 0 cancelled, element 1 requeued from outside, element 2 warned with USR1 (what
    // Slurm sends before the time limit): none leaves a partial result; the requeued and
    // warned ones finish by themselves; resubmit finishes the cancelled one.
    void killedAndRequeuedElementsLeaveNoPartialResult() {
        const QString file = write("killed", experimentText("killed", "[128]", 8, 2));
        const QString dir = cluster_->workDirectory() + "/killed";
        const auto submitted = airbench({"experiment", "submit", file, "--slurm", "--partition",
                                         cluster_->partition(), "--trials-per-task", "1"});
        QVERIFY2(submitted.ok(), qPrintable(submitted.describe()));
        const QString job = jobIdOf(submitted);
        QVERIFY(!job.isEmpty());
        // Until the first two elements run and hold their trials.
        QElapsedTimer clock;
        clock.start();
        while (filesIn(dir + "/claims", "*.json") < 2 && clock.elapsed() < 120000) {
            QTest::qWait(300);
        }
        QVERIFY2(filesIn(dir + "/claims", "*.json") >= 2, qPrintable(cluster_->logTail()));
        QTest::qWait(1000);
        QVERIFY(cluster_->run("scancel", {job + "_0"}).ok());
        QVERIFY(cluster_->run("scontrol", {"requeue", job + "_1"}).ok());
        // The third element: warned as before its time limit, once its trial runs.
        clock.restart();
        const QString output = dir + "/slurm/1_" + job + "_2.out";
        auto trialStarted = [&output] {
            QFile f(output);
            return f.open(QIODevice::ReadOnly) && f.readAll().contains("attempt");
        };
        while (!trialStarted() && clock.elapsed() < 180000) {
            QTest::qWait(200);
        }
        QVERIFY2(trialStarted(), qPrintable(explain(dir)));
        QVERIFY(cluster_->run("scancel", {"--signal=USR1", "--batch", job + "_2"}).ok());

        QJsonObject s = waitUntilSettled(dir);
        // The requeued and warned ones finished again.
        QVERIFY2(s["done"].toInt() == 3, qPrintable(explain(dir)));
        QCOMPARE(s["queued"].toInt(), 1);  // the cancelled one: no result, no live claim
        QCOMPARE(filesIn(dir + "/results", "*.json"), 3);
        QCOMPARE(temporaryFilesUnder(dir), 0);
        const auto resubmitted =
            airbench({"experiment", "resubmit", dir, "--partition", cluster_->partition()});
        QVERIFY2(resubmitted.output.contains("submitted 1 trials"),
                 qPrintable(resubmitted.describe()));
        s = waitUntilSettled(dir);
        QCOMPARE(s["done"].toInt(), 4);
        QCOMPARE(filesIn(dir + "/results", "*.json"), 4);  // each trial once
        // The warned element requeued itself: its output says so.
        bool requeuedItself = false;
        for (const QString& out : QDir(dir + "/slurm").entryList({"1_*_2.out"}, QDir::Files)) {
            QFile f(dir + "/slurm/" + out);
            f.open(QIODevice::ReadOnly);
            requeuedItself = requeuedItself || f.readAll().contains("requeueing");
        }
        QVERIFY(requeuedItself);
    }

    void aFailingTrialIsReportedWhileTheOthersFinish() {
        const QString file = write("failing", experimentText("failing", "[128, 1024]", 1, 0));
        const QString dir = cluster_->workDirectory() + "/failing";
        const auto submitted = airbench({"experiment", "submit", file, "--slurm", "--partition",
                                         cluster_->partition(), "--trials-per-task", "4"});
        QVERIFY2(submitted.ok(), qPrintable(submitted.describe()));
        const QJsonObject s = waitUntilSettled(dir);
        QCOMPARE(s["done"].toInt(), 4);
        QCOMPARE(s["failed"].toInt(), 4);
        const QJsonObject failed = s["failed_trials"].toArray()[0].toObject();
        const QJsonObject attempt =
            failed["failures"].toObject()["attempts"].toArray()[0].toObject();
        QVERIFY(attempt["error"].toString().contains("fewer than one batch"));
        QVERIFY(attempt["log"].toString().contains("seed"));
        // The report agrees: four results, the failing points without runs.
        const auto report = airbench({"experiment", "report", dir, "--json"});
        const QJsonObject r = QJsonDocument::fromJson(report.output.toUtf8()).object();
        QCOMPARE(r["done"].toInt(), 4);
        QCOMPARE(r["failed"].toInt(), 4);
    }
};

QTEST_GUILESS_MAIN(TestSlurmExperiment)
#include "test_slurm_experiment.moc"
