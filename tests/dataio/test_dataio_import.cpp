// `import`: archives, dataset folders (in place, or copied with --dir), the pickle layout's
// refusal, Fashion-MNIST, and image folders (exact pixels for 32x32 PNGs, class names from folder
// names, the cache reused, resizing, refusals, cancel).

#include <airbench/dataio.h>
#include <airbench/dataio/image_folder.h>
#include <airbench/dataio/import_job.h>
#include <airbench/dataset.h>

#include "dataio_fixtures.h"
#include "support/test_data.h"

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <map>
#include <set>

using namespace airbench;
using namespace airbench::test;
using airbench::dataio::importDataset;
using airbench::dataio::ImportOptions;
using airbench::dataio::ImportResult;
using airbench::dataio::SourceKind;

namespace {

QString importError(const QString& source, const ImportOptions& options = {}) {
    try {
        importDataset(source.toStdString(), options);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QByteArray recordPixels(const ImageSet& set, int64_t i) {
    return QByteArray(reinterpret_cast<const char*>(set.image(i)), kImageBytes);
}

// An image-folder copy of CIFAR-10 next to the binary one (../shared/data/<something>/ with
// train/ and test/), or "".
QString sharedCifarImageFolder() {
    if (cifarDir().empty()) {
        return {};
    }
    const QDir data(QFileInfo(QString::fromStdString(cifarDir())).path());
    for (const QString& name : data.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString candidate = data.filePath(name);
        if (QFileInfo(candidate + "/train/airplane").isDir() &&
            QFileInfo(candidate + "/test").isDir()) {
            return candidate;
        }
    }
    return {};
}

}  // namespace

class TestDataioImport : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString dir_;
    ImportOptions options_;  // the cache and --dir targets inside dir_

private Q_SLOTS:
    void init() {
        QVERIFY(work_.isValid());
        dir_ = work_.path() + "/" + QTest::currentTestFunction();
        QDir().mkpath(dir_);
        options_ = {};
        options_.imageCache = (dir_ + "/cache").toStdString();
    }

    void importsTheOfficialTarball() {
        const QString archive = dir_ + "/cifar-10-binary.tar.gz";
        writeTar(archive, cifarMembers("cifar-10-batches-bin/", 2, 20, 10));
        options_.directory = (dir_ + "/installed").toStdString();
        const ImportResult r = importDataset(archive.toStdString(), options_);
        QCOMPARE(r.kind, SourceKind::Archive);
        QCOMPARE(r.dataset.path, options_.directory);
        QCOMPARE(loadDataset(options_.directory).train.size(), 40);
    }

    void binaryFolderIsUsedInPlaceOrCopied() {
        const QString folder = dir_ + "/mine/cifar-10-batches-bin";
        writeCifarFolder(folder, 2, 20, 10);
        const QStringList before = listTree(dir_);
        // Its parent works too, as for --data.
        ImportResult r = importDataset((dir_ + "/mine").toStdString(), options_);
        QCOMPARE(r.kind, SourceKind::Cifar10Folder);
        QVERIFY(r.inPlace);
        QCOMPARE(QString::fromStdString(r.dataset.path), folder);
        QCOMPARE(r.dataset.trainExamples, 40);
        QCOMPARE(listTree(dir_), before);  // validated, nothing written

        options_.directory = (dir_ + "/copy").toStdString();
        r = importDataset(folder.toStdString(), options_);
        QVERIFY(!r.inPlace);
        QCOMPARE(loadDataset(options_.directory).hash, loadDataset(folder.toStdString()).hash);
        // Replacing needs force.
        QVERIFY(importError(folder, options_).contains("--force"));
        options_.force = true;
        QCOMPARE(importDataset(folder.toStdString(), options_).dataset.trainExamples, 40);
    }

    void refusesThePickleLayout() {
        writeFile(dir_ + "/cifar-10-batches-py/data_batch_1", "pickle");
        writeFile(dir_ + "/cifar-10-batches-py/test_batch", "pickle");
        for (const QString& source : {dir_, dir_ + "/cifar-10-batches-py"}) {
            const QString error = importError(source);
            QVERIFY2(error.contains("Python (pickle)") && error.contains("cifar-10-binary.tar.gz"),
                     qPrintable(error));
        }
        writeFile(dir_ + "/cifar-10-python.tar.gz", "not really");
        QVERIFY(importError(dir_ + "/cifar-10-python.tar.gz").contains("binary layout"));
    }

    void refusesWhatItCannotRead() {
        QVERIFY(importError(dir_ + "/nothing-here").contains("no such file or folder"));
        QDir().mkpath(dir_ + "/empty");
        QVERIFY(importError(dir_ + "/empty").contains("image folder with train/<class>/"));
    }

    void fashionMnistIsValidatedInPlace() {
        AIRBENCH_REQUIRE_FASHION();
        const QString folder = QString::fromStdString(fashionDir());
        ImportResult r = importDataset(folder.toStdString(), options_);
        QCOMPARE(r.kind, SourceKind::IdxFolder);
        QVERIFY(r.inPlace);
        QCOMPARE(r.dataset.trainExamples, 60000);
        // One of its files names the folder.
        r = importDataset((folder + "/t10k-labels-idx1-ubyte.gz").toStdString(), options_);
        QCOMPARE(QString::fromStdString(r.dataset.path), folder);
    }

    void imageFolderPixelsSurviveExactlyAndClassesAreSorted() {
        const QString root = dir_ + "/pets";
        const QStringList classes = {"zebra", "apple", "mango"};  // written unsorted
        writeImageFolder(root, classes, 5, 2);
        writeFile(root + "/train/README.txt", "ignored");
        writeFile(root + "/train/mango/notes.txt", "ignored");
        const ImportResult r = importDataset(root.toStdString(), options_);
        QCOMPARE(r.kind, SourceKind::ImageFolder);
        QVERIFY(!r.reusedCache);
        QCOMPARE(r.ignoredFiles, int64_t{2});
        const QString out = QString::fromStdString(r.dataset.path);
        QVERIFY2(out.startsWith(dir_ + "/cache/pets-"), qPrintable(out));
        QVERIFY(QFileInfo(out + "/airbench-import.json").isFile());

        const Dataset d = loadDataset(out.toStdString());
        QCOMPARE(d.classNames, (std::vector<std::string>{"apple", "mango", "zebra"}));
        QCOMPARE(d.train.size(), 15);
        QCOMPARE(d.test.size(), 6);
        // Interleaved: apple 0000, mango 0000, zebra 0000, apple 0001, ...
        const QStringList sorted = {"apple", "mango", "zebra"};
        for (int64_t i = 0; i < d.train.size(); ++i) {
            const int label = static_cast<int>(i % 3);
            QCOMPARE(d.train.labels[static_cast<size_t>(i)], int64_t{label});
            const QImage png(QString("%1/train/%2/%3.png")
                                 .arg(root, sorted[label])
                                 .arg(i / 3, 4, 10, QChar('0')));
            const QImage rgb = png.convertToFormat(QImage::Format_RGB888);
            const uint8_t* pixels = d.train.image(i);
            for (int y = 0; y < kImageSide; ++y) {
                for (int x = 0; x < kImageSide; ++x) {
                    for (int c = 0; c < 3; ++c) {
                        if (pixels[c * 1024 + y * 32 + x] != rgb.constScanLine(y)[3 * x + c]) {
                            QFAIL(qPrintable(
                                QString("record %1 pixel (%2,%3,%4)").arg(i).arg(y).arg(x).arg(c)));
                        }
                    }
                }
            }
        }
    }

    void imageFolderCacheIsReusedUntilTheFilesChange() {
        const QString root = dir_ + "/pets";
        writeImageFolder(root, {"cat", "dog"}, 300, 50);
        QElapsedTimer clock;
        clock.start();
        const ImportResult first = importDataset(root.toStdString(), options_);
        const qint64 firstMs = clock.restart();
        const ImportResult second = importDataset(root.toStdString(), options_);
        const qint64 secondMs = clock.elapsed();
        QVERIFY(!first.reusedCache);
        QVERIFY(second.reusedCache);
        QCOMPARE(second.dataset.path, first.dataset.path);
        QCOMPARE(second.cacheKey, first.cacheKey);
        qInfo("700 PNGs: converted in %lld ms, reused in %lld ms", firstMs, secondMs);

        // A changed file (size and time) is a new key, converted into a new cache folder.
        QFile png(root + "/train/cat/0000.png");
        QVERIFY(png.open(QIODevice::Append) && png.write("\0", 1) == 1);  // after IEND: still valid
        png.close();
        const ImportResult third = importDataset(root.toStdString(), options_);
        QVERIFY(!third.reusedCache);
        QVERIFY(third.cacheKey != first.cacheKey);
        QVERIFY(third.dataset.path != first.dataset.path);
        QCOMPARE(third.dataset.trainExamples, 600);
    }

    void imagesOfOtherSizesAreResizedSmoothly() {
        const QString root = dir_ + "/sizes";
        writeImageFolder(root, {"a", "b"}, 1, 1);
        // A flat colour survives any filter exactly; a 2:1 image is squashed, not cropped.
        QImage flat(100, 60, QImage::Format_RGB32);
        flat.fill(QColor(10, 200, 30));
        flat.save(root + "/train/a/0001.jpg", "PNG");  // PNG bytes, .jpg name: content decides
        QImage halves(64, 32, QImage::Format_RGB32);
        halves.fill(Qt::red);
        for (int y = 0; y < 32; ++y) {
            for (int x = 32; x < 64; ++x) {
                halves.setPixel(x, y, qRgb(0, 0, 255));
            }
        }
        halves.save(root + "/train/b/0001.png");
        QImage grey(32, 32, QImage::Format_Grayscale8);
        grey.fill(77);
        grey.save(root + "/test/a/0001.png");

        const Dataset d = loadDataset(importDataset(root.toStdString(), options_).dataset.path);
        QCOMPARE(d.train.size(), 4);  // a/0000, b/0000, a/0001, b/0001
        const uint8_t* f = d.train.image(2);
        for (int i = 0; i < 1024; ++i) {
            QVERIFY(f[i] == 10 && f[1024 + i] == 200 && f[2048 + i] == 30);
        }
        const uint8_t* h = d.train.image(3);
        QCOMPARE(int(h[5 * 32 + 3]), 255);  // left half red
        QCOMPARE(int(h[2048 + 5 * 32 + 3]), 0);
        QCOMPARE(int(h[2048 + 5 * 32 + 28]), 255);  // right half blue
        const uint8_t* g = d.test.image(2);         // test: a/0000, b/0000, a/0001
        QVERIFY(g[0] == 77 && g[1024] == 77 && g[2048] == 77);
    }

    void imageFolderRefusalsNameTheFile() {
        const QString root = dir_ + "/bad";
        writeImageFolder(root, {"a", "b"}, 2, 1);
        const QStringList before = listTree(dir_);

        writeFile(root + "/train/b/broken.png", "not a png");
        QString error = importError(root, options_);
        QVERIFY2(error.contains("train/b/broken.png") && error.contains("cannot read"),
                 qPrintable(error));
        QStringList withBroken = QStringList(before) << "bad/train/b/broken.png";
        withBroken.sort();
        QCOMPARE(listTree(dir_), withBroken);  // nothing in the cache
        QFile::remove(root + "/train/b/broken.png");

        QFile::link(root + "/train/a/0000.png", root + "/train/a/link.png");
        error = importError(root, options_);
        QVERIFY2(error.contains("train/a/link.png") && error.contains("symbolic link"),
                 qPrintable(error));
        QFile::remove(root + "/train/a/link.png");

        QDir().mkpath(root + "/test/c");
        error = importError(root, options_);
        QVERIFY2(error.contains("test/c") && error.contains("train/"), qPrintable(error));
        QDir(root + "/test/c").removeRecursively();

        QDir().mkpath(root + "/train/a/deeper");
        error = importError(root, options_);
        QVERIFY2(error.contains("train/a/deeper"), qPrintable(error));
        QDir(root + "/train/a/deeper").removeRecursively();

        QCOMPARE(listTree(dir_), before);
    }

    void cancelledImportLeavesNothing() {
        const QString root = dir_ + "/pets";
        writeImageFolder(root, {"cat", "dog"}, 100, 10);
        const QStringList before = listTree(dir_);
        dataio::Callbacks callbacks;
        callbacks.cancelled = [] { return true; };
        QVERIFY_THROWS_EXCEPTION(dataio::Cancelled,
                                 importDataset(root.toStdString(), options_, callbacks));
        QCOMPARE(listTree(dir_), before);

        // The GUI's job: cancelled right after start.
        dataio::ImportJob job(root, options_);
        QSignalSpy finished(&job, &dataio::ImportJob::finished);
        job.start();
        job.cancel();
        QVERIFY(finished.wait(30000));
        QCOMPARE(job.state(), dataio::ImportJob::State::Cancelled);
        QCOMPARE(listTree(dir_), before);

        // And to completion, with progress.
        dataio::ImportJob whole(root, options_);
        QSignalSpy done(&whole, &dataio::ImportJob::finished);
        QSignalSpy progress(&whole, &dataio::ImportJob::progress);
        whole.start();
        QVERIFY(done.wait(30000));
        QCOMPARE(whole.state(), dataio::ImportJob::State::Succeeded);
        QCOMPARE(progress.last()[0].toLongLong(), 220);
        QCOMPARE(whole.result().dataset.trainExamples, 200);
    }

    // If ../shared/data holds an image-folder copy of CIFAR-10, importing it must give the
    // images of the binary copy (as multisets per class: the record order differs).
    void sharedImageFolderMatchesTheBinaryCopy() {
        AIRBENCH_REQUIRE_CIFAR();
        const QString images = sharedCifarImageFolder();
        if (images.isEmpty()) {
            QSKIP("no image-folder copy of CIFAR-10 (train/airplane/...) next to the binary one");
        }
        QElapsedTimer clock;
        clock.start();
        const ImportResult r = importDataset(images.toStdString(), options_);
        qInfo("imported %s in %.1f s", qPrintable(images), clock.elapsed() / 1000.0);
        const Dataset imported = loadDataset(r.dataset.path);
        const Dataset& binary = cifar();
        QCOMPARE(imported.classNames, binary.classNames);
        for (const auto& [a, b] :
             {std::pair{&imported.train, &binary.train}, std::pair{&imported.test, &binary.test}}) {
            QCOMPARE(a->size(), b->size());
            std::multiset<std::pair<int64_t, QByteArray>> left, right;
            for (int64_t i = 0; i < a->size(); ++i) {
                left.emplace(a->labels[size_t(i)], recordPixels(*a, i));
                right.emplace(b->labels[size_t(i)], recordPixels(*b, i));
            }
            QVERIFY(left == right);
        }
    }
};

QTEST_GUILESS_MAIN(TestDataioImport)
#include "test_dataio_import.moc"
