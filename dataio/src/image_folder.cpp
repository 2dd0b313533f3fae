#include <airbench/dataio/image_folder.h>

#include <airbench/dataset.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

namespace airbench::dataio {
namespace {

constexpr int kRecordsPerBatch = 10000;  // as in the official data_batch_N.bin
constexpr int kRecordBytes = 1 + kImageBytes;
constexpr int kMaxSide = 16384;  // larger images are refused before decoding
// Part of the cache key: change it whenever conversion output would change.
constexpr const char* kConversionVersion =
    "airbench image-folder v1: QImage::scaled 32x32 IgnoreAspectRatio SmoothTransformation, "
    "autoTransform, RGB888, classes interleaved";

[[noreturn]] void fail(const QString& message) {
    throw Error(message.toStdString());
}

QString quoted(const QString& path) {
    return "'" + path + "'";
}

bool isImageName(const QString& name) {
    const QString suffix = QFileInfo(name).suffix().toLower();
    return suffix == "png" || suffix == "jpg" || suffix == "jpeg";
}

// Every entry, hidden ones excluded (.DS_Store, .ipynb_checkpoints), sorted by code point.
QFileInfoList entries(const QString& folder) {
    QFileInfoList list = QDir(folder).entryInfoList(
        QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot, QDir::Unsorted);
    list.erase(std::remove_if(list.begin(), list.end(),
                              [](const QFileInfo& i) { return i.fileName().startsWith('.'); }),
               list.end());
    std::sort(list.begin(), list.end(),
              [](const QFileInfo& a, const QFileInfo& b) { return a.fileName() < b.fileName(); });
    return list;
}

void refuseLinksAndSpecials(const QFileInfo& info) {
    if (info.isSymLink()) {
        fail(quoted(info.filePath()) +
             " is a symbolic link; image folders must hold the files themselves");
    }
    if (!info.isDir() && !info.isFile()) {
        fail(quoted(info.filePath()) + " is not a regular file or folder");
    }
}

void checkClassName(const QString& name, const QString& folder) {
    const bool control = std::any_of(name.begin(), name.end(),
                                     [](QChar c) { return c.category() == QChar::Other_Control; });
    if (control || name.trimmed() != name) {
        fail("class folder " + quoted(folder) +
             ": its name has control characters or surrounding spaces, which batches.meta.txt "
             "(one name per line) cannot hold");
    }
}

struct SplitListing {
    QStringList classes;
    std::vector<QVector<ImageFile>> perClass;
};

SplitListing listSplit(const QString& root, const QString& split, int64_t* ignored) {
    const QString folder = root + "/" + split;
    const QFileInfo info(folder);
    refuseLinksAndSpecials(info);
    SplitListing listing;
    for (const QFileInfo& classInfo : entries(folder)) {
        refuseLinksAndSpecials(classInfo);
        if (!classInfo.isDir()) {
            ++*ignored;  // a README next to the class folders
            continue;
        }
        checkClassName(classInfo.fileName(), classInfo.filePath());
        QVector<ImageFile> files;
        for (const QFileInfo& file : entries(classInfo.filePath())) {
            refuseLinksAndSpecials(file);
            if (file.isDir()) {
                fail("nested folder " + quoted(file.filePath()) +
                     ": an image folder holds images "
                     "directly in " +
                     split + "/<class>/");
            }
            if (!isImageName(file.fileName())) {
                ++*ignored;
                continue;
            }
            ImageFile image;
            image.relative = split + "/" + classInfo.fileName() + "/" + file.fileName();
            image.size = file.size();
            image.modifiedMs = file.lastModified().toMSecsSinceEpoch();
            files.push_back(image);
        }
        listing.classes << classInfo.fileName();
        listing.perClass.push_back(std::move(files));
    }
    return listing;
}

// Class 0's first image, class 1's first, ..., then everyone's second, and so on.
QVector<ImageFile> interleave(const SplitListing& listing, const QStringList& classes) {
    QVector<ImageFile> out;
    int longest = 0;
    for (const auto& files : listing.perClass) {
        longest = std::max(longest, static_cast<int>(files.size()));
    }
    for (int i = 0; i < longest; ++i) {
        for (int c = 0; c < listing.classes.size(); ++c) {
            const auto& files = listing.perClass[static_cast<size_t>(c)];
            if (i < files.size()) {
                ImageFile image = files[i];
                image.label = static_cast<int>(classes.indexOf(listing.classes[c]));
                out.push_back(image);
            }
        }
    }
    return out;
}

QString computeKey(const ImageFolderScan& scan) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArray(kConversionVersion) + "\n");
    hash.addData(scan.classes.join('\n').toUtf8() + "\n");
    for (const auto* split : {&scan.train, &scan.test}) {
        for (const ImageFile& f : *split) {
            hash.addData(
                QString("%1\t%2\t%3\n").arg(f.relative).arg(f.size).arg(f.modifiedMs).toUtf8());
        }
        hash.addData("--\n");
    }
    return QString::fromLatin1(hash.result().toHex());
}

