// An experiment run on this machine through the CLI, end to end with tiny CPU trials on real
// CIFAR-10: two workers, a report, an idempotent collect, a rerun that resumes, a wider sweep
// that runs only its new points, a failing trial, and a worker killed with SIGKILL mid-trial.

#include <airbench/experiment_report.h>
#include <airbench/history.h>

#include "experiment/experiment_files.h"
#include "support/test_data.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <signal.h>

using namespace airbench;

namespace {

struct Result {
    int code = -1;
    QString out, err;
};

Result cli(const QStringList& args, int timeoutMs = 600000) {
    QProcess p;
    p.start(qEnvironmentVariable("AIRBENCH_BIN_DIR") + "/airbench", args);
    Result r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QJsonObject json(const Result& r) {
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

// 512 training and 200 test images at width 0.0625, one epoch of 4 steps: a trial in seconds.
QString experimentText(const QString& learningRates, const QString& batchSizes = "[128]",
                       double epochs = 1) {
    return QString(R"(name = "tiny"
[data]
path = "%1"
train_subset = 512
test_subset = 200
[fixed]
epochs = %2
width_multiplier = 0.0625
tta_level = 0
[sweep]
learning_rate = %3
batch_size = %4
[seeds]
count = 2
[run]
device = "cpu"
threads = 1
retries = 1
)")
        .arg(QString::fromStdString(test::cifarDir()))
        .arg(epochs)
        .arg(learningRates, batchSizes);
}

void write(const QString& path, const QString& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text.toUtf8());
}

}  // namespace

using airbench::test::filesIn;
using airbench::test::temporaryFilesUnder;

class TestLocalExperiment : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString file_, results_;

private Q_SLOTS:
    void initTestCase() {
        file_ = tmp_.filePath("tiny.toml");
        results_ = tmp_.filePath("tiny");
    }

