// `airbench data get` and `airbench data import` end to end: the built binary, a local HTTP
// server, exit codes (0, 1, 2, 130), messages on stderr, and what is (not) left on disk.
// Every process gets XDG_DATA_HOME inside a temporary folder: no test touches ~/.local/share.

#include "dataio_fixtures.h"
#include "fixture_http_server.h"
#include "support/test_data.h"

#include <QDir>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>

using namespace airbench::test;

namespace {

struct Result {
    int code = -1;
    QString out, err;
};

}  // namespace

class TestDataioCli : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString dir_;
    QByteArray archive_;
    QString md5_;
    std::unique_ptr<FixtureHttpServer> server_;

    QProcessEnvironment environment() const {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_DATA_HOME", work_.path() + "/xdg");
        env.remove("AIRBENCH_DATA");
        // The CLI honours proxy variables; the local server must be reached directly.
        for (const char* proxy :
             {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}) {
            env.remove(proxy);
        }
        return env;
    }

    void start(QProcess& p, const QStringList& args) const {
        p.setProcessEnvironment(environment());
        p.start(qEnvironmentVariable("AIRBENCH_BIN_DIR") + "/airbench", args);
    }

    Result finish(QProcess& p) const {
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    Result cli(const QStringList& args) const {
        QProcess p;
        start(p, args);
        return finish(p);
    }

    QStringList get(const QString& target, const QString& path = "/cifar-10-binary.tar.gz",
                    const QString& md5 = {}) const {
        return {"data",
                "get",
                "cifar10",
                "--url",
                server_->url(path),
                "--md5",
                md5.isEmpty() ? md5_ : md5,
                "--dir",
                target};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(work_.isValid());
        const QString path = work_.path() + "/fixture.tar.gz";
        writeTar(path, cifarMembers("cifar-10-batches-bin/", 2, 30, 15));
        archive_ = readAll(path);
        md5_ = md5Hex(archive_);
        server_ = std::make_unique<FixtureHttpServer>();
        server_->serve("/cifar-10-binary.tar.gz", archive_);
        const Result help = cli({"data", "--help"});
        if (!help.out.contains("get") || !help.out.contains("import")) {
            QFAIL(
                "`airbench data --help` lists no get/import: main.cpp must add "
                "addDataIoCommands(*data) to its commands when AIRBENCH_WITH_DATAIO is defined");
        }
    }

    void init() {
        dir_ = work_.path() + "/" + QTest::currentTestFunction();
        QDir().mkpath(dir_);
        server_->setBehaviour({});
    }

    void getInstallsAndDataInfoReadsIt() {
        const QString target = dir_ + "/cifar";
        Result r = cli(get(target));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("CIFAR-10 installed at " + target), qPrintable(r.out));
        // stderr is not a terminal here: one line per stage, no redrawn progress line.
        QVERIFY2(r.err.contains("downloading " + server_->url("/cifar-10-binary.tar.gz")) &&
                     r.err.contains("verifying") && !r.err.contains('\r'),
                 qPrintable(r.err));
        QCOMPARE(listTree(dir_).filter(QRegularExpression("^[^/]*$")), QStringList{"cifar"});

        r = cli({"data", "info", "--json", "--data", target});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("\"examples\": 60"));

        r = cli(get(target));
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("already at"), qPrintable(r.out));
    }

    void wrongMd5ExitsOneAndLeavesNothing() {
        const QString wrong = QString(32, '0');
        const Result r = cli(get(dir_ + "/cifar", "/cifar-10-binary.tar.gz", wrong));
        QCOMPARE(r.code, 1);
        QVERIFY2(
            r.err.contains("airbench: error:") && r.err.contains(wrong) && r.err.contains(md5_),
            qPrintable(r.err));
        QCOMPARE(listTree(dir_), QStringList());
    }

    void unreachableUrlExitsOneNamingTheUrl() {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const QString url =
            QString("http://127.0.0.1:%1/cifar-10-binary.tar.gz").arg(probe.serverPort());
        probe.close();
        const Result r = cli({"data", "get", "cifar10", "--url", url, "--dir", dir_ + "/cifar"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(url) && r.err.contains("airbench data import FILE"),
                 qPrintable(r.err));
        QCOMPARE(listTree(dir_), QStringList());
    }

    void badOptionsExitTwo() {
        QCOMPARE(cli({"data", "get", "cifar10", "--md5", "xyz"}).code, 2);
        QCOMPARE(cli({"data", "get", "mnist"}).code, 2);
        QCOMPARE(cli({"data", "import", dir_, "--dir", dir_ + "/a", "--name", "b"}).code, 2);
    }

    void ctrlCStopsTheDownloadAndTheNextRunResumes() {
        server_->setBehaviour({true, -1, 4096, 25});  // ~1.5 s
        const QString target = dir_ + "/cifar";
        QProcess p;
        start(p, get(target));
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(target + ".download.part").size() > 10000, 20000);
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        const Result r = finish(p);
        QCOMPARE(r.code, 130);
        QVERIFY2(r.err.contains("interrupted") && r.err.contains("resume"), qPrintable(r.err));
        QCOMPARE(listTree(dir_), QStringList{"cifar.download.part"});

        server_->setBehaviour({});
        const Result again = cli(get(target));
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QVERIFY2(again.err.contains("resumed after"), qPrintable(again.err));
        QVERIFY(server_->log().last().contains("-> 206"));
        QCOMPARE(listTree(dir_).filter(QRegularExpression("^[^/]*$")), QStringList{"cifar"});
    }

    void importsAnImageFolderOnceThenReusesIt() {
        writeImageFolder(dir_ + "/shapes", {"square", "circle"}, 20, 5);
        Result r = cli({"data", "import", dir_ + "/shapes"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("image-folder") &&
                     r.out.contains(work_.path() +
                                    "/xdg/airbench-workbench/cache/image-folders/shapes-"),
                 qPrintable(r.out));
        r = cli({"data", "import", dir_ + "/shapes"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("already converted"), qPrintable(r.out));
        const QString path = r.out.section("--data ", 1).trimmed();
        r = cli({"data", "info", "--data", path});
        QVERIFY2(r.code == 0 && r.out.contains("circle") && r.out.contains("square"),
                 qPrintable(r.err));
    }

    void importsATarballIntoTheDefaultPlace() {
        writeFile(dir_ + "/cifar-10-binary.tar.gz", archive_);
        const Result r = cli({"data", "import", dir_ + "/cifar-10-binary.tar.gz"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString installed = work_.path() + "/xdg/airbench-workbench/cifar10";
        QVERIFY2(r.out.contains(installed), qPrintable(r.out));
        // Commands without --data now find it.
        const Result info = cli({"data", "info"});
        QVERIFY2(info.code == 0 && info.err.contains(installed), qPrintable(info.err));
    }

    void refusesThePickleLayout() {
        writeFile(dir_ + "/cifar-10-batches-py/data_batch_1", "pickle");
        const Result r = cli({"data", "import", dir_ + "/cifar-10-batches-py"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith("airbench: error:") && r.err.contains("binary layout"),
                 qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestDataioCli)
#include "test_dataio_cli.moc"
