// The CLI as a user meets it: help, exit codes, errors on stderr, JSON for scripts.

#include "support/test_data.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
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
        r = runCli({"train", "--help"});
        QVERIFY(r.out.contains("--label-smoothing") && r.out.contains("--json"));
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

    void recipesListsTheRegistry() {
        const Result r = runCli({"recipes", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonArray list = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QVERIFY(list.size() >= 3);
        QCOMPARE(list[0].toObject()["name"].toString(), QString("airbench94"));
        QVERIFY(std::abs(list[0].toObject()["pflop"].toDouble() - 0.36) < 0.036);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