// Decodes images[first, first + count) into `records` (label byte + 3072 pixels each) on the
// pool's threads and the calling one; only the calling thread reports progress and polls for a
// cancel, so callbacks never run on a worker.
void decodeRecords(const QString& root, const QVector<ImageFile>& images, int64_t first,
                   int64_t count, std::vector<uint8_t>& records, int64_t doneBefore, int64_t total,
                   const Callbacks& callbacks) {
    records.assign(static_cast<size_t>(count) * kRecordBytes, 0);
    std::atomic<int64_t> next{0};
    std::atomic<bool> stop{false}, cancelled{false};
    std::mutex errorMutex;
    std::optional<Error> error;

    const auto decodeOne = [&](int64_t k) {
        const ImageFile& image = images[static_cast<int>(first + k)];
        uint8_t* record = records.data() + k * kRecordBytes;
        record[0] = static_cast<uint8_t>(image.label);
        try {
            readImageAsRecord(root + "/" + image.relative, record + 1);
        } catch (const Error& e) {
            std::lock_guard<std::mutex> lock(errorMutex);
            if (!error) {
                error = e;
            }
            stop = true;
        }
    };
    const auto claim = [&]() -> int64_t {
        const int64_t k = next.fetch_add(1);
        return k < count && !stop.load() ? k : -1;
    };
    QThreadPool pool;
    for (int t = 1; t < QThread::idealThreadCount(); ++t) {
        pool.start([&] {
            for (int64_t k = claim(); k >= 0; k = claim()) {
                decodeOne(k);
            }
        });
    }
    // A cancel is checked after every image (a large JPEG takes tens of milliseconds);
    // progress goes out ten times a second at most (a GUI gets one queued signal each).
    QElapsedTimer sinceReport;
    sinceReport.start();
    for (int64_t k = claim(); k >= 0; k = claim()) {
        decodeOne(k);
        if (callbacks.cancelled && callbacks.cancelled()) {
            cancelled = stop = true;
        }
        if (callbacks.onProgress && sinceReport.elapsed() >= 100) {
            sinceReport.restart();
            callbacks.onProgress(doneBefore + std::min(next.load(), count), total);
        }
    }
    pool.waitForDone();
    if (error) {
        throw *error;
    }
    if (cancelled.load()) {
        throw Cancelled("image conversion cancelled");
    }
}

void writeFile(const QString& path, const char* data, qint64 size, bool append) {
    QFile out(path);
    const auto mode = append ? QIODevice::WriteOnly | QIODevice::Append
                             : QIODevice::WriteOnly | QIODevice::NewOnly;
    if (!out.open(mode) || out.write(data, size) != size || !out.flush()) {
        fail("cannot write " + quoted(path) + ": " + out.errorString());
    }
}

}  // namespace

