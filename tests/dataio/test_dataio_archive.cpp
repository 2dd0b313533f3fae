// Archives are untrusted input: what installs (and loads), and everything that must be refused
// without writing a byte outside the temporary folder or leaving anything behind.

#include <airbench/dataio/archive_extractor.h>
#include <airbench/dataio/archive_install.h>
#include <airbench/dataset.h>

#include "dataio_fixtures.h"
#include "support/test_data.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::test;
using airbench::dataio::ExtractLimits;
using airbench::dataio::installArchive;
using Type = TarMember::Type;

namespace {

// Installs `archive` into <work>/data/cifar10 and returns the error message ("" on success).
QString installError(const QString& archive, const QString& target,
                     const ExtractLimits& limits = {}) {
    try {
        installArchive(archive, target, false, limits);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestDataioArchive : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString archives_, data_, target_;

    // Installs a hostile archive and checks the refusal: the message names `member`, and the
    // data folder and the work folder hold exactly what they held before.
    void expectRefusal(const QVector<TarMember>& members, const QString& member,
                       const QString& reason, const ExtractLimits& limits = {}) {
        const QString archive = archives_ + "/hostile.tar.gz";
        writeTar(archive, members);
        const QStringList before = listTree(work_.path());
        const QString error = installError(archive, target_, limits);
        QVERIFY2(!error.isEmpty(), "the archive was accepted");
        QVERIFY2(error.contains(member) && error.contains(reason), qPrintable(error));
        QCOMPARE(listTree(work_.path()), before);
        QVERIFY(!QFileInfo::exists(target_));
    }

private Q_SLOTS:
    void init() {
        QVERIFY(work_.isValid());
        archives_ = work_.path() + "/archives";
        data_ = work_.path() + "/data";
        target_ = data_ + "/cifar10";
        QDir(archives_).removeRecursively();
        QDir(data_).removeRecursively();
        QDir().mkpath(archives_);
        QDir().mkpath(data_);
    }

    void installsTheBinaryLayoutAndItLoads() {
        const auto members = cifarMembers("cifar-10-batches-bin/", 2, 30, 20);
        const QString archive = archives_ + "/cifar-10-binary.tar.gz";
        writeTar(archive, members);
        const auto summary = installArchive(archive, target_, false);
        QCOMPARE(QString::fromStdString(summary.path), target_);
        QCOMPARE(summary.trainExamples, 60);
        // The folder itself holds the batches (no cifar-10-batches-bin/ child), and loads.
        QVERIFY(QFileInfo(target_ + "/data_batch_1.bin").isFile());
        const Dataset d = loadDataset(target_.toStdString());
        QCOMPARE(d.train.size(), 60);
        QCOMPARE(d.test.size(), 20);
        QCOMPARE(d.classNames.size(), size_t{10});
        QCOMPARE(d.classNames[9], std::string("truck"));
        const QByteArray& batch2 = members[2].data;  // [0] is the folder
        QCOMPARE(d.train.labels[30], int64_t(static_cast<uint8_t>(batch2[0])));
        QVERIFY(std::equal(d.train.image(30), d.train.image(30) + kImageBytes,
                           reinterpret_cast<const uint8_t*>(batch2.constData()) + 1));
        // Nothing but the dataset next to it: the staging folder is gone.
        QCOMPARE(QDir(data_).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{"cifar10"});
    }

    void installsAFlatArchiveAndAnUncompressedOne() {
        const QString archive = archives_ + "/flat.tar";
        writeTar(archive, cifarMembers({}, 1, 10, 10), /*gzip=*/false);
        installArchive(archive, target_, false);
        QCOMPARE(loadDataset(target_.toStdString()).train.size(), 10);
    }

    void refusesParentEscape() {
        auto members = cifarMembers("cifar-10-batches-bin/", 1, 10, 10);
        members.insert(2, {"cifar-10-batches-bin/../../evil.txt", "gotcha", Type::File, {}});
        expectRefusal(members, "../../evil.txt", "escapes");
        QVERIFY(!QFileInfo::exists(data_ + "/evil.txt"));
        QVERIFY(!QFileInfo::exists(work_.path() + "/evil.txt"));
    }

    void refusesAbsolutePath() {
        const QString outside = work_.path() + "/outside/absolute.txt";
        auto members = cifarMembers("cifar-10-batches-bin/", 1, 10, 10);
        members.push_back({outside, "gotcha", Type::File, {}});
        expectRefusal(members, outside, "absolute path");
        QVERIFY(!QFileInfo::exists(outside));
    }

    void refusesSymlink() {
        auto members = cifarMembers("cifar-10-batches-bin/", 1, 10, 10);
        members.insert(1, {"cifar-10-batches-bin/link", {}, Type::Symlink, "/etc"});
        expectRefusal(members, "cifar-10-batches-bin/link", "symbolic link");
    }

    void refusesHardlink() {
        auto members = cifarMembers("cifar-10-batches-bin/", 1, 10, 10);
        members.push_back({"cifar-10-batches-bin/passwd", {}, Type::Hardlink, "/etc/passwd"});
        expectRefusal(members, "cifar-10-batches-bin/passwd", "hard link");
    }

    void refusesNonRegularFiles() {
        auto members = cifarMembers("cifar-10-batches-bin/", 1, 10, 10);
        members.push_back({"cifar-10-batches-bin/pipe", {}, Type::Fifo, {}});
        expectRefusal(members, "cifar-10-batches-bin/pipe", "FIFO");
    }

    void refusesDuplicateMembers() {
        auto members = cifarMembers("cifar-10-batches-bin/", 1, 10, 10);
        members.push_back(members[1]);
        expectRefusal(members, members[1].path, "appears twice");
    }

    void refusesArchivesOverTheLimits() {
        const auto members = cifarMembers("cifar-10-batches-bin/", 2, 10, 10);
        ExtractLimits bytes;
        bytes.maxTotalBytes = 40000;  // the second batch crosses it
        expectRefusal(members, "data_batch_2.bin", "40000-byte limit", bytes);
        ExtractLimits count;
        count.maxMembers = 3;
        expectRefusal(members, "hostile.tar.gz", "more than 3 members", count);
    }

    void refusesTruncatedArchives() {
        for (const bool gzip : {true, false}) {
            const QString archive = archives_ + (gzip ? "/cut.tar.gz" : "/cut.tar");
            writeTar(archive, cifarMembers("cifar-10-batches-bin/", 2, 30, 20), gzip);
            QFile file(archive);
            QVERIFY(file.resize(file.size() / 2));
            const QStringList before = listTree(work_.path());
            const QString error = installError(archive, target_);
            QVERIFY2(error.contains(archive) && error.contains("truncated"), qPrintable(error));
            QCOMPARE(listTree(work_.path()), before);
        }
    }

    void refusesSomethingThatIsNotAnArchive() {
        const QString file = archives_ + "/noise.tar.gz";
        writeFile(file, cifarRecords(3, 10, 5));
        const QString error = installError(file, target_);
        QVERIFY2(error.contains(file), qPrintable(error));
        QVERIFY(!QFileInfo::exists(target_));
    }

    void refusesThePickleLayoutEarly() {
        const QString archive = archives_ + "/renamed.tar.gz";
        writeTar(archive, {{"cifar-10-batches-py/", {}, Type::Folder, {}},
                           {"cifar-10-batches-py/data_batch_1", "pickle", Type::File, {}}});
        const QString error = installError(archive, target_);
        QVERIFY2(error.contains("pickle") && error.contains("cifar-10-binary.tar.gz"),
                 qPrintable(error));
        QVERIFY(!QFileInfo::exists(target_));
        // By name, before reading anything.
        const QString named = archives_ + "/cifar-10-python.tar.gz";
        writeFile(named, "x");
        QVERIFY(installError(named, target_).contains("binary layout"));
    }

    void refusesArchivesWithoutALoadableDataset() {
        const QString archive = archives_ + "/other.tar.gz";
        writeTar(archive, {{"notes/readme.txt", "hello", Type::File, {}}});
        QString error = installError(archive, target_);
        QVERIFY2(error.contains("does not hold the CIFAR-10 binary layout"), qPrintable(error));

        // A batch of 100 bytes: extracts fine, fails the loader, and leaves nothing.
        auto members = cifarMembers("cifar-10-batches-bin/", 1, 10, 10);
        members[1].data = members[1].data.left(100);
        writeTar(archive, members);
        const QStringList before = listTree(work_.path());
        error = installError(archive, target_);
        QVERIFY2(error.contains("data_batch_1.bin") && error.contains("not hold a loadable"),
                 qPrintable(error));
        QCOMPARE(listTree(work_.path()), before);
    }

    void replacesAnExistingDatasetOnlyWhenAsked() {
        const QString archive = archives_ + "/a.tar.gz";
        writeTar(archive, cifarMembers({}, 1, 10, 10));
        installArchive(archive, target_, false);
        writeTar(archive, cifarMembers({}, 2, 10, 10));
        QVERIFY(installError(archive, target_).contains("--force"));
        QCOMPARE(loadDataset(target_.toStdString()).train.size(), 10);
        installArchive(archive, target_, /*replace=*/true);
        QCOMPARE(loadDataset(target_.toStdString()).train.size(), 20);
        QCOMPARE(QDir(data_).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{"cifar10"});
    }

    void neverReplacesAFolderThatIsNotAFlatDataset() {
        const QString archive = archives_ + "/a.tar.gz";
        writeTar(archive, cifarMembers({}, 1, 10, 10));
        // A folder with a subfolder (a home directory given as --dir by mistake), and a file.
        writeFile(target_ + "/notes/today.txt", "precious");
        writeFile(data_ + "/file", "precious");
        for (const QString& target : {target_, data_ + "/file"}) {
            try {
                installArchive(archive, target, /*replace=*/true);
                QFAIL("replaced something that is not a dataset");
            } catch (const Error& e) {
                QVERIFY2(QString(e.what()).contains("remove it yourself"), e.what());
            }
        }
        QCOMPARE(readAll(target_ + "/notes/today.txt"), QByteArray("precious"));
        QCOMPARE(readAll(data_ + "/file"), QByteArray("precious"));
    }

    void cancelledExtractionLeavesNothing() {
        const QString archive = archives_ + "/a.tar.gz";
        writeTar(archive, cifarMembers("cifar-10-batches-bin/", 3, 200, 100));
        const QStringList before = listTree(work_.path());
        dataio::Callbacks callbacks;
        int polls = 0;
        callbacks.cancelled = [&] { return ++polls > 2; };
        QVERIFY_THROWS_EXCEPTION(dataio::Cancelled,
                                 installArchive(archive, target_, false, {}, callbacks));
        QCOMPARE(listTree(work_.path()), before);
    }
};

QTEST_GUILESS_MAIN(TestDataioArchive)
#include "test_dataio_archive.moc"