    void runsReportsAndCollects() {
        AIRBENCH_REQUIRE_CIFAR();
        write(file_, experimentText("[8.0, 11.5]"));
        Result r = cli({"experiment", "run", file_, "--workers", "2"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(filesIn(results_ + "/results", "*.json"), 4);
        QCOMPARE(filesIn(results_ + "/claims", "*"), 0);
        QCOMPARE(temporaryFilesUnder(results_), 0);

        r = cli({"experiment", "status", results_, "--json"});
        QCOMPARE(json(r)["done"].toInt(), 4);
        QCOMPARE(json(r)["queued"].toInt(), 0);

        r = cli({"experiment", "report", results_, "--json"});
        const QJsonObject report = json(r);
        QCOMPARE(report["done"].toInt(), 4);
        const QJsonArray points = report["points"].toArray();
        QCOMPARE(points.size(), 2);
        for (const QJsonValue& p : points) {
            QCOMPARE(p.toObject()["tta_val_acc"].toObject()["runs"].toInt(), 2);
        }
        QVERIFY(!report["best_point"].isNull());
        r = cli({"experiment", "report", results_, "--csv"});
        QCOMPARE(r.out.count('\n'), 3);

        const QString db = tmp_.filePath("history.sqlite");
        r = cli({"experiment", "collect", results_, "--db", db});
        QVERIFY2(r.out.contains("collected 4 new runs"), qPrintable(r.out + r.err));
        r = cli({"experiment", "collect", results_, "--db", db});
        QVERIFY2(r.out.contains("collected 0 new runs") && r.out.contains("4 already there"),
                 qPrintable(r.out));
        history::Database history(db.toStdString());
        QCOMPARE(history.countRuns(), int64_t(4));
        const auto runs = history.runs();
        QCOMPARE(runs[0].tags, std::vector<std::string>{"experiment:tiny"});
        QCOMPARE(history.groups().size(), size_t(2));  // one per learning rate

        // The library's view of the same: every trial's accuracy, each point's swept values,
        // and each trial's run found in the history by the uid collect gave it.
        const TrialStore store(results_.toStdString());
        const Manifest manifest = store.manifest();
        const ExperimentReport library = reportOf(store);
        QCOMPARE(library.trials.size(), size_t(4));
        QCOMPARE(library.points.size(), size_t(2));
        QCOMPARE(library.points[1].swept.at("learning_rate"), 11.5);
        for (size_t i = 0; i < manifest.trials.size(); ++i) {
            QVERIFY(library.trials[i].accuracy > 0 && library.trials[i].seconds > 0);
            const int64_t id = historyIdOfTrial(history, "tiny", manifest.trials[i].id);
            QVERIFY(id > 0);
            QCOMPARE(history.run(id)->uid, trialRunUid("tiny", manifest.trials[i].id));
            QCOMPARE(history.run(id)->ttaValAccuracy, library.trials[i].accuracy);
        }
        QCOMPARE(historyIdOfTrial(history, "other", manifest.trials[0].id), int64_t(0));
    }

    void aRerunResumesAndAWiderSweepRunsOnlyItsNewPoints() {
        AIRBENCH_REQUIRE_CIFAR();
        const QFileInfo before(results_ + "/results");
        const QStringList finished = QDir(results_ + "/results").entryList(QDir::Files);
        Result r = cli({"experiment", "run", file_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("4 done before"), qPrintable(r.err));
        QCOMPARE(QDir(results_ + "/results").entryList(QDir::Files), finished);

        write(file_, experimentText("[8.0, 11.5, 14.0]"));
        r = cli({"experiment", "run", file_, "--workers", "2"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("6 trials") && r.err.contains("4 done before"), qPrintable(r.err));
        QCOMPARE(filesIn(results_ + "/results", "*.json"), 6);
    }

    // A batch larger than the training set: those trials fail (after their retry), with their
    // log; the others finish.
    void aFailingTrialIsReportedWithItsLog() {
        AIRBENCH_REQUIRE_CIFAR();
        const QString file = tmp_.filePath("failing.toml");
        write(file, experimentText("[8.0]", "[128, 1024]")
                        .replace("name = \"tiny\"", "name = \"failing\""));
        Result r = cli({"experiment", "run", file});
        QCOMPARE(r.code, 1);
        r = cli({"experiment", "status", tmp_.filePath("failing"), "--json"});
        const QJsonObject status = json(r);
        QCOMPARE(status["done"].toInt(), 2);
        QCOMPARE(status["failed"].toInt(), 2);
        const QJsonObject failed = status["failed_trials"].toArray()[0].toObject();
        const QJsonArray attempts = failed["failures"].toObject()["attempts"].toArray();
        QCOMPARE(attempts.size(), 2);  // the first try and its one retry
        QVERIFY2(attempts[0].toObject()["error"].toString().contains("fewer than one batch"),
                 qPrintable(attempts[0].toObject()["error"].toString()));
        r = cli({"experiment", "status", tmp_.filePath("failing")});
        QVERIFY(r.out.contains("failed: trial") && r.out.contains("batch_size=1024"));
    }

    // SIGKILL of a worker mid-trial: no partial result; the trial is tried again and finishes;
    // nothing is duplicated.
    void aWorkerKilledMidTrialCostsOnlyAnAttempt() {
        AIRBENCH_REQUIRE_CIFAR();
        const QString file = tmp_.filePath("killed.toml");
        const QString dir = tmp_.filePath("killed");
        write(file,
              experimentText("[8.0]", "[128]", 6).replace("name = \"tiny\"", "name = \"killed\""));
        QProcess run;
        run.start(qEnvironmentVariable("AIRBENCH_BIN_DIR") + "/airbench",
                  {"experiment", "run", file});
        // Wait until a worker holds a trial, then kill it.
        qint64 victim = 0;
        QString trial;
        QElapsedTimer clock;
        clock.start();
        while (victim == 0 && clock.elapsed() < 300000) {
            QTest::qWait(200);
            const QStringList claims = QDir(dir + "/claims").entryList({"*.json"}, QDir::Files);
            if (!claims.isEmpty()) {
                QFile c(dir + "/claims/" + claims.first());
                if (c.open(QIODevice::ReadOnly)) {
                    victim = QJsonDocument::fromJson(c.readAll()).object()["pid"].toInteger();
                    trial = claims.first().chopped(5);
                }
            }
        }
        QVERIFY(victim > 0);
        QTest::qWait(1500);  // into the trial
        QCOMPARE(::kill(pid_t(victim), SIGKILL), 0);
        QVERIFY(run.waitForFinished(600000));
        QCOMPARE(run.exitCode(), 0);
        QVERIFY2(QString::fromUtf8(run.readAllStandardError()).contains("died mid-trial"), "");
        QCOMPARE(filesIn(dir + "/results", "*.json"), 2);
        QCOMPARE(temporaryFilesUnder(dir), 0);
        QFile failures(dir + "/failures/" + trial + ".json");
        QVERIFY(failures.open(QIODevice::ReadOnly));
        const QJsonArray attempts =
            QJsonDocument::fromJson(failures.readAll()).object()["attempts"].toArray();
        QCOMPARE(attempts.size(), 1);
        QVERIFY(attempts[0].toObject()["error"].toString().contains("killed by signal 9"));
        QFile result(dir + "/results/" + trial + ".json");
        QVERIFY(result.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(result.readAll()).object()["attempt"].toInt(), 2);
    }
};

QTEST_GUILESS_MAIN(TestLocalExperiment)
#include "test_local_experiment.moc"
