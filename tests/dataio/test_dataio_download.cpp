// The real download path against a local HTTP server: progress signals, MD5 check, resume with
// Range (and the fallback when a server answers 200), cancel, unreachable servers, and the
// whole `get` job (download, verify, extract, validate, rename) leaving nothing behind.

#include <airbench/dataio/download_job.h>
#include <airbench/dataio/fetch_job.h>
#include <airbench/dataset.h>

#include "dataio_fixtures.h"
#include "fixture_http_server.h"
#include "support/test_data.h"

#include <QDir>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::test;
using airbench::dataio::DatasetFetchJob;
using airbench::dataio::DownloadJob;

namespace {

constexpr int kWaitMs = 30000;

// A port nothing listens on: bound once, then released.
quint16 closedPort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

}  // namespace

class TestDataioDownload : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString dir_;
    QByteArray archive_;  // a CIFAR-10 binary tar.gz, ~230 KB
    QString md5_;
    std::unique_ptr<FixtureHttpServer> server_;

    bool run(QObject* job, const char* finishedSignal) {
        QSignalSpy finished(job, finishedSignal);
        QMetaObject::invokeMethod(job, "start");
        return finished.wait(kWaitMs);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(work_.isValid());
        const QString path = work_.path() + "/fixture.tar.gz";
        writeTar(path, cifarMembers("cifar-10-batches-bin/", 2, 30, 15));
        archive_ = readAll(path);
        md5_ = md5Hex(archive_);
        QVERIFY(archive_.size() > 150000);
        server_ = std::make_unique<FixtureHttpServer>();
        server_->serve("/cifar-10-binary.tar.gz", archive_);
        QByteArray corrupt = archive_;
        corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x40);
        server_->serve("/corrupt.tar.gz", corrupt);
        // Right MD5, wrong content: verifies, then fails the loader.
        const QString bad = work_.path() + "/bad.tar.gz";
        writeTar(bad,
                 {{"cifar-10-batches-bin/data_batch_1.bin", "short", TarMember::Type::File, {}}});
        server_->serve("/bad.tar.gz", readAll(bad));
    }

    void init() {
        dir_ = work_.path() + "/" + QTest::currentTestFunction();
        QDir().mkpath(dir_);
        server_->setBehaviour({});
    }

    void downloadsWithProgressAndVerifies() {
        server_->setBehaviour({true, -1, 4096, 15});  // ~0.9 s: several progress signals
        DownloadJob job(server_->url("/cifar-10-binary.tar.gz"), dir_ + "/a.tar.gz", md5_);
        QSignalSpy progress(&job, &DownloadJob::progress);
        QVERIFY(run(&job, SIGNAL(finished())));
        QCOMPARE(job.state(), DownloadJob::State::Succeeded);
        QCOMPARE(readAll(dir_ + "/a.tar.gz"), archive_);
        QVERIFY(!QFileInfo::exists(job.partialPath()));
        QVERIFY2(progress.size() >= 3, qPrintable(QString::number(progress.size())));
        qint64 previous = -1;
        bool sawRate = false, sawEta = false;
        for (const QList<QVariant>& p : progress) {
            QVERIFY(p[0].toLongLong() >= previous);
            previous = p[0].toLongLong();
            QCOMPARE(p[1].toLongLong(), qint64(archive_.size()));
            sawRate |= p[2].toDouble() > 0;
            sawEta |= p[3].toDouble() > 0;
        }
        QCOMPARE(previous, qint64(archive_.size()));
        QVERIFY(sawRate && sawEta);
        QCOMPARE(job.md5(), md5_);
    }

    void refusesAWrongMd5AndLeavesNothing() {
        DownloadJob job(server_->url("/corrupt.tar.gz"), dir_ + "/a.tar.gz", md5_);
        QVERIFY(run(&job, SIGNAL(finished())));
        QCOMPARE(job.state(), DownloadJob::State::Failed);
        QVERIFY2(job.errorString().contains(md5_) && job.errorString().contains("/corrupt.tar.gz"),
                 qPrintable(job.errorString()));
        QCOMPARE(listTree(dir_), QStringList());
    }

    void resumesWithARangeRequest() {
        // The first transfer drops after 100 KB and leaves a .part ...
        server_->setBehaviour({true, 100000, 8192, 2});
        DownloadJob first(server_->url("/cifar-10-binary.tar.gz"), dir_ + "/a.tar.gz", md5_);
        QVERIFY(run(&first, SIGNAL(finished())));
        QCOMPARE(first.state(), DownloadJob::State::Failed);
        QVERIFY2(first.errorString().contains("airbench data import"),
                 qPrintable(first.errorString()));
        const qint64 kept = QFileInfo(first.partialPath()).size();
        QVERIFY2(kept > 0 && kept <= 100000, qPrintable(QString::number(kept)));
        QCOMPARE(readAll(first.partialPath()), archive_.left(kept));

        // ... which the next job resumes with "Range: bytes=<kept>-" and a 206.
        DownloadJob second(server_->url("/cifar-10-binary.tar.gz"), dir_ + "/a.tar.gz", md5_);
        QSignalSpy progress(&second, &DownloadJob::progress);
        QVERIFY(run(&second, SIGNAL(finished())));
        QCOMPARE(second.state(), DownloadJob::State::Succeeded);
        QCOMPARE(server_->log().last(),
                 QString("GET /cifar-10-binary.tar.gz Range: bytes=%1- -> 206").arg(kept));
        QCOMPARE(second.resumedFrom(), kept);
        QCOMPARE(second.bytesDownloaded(), archive_.size() - kept);
        QCOMPARE(progress.last()[0].toLongLong(), qint64(archive_.size()));
        QCOMPARE(readAll(dir_ + "/a.tar.gz"), archive_);
        QVERIFY(!QFileInfo::exists(second.partialPath()));
    }

    void startsOverWhenTheServerIgnoresTheRange() {
        // A .part from elsewhere; a 200 answer must replace it, not be appended to it.
        writeFile(dir_ + "/a.tar.gz.part", QByteArray(5000, 'x'));
        server_->setBehaviour({false, -1, 0, 0});
        DownloadJob job(server_->url("/cifar-10-binary.tar.gz"), dir_ + "/a.tar.gz", md5_);
        QVERIFY(run(&job, SIGNAL(finished())));
        QCOMPARE(job.state(), DownloadJob::State::Succeeded);
        QCOMPARE(server_->log().last(),
                 QString("GET /cifar-10-binary.tar.gz Range: bytes=5000- -> 200"));
        QCOMPARE(job.resumedFrom(), qint64(0));
        QCOMPARE(readAll(dir_ + "/a.tar.gz"), archive_);
    }

    void handlesAPartialThatIsAlreadyComplete() {
        // 416 for a complete .part: the MD5 decides, no bytes are fetched.
        writeFile(dir_ + "/a.tar.gz.part", archive_);
        DownloadJob job(server_->url("/cifar-10-binary.tar.gz"), dir_ + "/a.tar.gz", md5_);
        QVERIFY(run(&job, SIGNAL(finished())));
        QCOMPARE(job.state(), DownloadJob::State::Succeeded);
        QCOMPARE(job.bytesDownloaded(), qint64(0));
        QCOMPARE(readAll(dir_ + "/a.tar.gz"), archive_);
        // A longer, wrong .part: 416, then a fresh full download.
        QFile::remove(dir_ + "/a.tar.gz");
        writeFile(dir_ + "/a.tar.gz.part", archive_ + "junk");
        DownloadJob again(server_->url("/cifar-10-binary.tar.gz"), dir_ + "/a.tar.gz", md5_);
        QVERIFY(run(&again, SIGNAL(finished())));
        QCOMPARE(again.state(), DownloadJob::State::Succeeded);
        QCOMPARE(readAll(dir_ + "/a.tar.gz"), archive_);
    }

    void cancelKeepsOnlyTheResumablePartial() {
        server_->setBehaviour({true, -1, 4096, 20});  // ~1.2 s in all
        DownloadJob job(server_->url("/cifar-10-binary.tar.gz"), dir_ + "/a.tar.gz", md5_);
        connect(&job, &DownloadJob::progress, &job, [&job](qint64 received) {
            if (received > 0) {
                job.cancel();
            }
        });
        QVERIFY(run(&job, SIGNAL(finished())));
        QCOMPARE(job.state(), DownloadJob::State::Cancelled);
        QCOMPARE(listTree(dir_), QStringList{"a.tar.gz.part"});
        const QByteArray part = readAll(job.partialPath());
        QVERIFY(part.size() < archive_.size());
        QCOMPARE(part, archive_.left(part.size()));
    }

    void unreachableServerNamesTheUrlAndTheImportCommand() {
        const QString url = QString("http://127.0.0.1:%1/cifar-10-binary.tar.gz").arg(closedPort());
        DownloadJob job(QUrl(url), dir_ + "/a.tar.gz", md5_);
        QVERIFY(run(&job, SIGNAL(finished())));
        QCOMPARE(job.state(), DownloadJob::State::Failed);
        QVERIFY2(job.errorString().contains(url) &&
                     job.errorString().contains("airbench data import FILE"),
                 qPrintable(job.errorString()));
        QCOMPARE(listTree(dir_), QStringList());
    }

    void httpErrorsNameTheStatus() {
        DownloadJob job(server_->url("/missing.tar.gz"), dir_ + "/a.tar.gz", md5_);
        QVERIFY(run(&job, SIGNAL(finished())));
        QCOMPARE(job.state(), DownloadJob::State::Failed);
        QVERIFY2(job.errorString().contains("HTTP 404") &&
                     job.errorString().contains(server_->url("/missing.tar.gz")),
                 qPrintable(job.errorString()));
        QCOMPARE(listTree(dir_), QStringList());  // the error page was never written
    }

    void fetchJobInstallsALoadableDataset() {
        DatasetFetchJob::Options options;
        options.url = server_->url("/cifar-10-binary.tar.gz");
        options.md5 = md5_;
        options.target = dir_ + "/cifar10";
        DatasetFetchJob job(options);
        QSignalSpy stages(&job, &DatasetFetchJob::stageChanged);
        QVERIFY(run(&job, SIGNAL(finished())));
        QVERIFY2(job.state() == DatasetFetchJob::State::Succeeded, qPrintable(job.errorString()));
        QStringList seen;
        for (const auto& s : stages) {
            seen << s[0].toString();
        }
        QCOMPARE(seen, (QStringList{"downloading", "verifying", "extracting", "checking"}));
        const Dataset d = loadDataset(options.target.toStdString());
        QCOMPARE(d.train.size(), 60);
        QCOMPARE(job.dataset().testExamples, 15);
        QCOMPARE(listTree(dir_).filter(QRegularExpression("^[^/]*$")), QStringList{"cifar10"});

        // A second run finds it there and does not download.
        const int requests = server_->log().size();
        DatasetFetchJob again(options);
        QVERIFY(run(&again, SIGNAL(finished())));
        QCOMPARE(again.state(), DatasetFetchJob::State::Succeeded);
        QVERIFY(again.alreadyPresent());
        QCOMPARE(server_->log().size(), requests);
    }

    void fetchJobLeavesNothingForCorruptOrUnloadableArchives() {
        for (const QString& path : {QString("/corrupt.tar.gz"), QString("/bad.tar.gz")}) {
            DatasetFetchJob::Options options;
            options.url = server_->url(path);
            options.md5 =
                path == "/bad.tar.gz" ? md5Hex(readAll(work_.path() + "/bad.tar.gz")) : md5_;
            options.target = dir_ + "/cifar10";
            DatasetFetchJob job(options);
            QVERIFY(run(&job, SIGNAL(finished())));
            QCOMPARE(job.state(), DatasetFetchJob::State::Failed);
            QVERIFY2(
                job.errorString().contains(path == "/bad.tar.gz" ? "not hold a loadable" : "MD5"),
                qPrintable(job.errorString()));
            QCOMPARE(listTree(dir_), QStringList());
        }
    }

    void fetchJobCancelLeavesNoDataset() {
        server_->setBehaviour({true, -1, 4096, 20});
        DatasetFetchJob::Options options;
        options.url = server_->url("/cifar-10-binary.tar.gz");
        options.md5 = md5_;
        options.target = dir_ + "/cifar10";
        DatasetFetchJob job(options);
        connect(&job, &DatasetFetchJob::progress, &job, [&job](qint64 received) {
            if (received > 20000) {
                job.cancel();
            }
        });
        QVERIFY(run(&job, SIGNAL(finished())));
        QCOMPARE(job.state(), DatasetFetchJob::State::Cancelled);
        // Only the resumable download: no dataset, no staging folder.
        QCOMPARE(listTree(dir_), QStringList{"cifar10.download.part"});

        // Resumed by the next job, which installs.
        server_->setBehaviour({});
        DatasetFetchJob resumed(options);
        QVERIFY(run(&resumed, SIGNAL(finished())));
        QCOMPARE(resumed.state(), DatasetFetchJob::State::Succeeded);
        QVERIFY(resumed.resumedFrom() > 20000);
        QCOMPARE(loadDataset(options.target.toStdString()).train.size(), 60);
        QCOMPARE(listTree(dir_).filter(QRegularExpression("^[^/]*$")), QStringList{"cifar10"});
    }
};

QTEST_GUILESS_MAIN(TestDataioDownload)
#include "test_dataio_download.moc"