ImageFolderScan scanImageFolder(const QString& rootPath) {
    ImageFolderScan scan;
    scan.root = QDir::cleanPath(QDir(rootPath).absolutePath());
    for (const char* split : {"train", "test"}) {
        if (!QFileInfo(scan.root + "/" + split).isDir()) {
            fail(quoted(scan.root) + " has no " + split +
                 "/ folder; an image folder holds train/<class>/*.png|jpg|jpeg and "
                 "test/<class>/...");
        }
    }
    const SplitListing train = listSplit(scan.root, "train", &scan.ignoredFiles);
    const SplitListing test = listSplit(scan.root, "test", &scan.ignoredFiles);
    scan.classes = train.classes;  // listed sorted
    if (scan.classes.size() < 2 || scan.classes.size() > 256) {
        fail(quoted(scan.root + "/train") + QString(" has %1 class folders; between 2 and 256 "
                                                    "are supported")
                                                .arg(scan.classes.size()));
    }
    for (int c = 0; c < train.classes.size(); ++c) {
        if (train.perClass[static_cast<size_t>(c)].isEmpty()) {
            fail("class folder " + quoted(scan.root + "/train/" + train.classes[c]) +
                 " holds no .png/.jpg/.jpeg images");
        }
    }
    for (const QString& name : test.classes) {
        if (!scan.classes.contains(name)) {
            fail("class folder " + quoted(scan.root + "/test/" + name) +
                 " has no counterpart in train/ (classes come from train/)");
        }
    }
    scan.train = interleave(train, scan.classes);
    scan.test = interleave(test, scan.classes);
    if (scan.test.isEmpty()) {
        fail(quoted(scan.root + "/test") + " holds no .png/.jpg/.jpeg images");
    }
    scan.key = computeKey(scan);
    return scan;
}

void readImageAsRecord(const QString& path, uint8_t* pixels) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid() && (size.width() > kMaxSide || size.height() > kMaxSide)) {
        fail(QString("image %1 is %2x%3 pixels; images larger than %4 pixels a side are refused")
                 .arg(quoted(path))
                 .arg(size.width())
                 .arg(size.height())
                 .arg(kMaxSide));
    }
    QImage image;
    if (!reader.read(&image) || image.isNull()) {
        fail("cannot read image " + quoted(path) + ": " + reader.errorString());
    }
    if (image.width() < 1 || image.height() < 1) {
        fail("image " + quoted(path) + " has no pixels");
    }
    if (image.size() != QSize(kImageSide, kImageSide)) {
        image =
            image.scaled(kImageSide, kImageSide, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    }
    image = image.convertToFormat(QImage::Format_RGB888);
    constexpr int plane = kImageSide * kImageSide;
    for (int y = 0; y < kImageSide; ++y) {
        const uchar* line = image.constScanLine(y);
        for (int x = 0; x < kImageSide; ++x) {
            const int i = y * kImageSide + x;
            pixels[i] = line[3 * x];
            pixels[plane + i] = line[3 * x + 1];
            pixels[2 * plane + i] = line[3 * x + 2];
        }
    }
}

void convertImageFolder(const ImageFolderScan& scan, const QString& output,
                        const Callbacks& callbacks) {
    const int64_t total = scan.train.size() + scan.test.size();
    int64_t done = 0;
    std::vector<uint8_t> records;
    // Train: one file per 10,000 records. Test: one file, written a chunk at a time so that
    // memory stays at one chunk whatever the split's size.
    const auto convertSplit = [&](const QVector<ImageFile>& images, bool train) {
        for (int64_t first = 0, batch = 1; first < images.size();
             first += kRecordsPerBatch, ++batch) {
            const int64_t count = std::min<int64_t>(kRecordsPerBatch, images.size() - first);
            decodeRecords(scan.root, images, first, count, records, done, total, callbacks);
            const QString path = train ? QString("%1/data_batch_%2.bin").arg(output).arg(batch)
                                       : output + "/test_batch.bin";
            writeFile(path, reinterpret_cast<const char*>(records.data()),
                      static_cast<qint64>(records.size()), /*append=*/!train && first > 0);
            done += count;
        }
    };
    convertSplit(scan.train, true);
    convertSplit(scan.test, false);
    const QByteArray meta = scan.classes.join('\n').toUtf8() + "\n";
    writeFile(output + "/batches.meta.txt", meta.constData(), meta.size(), false);
    if (callbacks.onProgress) {
        callbacks.onProgress(total, total);
    }
}

}  // namespace airbench::dataio
