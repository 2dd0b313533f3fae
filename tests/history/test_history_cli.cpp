// The CLI and the history: `airbench train` records every run (--db, $AIRBENCH_HISTORY_DB,
// --no-record), Ctrl-C records a cancelled run, and `airbench runs` lists, shows, groups, tags,
// annotates, exports, imports and deletes them.

#include <airbench/history.h>

#include "history_test_support.h"
#include "support/test_data.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest/QtTest>

#include <csignal>

using namespace airbench::history;

namespace {

struct Result {
    int code = -1;
    QString out, err;
};

QString airbenchBinary() {
    return qEnvironmentVariable("AIRBENCH_BIN_DIR") + "/airbench";
}

Result runCli(const QStringList& args,
              const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(airbenchBinary(), args);
    if (!p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QJsonObject jsonOf(const Result& r) {
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

// CIFAR-10 when present, else Debian's Fashion-MNIST; "" when neither.
QString trainingData() {
    if (!airbench::test::cifarDir().empty()) {
        return QString::fromStdString(airbench::test::cifarDir());
    }
    return QString::fromStdString(airbench::test::fashionDir());
}

QStringList tinyTraining(const QString& data, const QString& epochs = "1") {
    return {"train",         "--data",   data,      "--train-subset", "1024",
            "--test-subset", "200",      "--width", "0.125",          "--batch-size",
            "256",           "--epochs", epochs,    "--threads",      "1"};
}

#define REQUIRE_TRAINING_DATA()                                                         \
    const QString data = trainingData();                                                \
    if (data.isEmpty())                                                                 \
        QSKIP(("neither CIFAR-10 (" + airbench::test::whereCifarWasSought() +           \
               ") nor Fashion-MNIST (" + airbench::test::whereFashionWasSought() + ")") \
                  .c_str());

}  // namespace

class TestHistoryCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void trainRecordsEveryRunAndRunsListsThem() {
        REQUIRE_TRAINING_DATA();
        QTemporaryDir dir;
        const QString db = dir.filePath("history.sqlite"), json = dir.filePath("out.json"),
                      model = dir.filePath("last.model");
        Result r =
            runCli(tinyTraining(data) + QStringList{"--runs", "2", "--seed", "10", "--db", db,
                                                    "--json", json, "--save-model", model});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("recorded 2 runs"), qPrintable(r.err));

        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray trained =
            QJsonDocument::fromJson(file.readAll()).object()["runs"].toArray();
        r = runCli({"runs", "--json", "--db", db});
        QCOMPARE(r.code, 0);
        const QJsonObject listing = jsonOf(r);
        QCOMPARE(listing["total"].toInt(), 2);
        const QJsonArray runs = listing["runs"].toArray();
        QCOMPARE(runs.size(), 2);
        for (const QJsonValue& v : runs) {
            const QJsonObject run = v.toObject();
            const int seed = run["seed"].toInt();
            const QJsonObject same = trained[seed - 10].toObject();
            QCOMPARE(run["status"].toString(), QString("finished"));
            QCOMPARE(run["tta_val_acc"].toDouble(), same["tta_val_acc"].toDouble());
            QCOMPARE(run["val_acc"].toDouble(), same["val_acc"].toDouble());
            QVERIFY(run["tta_val_acc"].toDouble() > 0.05);
            QCOMPARE(run["epochs_done"].toInt(), 1);
            QCOMPARE(run["config"].toObject()["seed"].toInt(), seed);  // the run's own seed
            QCOMPARE(run["config"].toObject()["batch_size"].toInt(), 256);
            QCOMPARE(run["dataset"].toObject()["hash"].toString(),
                     run["config"].toObject()["dataset"].toObject()["hash"].toString());
            QVERIFY(!run["software_version"].toString().isEmpty());
        }

        // The library sees the same, with the checkpoint registered on the last run.
        Database history(db.toStdString());
        const std::vector<RunRecord> records = history.runs();
        QCOMPARE(records[0].seed, uint64_t(11));
        const std::vector<Artifact> files = history.artifacts(records[0].id);
        QCOMPARE(files.size(), size_t(1));
        QCOMPARE(files[0].kind, std::string("checkpoint"));
        QCOMPARE(QString::fromStdString(files[0].path), QFileInfo(model).absoluteFilePath());
        QVERIFY(history.steps(records[0].id).size() == 4);  // 1024 / 256 steps, all kept

        r = runCli({"runs", "--db", db});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.count("finished"), 2);
        r = runCli({"runs", "show", QString::number(records[0].id), "--db", db});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("checkpoint: ") && r.out.contains("train_loss"), qPrintable(r.out));
        r = runCli({"runs", "groups", "--json", "--db", db});
        QCOMPARE(r.code, 0);
        const QJsonArray groups = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(groups.size(), 1);
        QCOMPARE(groups[0].toObject()["runs"].toInt(), 2);
        QCOMPARE(groups[0].toObject()["tta_val_acc"].toObject()["count"].toInt(), 2);
    }

    void noRecordRecordsNothingAndTheEnvironmentPicksTheFile() {
        REQUIRE_TRAINING_DATA();
        QTemporaryDir dir;
        const QString explicitDb = dir.filePath("explicit.sqlite"),
                      envDb = dir.filePath("env.sqlite");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("AIRBENCH_HISTORY_DB", envDb);
        Result r = runCli(tinyTraining(data) + QStringList{"--no-record", "--db", explicitDb}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runCli(tinyTraining(data) + QStringList{"--no-record"}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(!QFile::exists(explicitDb));
        QVERIFY(!QFile::exists(envDb));
        QVERIFY(!r.err.contains("recorded"));

        r = runCli(tinyTraining(data), env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(envDb));
        r = runCli({"runs", "--json"}, env);
        QCOMPARE(jsonOf(r)["total"].toInt(), 1);
    }

    void interruptRecordsACancelledRun() {
        REQUIRE_TRAINING_DATA();
        QTemporaryDir dir;
        const std::string db = dir.filePath("history.sqlite").toStdString();
        QProcess train;
        train.setProcessChannelMode(QProcess::MergedChannels);
        train.start(
            airbenchBinary(),
            tinyTraining(data, "30") + QStringList{"--db", QString::fromStdString(db), "--quiet"});
        QVERIFY(train.waitForStarted());
        QElapsedTimer clock;
        clock.start();
        for (;;) {
            QVERIFY2(train.state() == QProcess::Running, "train ended early");
            QVERIFY(clock.elapsed() < 240000);
            QThread::msleep(100);
            if (QFile::exists(QString::fromStdString(db))) {
                const auto runs = Database(db).runs();
                if (!runs.empty() && runs[0].epochsDone >= 1) {
                    break;
                }
            }
        }
        ::kill(static_cast<pid_t>(train.processId()), SIGINT);  // Ctrl-C
        QVERIFY(train.waitForFinished(120000));
        QCOMPARE(train.exitStatus(), QProcess::NormalExit);
        QCOMPARE(train.exitCode(), 130);
        const RunRecord run = Database(db).runs().at(0);
        QCOMPARE(run.status, RunStatus::Cancelled);
        QVERIFY(run.epochsDone >= 1 && run.epochsDone < 30);
        QVERIFY(!run.finishedAt.empty());

        // It kept no network (no --save-model): evaluate says so, not "not in the history".
        const Result r = runCli({"evaluate", "--run", QString::number(run.id), "--db",
                                 QString::fromStdString(db), "--data", data});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("run #%1 kept no network").arg(run.id)),
                 qPrintable(r.err));
    }

    void badDatabaseFailsBeforeTraining() {
        QTemporaryDir dir;
        // A folder where the file should be: cannot be opened as a database.
        const Result r = runCli({"train", "--data", "/nonexistent", "--db", dir.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("history") && !r.err.contains("/nonexistent"), qPrintable(r.err));
    }

    void manageRunsFromTheCommandLine() {
        QTemporaryDir dir;
        const QString db = dir.filePath("h.sqlite"), other = dir.filePath("other.sqlite");
        const QString scores = dir.filePath("scores.csv");
        int64_t a, b;
        {
            Database history(db.toStdString());
            a = test::writeRun(history, test::sampleRecord(0), 2, 5, 0.93);
            b = test::writeRun(history, test::sampleRecord(1), 2, 5, 0.94);
        }
        QFile f(scores);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("index,score\n");
        f.close();
        const QString ida = QString::number(a), idb = QString::number(b);

        Result r = runCli({"runs", "tag", ida, "baseline", "lr-11.5", "--db", db});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.trimmed(), QString("baseline,lr-11.5"));
        r = runCli({"runs", "tag", ida, "lr-11.5", "--remove", "--db", db});
        QCOMPARE(r.out.trimmed(), QString("baseline"));
        QCOMPARE(runCli({"runs", "note", idb, "the good one", "--db", db}).code, 0);
        QCOMPARE(runCli({"runs", "artifact", idb, "scores", scores, "--db", db}).code, 0);
        r = runCli({"runs", "--tag", "baseline", "--json", "--db", db});
        QCOMPARE(jsonOf(r)["runs"].toArray().size(), 1);
        r = runCli({"runs", "--text", "GOOD", "--json", "--db", db});
        QCOMPARE(jsonOf(r)["runs"].toArray()[0].toObject()["notes"].toString(),
                 QString("the good one"));
        QCOMPARE(runCli({"runs", "--status", "bogus", "--db", db}).code, 2);

        // Export both as JSON, import into another history; CSV has a header and two rows.
        const QString exported = dir.filePath("runs.json"), csv = dir.filePath("runs.csv");
        QCOMPARE(runCli({"runs", "export", "--format", "json", "--out", exported, "--db", db}).code,
                 0);
        QCOMPARE(
            runCli({"runs", "export", ida, idb, "--format", "csv", "--out", csv, "--db", db}).code,
            0);
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        QCOMPARE(csvFile.readAll().count('\n'), 3);
        r = runCli({"runs", "import", exported, "--json", "--db", other});
        QCOMPARE(r.code, 0);
        QCOMPARE(jsonOf(r)["imported"].toArray().size(), 2);
        r = runCli({"runs", "import", exported, "--json", "--db", other});
        QCOMPARE(jsonOf(r)["skipped"].toInt(), 2);

        // Delete one run: its score file goes with it; unknown ids are an error.
        r = runCli({"runs", "delete", idb, "--db", db});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(!QFile::exists(scores));
        QCOMPARE(jsonOf(runCli({"runs", "--json", "--db", db}))["total"].toInt(), 1);
        r = runCli({"runs", "delete", "999", "--db", db});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("no run 999"));
        r = runCli({"runs", "show", "999", "--db", db});
        QCOMPARE(r.code, 1);
    }
};

QTEST_GUILESS_MAIN(TestHistoryCli)
#include "test_history_cli.moc"
