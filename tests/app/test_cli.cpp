// The CLI as a user meets it: help, exit codes, errors on stderr, JSON for scripts.

#include "support/test_data.h"

#include <airbench/device.h>
#include <airbench/knobs.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest/QtTest>

namespace {

struct Result {
    int code = -1;
    QString out, err;
};

Result runCli(const QStringList& args, int timeoutMs = 300000) {
    QProcess p;
    const QString bin = qEnvironmentVariable("AIRBENCH_BIN_DIR") + "/airbench";
    p.start(bin, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helpAndVersion() {
        Result r = runCli({"--help"});
        QCOMPARE(r.code, 0);
        for (const char* sub : {"data", "recipes", "train", "bench", "bench-loader"}) {
            QVERIFY2(r.out.contains(sub), sub);
        }
        r = runCli({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("LibTorch"));
        // scripts/gpu-check reads whether a binary has the fused kernels from this line.
        QCOMPARE(r.out.contains(", fused kernels"), airbench::networkKernelsAvailable());
        r = runCli({"train", "--help"});
        QVERIFY(r.out.contains("--label-smoothing") && r.out.contains("--json"));
    }

    // `train --help` is generated from the knob table: every knob's flag is there (a flag knob
    // with its --no- form), and every other option is one of the command's own, listed here, so
    // a hyperparameter added by hand next to the table fails.
    void trainHelpListsExactlyTheKnobs() {
        const Result r = runCli({"train", "--help"});
        QCOMPARE(r.code, 0);
        QSet<QString> listed;
        const QRegularExpression option(QStringLiteral("(?:^|[\\s,])(--[a-z0-9][a-z0-9-]*)"));
        for (const QString& line : r.out.split('\n')) {
            if (!line.trimmed().startsWith('-')) {
                continue;  // only the option column, not the help texts that mention flags
            }
            const QString column = line.trimmed().section(QStringLiteral("  "), 0, 0);
            for (auto it = option.globalMatch(column); it.hasNext();) {
                listed.insert(it.next().captured(1));
            }
        }
        QSet<QString> expected = {"--help",         "--recipe",       "--config",     "--from-run",
                                  "--print-config", "--json",         "--save-model", "--mask",
                                  "--quiet",        "--no-record",    "--db",         "--data",
                                  "--dataset",      "--train-subset", "--test-subset"};
        for (const airbench::Knob& knob : airbench::knobs()) {
            const QString flag = QString::fromUtf8(knob.flag.data(), qsizetype(knob.flag.size()));
            expected.insert(flag);
            if (knob.type == airbench::KnobType::Flag) {
                expected.insert("--no-" + flag.mid(2));
            }
        }
        const QSet<QString> extra = listed - expected, missing = expected - listed;
        QVERIFY2(extra.isEmpty(), qPrintable("not in the knob table: " + extra.values().join(' ')));
        QVERIFY2(missing.isEmpty(),
                 qPrintable("missing from --help: " + missing.values().join(' ')));
    }

    void usageErrorsExitWithTwo() {
        Result r = runCli({"train", "--no-such-flag"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--no-such-flag"), qPrintable(r.err));
        r = runCli({"train", "--recipe", "airbench42"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("airbench42"), qPrintable(r.err));
        r = runCli({});
        QCOMPARE(r.code, 2);
    }

    void badDataExitsWithOneAndNamesThePath() {
        const Result r = runCli({"data", "info", "--data", "/nonexistent/cifar"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("/nonexistent/cifar") && r.err.startsWith("airbench: error:"),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void dataInfoJsonOnCifar() {
        AIRBENCH_REQUIRE_CIFAR();
        const Result r = runCli({"data", "info", "--json", "--data",
                                 QString::fromStdString(airbench::test::cifarDir())});
        QCOMPARE(r.code, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["name"].toString(), QString("CIFAR-10"));
        QCOMPARE(j["train"].toObject()["examples"].toInt(), 50000);
        QCOMPARE(j["test"].toObject()["per_class"].toArray()[3].toInt(), 1000);
        const double meanR = j["train"].toObject()["pixel_mean"].toArray()[0].toDouble();
        QVERIFY(std::abs(meanR - 125.307) < 1e-3);
        QCOMPARE(j["hash"].toString().size(), 64);
    }

    void scoreWritesCsvAndMaskThatTrainAccepts() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir tmp;
        const QString data = QString::fromStdString(airbench::test::cifarDir());
        const QStringList tiny = {"--data",        data,  "--train-subset", "512",
                                  "--test-subset", "200", "--width",        "0.125",
                                  "--batch-size",  "128", "--epochs",       "1",
                                  "--threads",     "1"};
        Result r = runCli(QStringList{"score", "--out", tmp.path() + "/s.csv", "--mask-out",
                                      tmp.path() + "/m.json", "--mask-keep", "0.5"} +
                          tiny);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile csv(tmp.path() + "/s.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(csv.readAll()).count('\n'), 2 + 512);
        r = runCli(QStringList{"train", "--mask", tmp.path() + "/m.json", "--json",
                               tmp.path() + "/run.json"} +
                   tiny);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("training on 256 of 512"), qPrintable(r.err));
        QFile json(tmp.path() + "/run.json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(j["config"].toObject()["mask"].toObject()["examples"].toInt(), 256);
        const QJsonObject run = j["runs"].toArray()[0].toObject();
        QVERIFY(run["tta_val_acc"].toDouble() >= 0 && run["tta_val_acc"].toDouble() <= 1);
        QVERIFY(j["summary"].toObject().contains("mean_tta_val_acc"));
        // A mask made for other data is refused with its reason.
        r = runCli(QStringList{"train", "--mask", tmp.path() + "/m.json", "--data", data,
                               "--train-subset", "600", "--epochs", "1"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("another dataset"), qPrintable(r.err));
    }

    void evaluateSavedNetworkByFileAndByRun() {
        AIRBENCH_REQUIRE_CIFAR();
        QTemporaryDir tmp;
        const QString data = QString::fromStdString(airbench::test::cifarDir());
        const QString db = tmp.path() + "/history.sqlite", model = tmp.path() + "/net.pt";
        const QStringList subsets = {"--data",        data,  "--train-subset", "512",
                                     "--test-subset", "200", "--threads",      "1"};
        Result r = runCli(QStringList{"train", "--width", "0.125", "--batch-size", "128",
                                      "--epochs", "1", "--save-model", model, "--db", db, "--json",
                                      tmp.path() + "/run.json"} +
                          subsets);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile json(tmp.path() + "/run.json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const double trained = QJsonDocument::fromJson(json.readAll())
                                   .object()["runs"]
                                   .toArray()[0]
                                   .toObject()["tta_val_acc"]
                                   .toDouble();

        // The saved network on the same test images at the recipe's TTA level gives the run's
        // own final accuracy, to the example.
        r = runCli(QStringList{"evaluate", "--model", model, "--tta", "2", "--json"} + subsets);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["recipe"].toString(), QString("airbench94"));
        const QJsonObject test = j["splits"].toObject()["test"].toObject();
        QCOMPARE(test["examples"].toInt(), 200);
        // (the run computes it in float32)
        QVERIFY2(std::abs(test["accuracy"].toDouble() - trained) < 1e-6,
                 qPrintable(QString::number(test["accuracy"].toDouble())));
        QCOMPARE(test["per_class"].toObject().size(), 10);

        // By run id: the run recorded its checkpoint; both splits, and the training set's scores.
        r = runCli(QStringList{"evaluate", "--run", "1", "--db", db, "--split", "both", "--tta",
                               "0", "--scores-out", tmp.path() + "/scores.csv", "--json"} +
                   subsets);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["model"].toString(), model);
        QCOMPARE(j["splits"].toObject()["train"].toObject()["examples"].toInt(), 512);
        QFile scores(tmp.path() + "/scores.csv");
        QVERIFY(scores.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(scores.readAll()).count('\n'), 2 + 512);

        // Errors name what is wrong: a run not in the history, a file that is no model.
        r = runCli({"evaluate", "--run", "7", "--db", db});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("run #7 is not in"), qPrintable(r.err));
        QFile junk(tmp.path() + "/junk.pt");
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a model");
        junk.close();
        r = runCli(QStringList{"evaluate", "--model", junk.fileName()} + subsets);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(junk.fileName()), qPrintable(r.err));
        r = runCli({"evaluate"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("--model"), qPrintable(r.err));
    }

    // bench --profile: the category table and the top rows on stdout and in the JSON. A trace is
    // written where the LibTorch has Kineto; elsewhere the command says so and exits with 1,
    // after printing and saving the profile.
    void benchProfilesTheTimedRun() {
        QTemporaryDir tmp;
        const QString json = tmp.path() + "/bench.json", trace = tmp.path() + "/trace.json";
        const Result r =
            runCli({"bench", "--synthetic", "--width", "0.25", "--batch-size", "256", "--steps",
                    "2", "--profile", "--profile-top", "5", "--trace", trace, "--json", json});
        const bool traced = QFile::exists(trace);
        QVERIFY2(traced ? r.code == 0 : (r.code == 1 && r.err.contains("could not save the trace")),
                 qPrintable(r.err));
        QVERIFY2(r.out.contains("category") && r.out.contains("convolution"), qPrintable(r.out));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject profile =
            QJsonDocument::fromJson(file.readAll()).object()["profile"].toObject();
        QCOMPARE(profile["steps"].toInt(), 2);
        QCOMPARE(profile["top"].toArray().size(), 5);
        bool conv = false;
        double share = 0;
        for (const QJsonValue& c : profile["categories"].toArray()) {
            conv = conv || c.toObject()["name"].toString() == "convolution";
            share += c.toObject()["share"].toDouble();
        }
        QVERIFY(conv);
        QVERIFY2(std::abs(share - 1) < 1e-6, qPrintable(QString::number(share)));
        QCOMPARE(profile["trace_error"].toString().isEmpty(), traced);
    }

    // --fused-norm and --compact-pool need CUDA kernels: a CPU build says so (once each), runs
    // the usual operations and still records that the options were asked for.
    void benchFusedKernelsOnCpuSayWhyTheyDidNotRun() {
        QTemporaryDir tmp;
        const QString json = tmp.path() + "/bench.json";
        const Result r = runCli({"bench", "--synthetic", "--width", "0.25", "--batch-size", "256",
                                 "--steps", "1", "--fused-norm", "--compact-pool", "--json", json});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.err.count("note: fused BatchNorm + GELU unavailable"), 1);
        QCOMPARE(r.err.count("note: compact max pooling unavailable"), 1);
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(j["fused_norm"].toBool() && j["compact_pool"].toBool());
        QCOMPARE(j["notes"].toArray().size(), 2);
        for (const QJsonValue& note : j["notes"].toArray()) {
            // "this build has no CUDA kernels", or "its kernels need a CUDA device".
            QVERIFY(note.toString().contains("unavailable (") && note.toString().contains("CUDA"));
        }
    }

    void recipesListsTheRegistry() {
        const Result r = runCli({"recipes", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonArray list = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QVERIFY(list.size() >= 3);
        QCOMPARE(list[0].toObject()["name"].toString(), QString("airbench94"));  // the default
        for (const auto& entry : list) {
            const QJsonObject r = entry.toObject();
            const double pflop = r["pflop"].toDouble(), ref = r["reference_pflop"].toDouble();
            QVERIFY2(std::abs(pflop - ref) / ref < 0.10, qPrintable(r["name"].toString()));
        }
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
