// importDataset: decides what a path is and brings it in.
//   archive           -> extracted, validated, installed at <user data>/cifar10 (or --dir/--name)
//   CIFAR-10 / IDX    -> validated and used in place: the engine reads any folder, and a second
//   dataset folder       copy of 184 MB buys nothing. With --dir/--name it is copied instead
//                        (validated again after the copy, renamed into place).
//   image folder      -> converted once into the binary layout, in a cache folder named by a
//                        hash of the file list, sizes and mtimes, and reused while that matches.

#include <airbench/dataio.h>
#include <airbench/dataio/archive_install.h>
#include <airbench/dataio/image_folder.h>
#include <airbench/dataset.h>
#include <airbench/paths.h>

#include "dataset_layout.h"
#include "staging_area.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace airbench::dataio {
namespace {

constexpr const char* kStampFile = "airbench-import.json";
constexpr int64_t kMaxCopyBytes = int64_t{1} << 30;

QString quoted(const QString& path) {
    return "'" + path + "'";
}

QString absolute(const QString& path) {
    return QDir::cleanPath(QDir(path).absolutePath());
}

void stage(const Callbacks& callbacks, const char* name, const QString& detail) {
    if (callbacks.onStage) {
        callbacks.onStage(name, detail.toStdString());
    }
}

// --dir, else <user data>/<--name>, else "".
QString chosenDestination(const ImportOptions& options) {
    if (!options.directory.empty()) {
        return absolute(QString::fromStdString(options.directory));
    }
    if (!options.name.empty()) {
        const QString name = QString::fromStdString(options.name);
        if (name.contains('/') || name == "." || name == "..") {
            throw Error("--name '" + options.name + "' must be a plain folder name");
        }
        return QString::fromStdString(userDataDirectory()) + "/" + name;
    }
    return {};
}

Dataset validate(const QString& folder, DatasetFormat format) {
    return loadDataset(folder.toStdString(), format);
}

// Copies the regular files at the top of a dataset folder (what the engine reads) into a
// staging folder, validates the copy and renames it into place.
DatasetSummary copyDatasetFolder(const QString& folder, DatasetFormat format, const QString& target,
                                 bool replace, const Callbacks& callbacks) {
    checkTarget(target, replace);
    StagingArea staging(target);
    const QFileInfoList files =
        QDir(folder).entryInfoList(QDir::Files | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    int64_t total = 0;
    for (const QFileInfo& file : files) {
        if (file.isSymLink() || !file.isFile()) {
            throw Error((quoted(file.filePath()) +
                         " is a symbolic link or not a regular file; refusing to copy it")
                            .toStdString());
        }
        total += file.size();
    }
    if (total > kMaxCopyBytes) {
        throw Error(
            (quoted(folder) +
             QString(" holds %1 bytes; copies are limited to %2").arg(total).arg(kMaxCopyBytes))
                .toStdString());
    }
    stage(callbacks, "copying", folder);
    int64_t done = 0;
    for (const QFileInfo& file : files) {
        if (callbacks.cancelled && callbacks.cancelled()) {
            throw Cancelled("copy cancelled");
        }
        if (!QFile::copy(file.filePath(), staging.path() + "/" + file.fileName())) {
            throw Error("cannot copy " + quoted(file.filePath()).toStdString());
        }
        done += file.size();
        if (callbacks.onProgress) {
            callbacks.onProgress(done, total);
        }
    }
    stage(callbacks, "checking", "that the result loads");
    const Dataset dataset = validate(staging.path(), format);
    staging.commit(staging.path(), replace);
    return summarize(dataset, staging.target());
}

QString defaultCacheFolder(const ImportOptions& options, const ImageFolderScan& scan) {
    const QString cache = options.imageCache.empty()
                              ? QString::fromStdString(defaultImageFolderCache())
                              : absolute(QString::fromStdString(options.imageCache));
    QString base = QFileInfo(scan.root).fileName();
    base.replace(QRegularExpression("[^A-Za-z0-9._-]"), "_");
    return cache + "/" + (base.isEmpty() ? "images" : base) + "-" + scan.key.left(16);
}

QString stampKey(const QString& folder) {
    QFile file(folder + "/" + kStampFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object().value("key").toString();
}

void writeStamp(const QString& folder, const ImageFolderScan& scan) {
    QJsonObject stamp{
        {"source", scan.root},
        {"key", scan.key},
        {"resize",
         "QImage::scaled to 32x32, Qt::IgnoreAspectRatio, Qt::SmoothTransformation "
         "(area average); 32x32 images copied as is"},
        {"order", "classes interleaved: class 0's first image, class 1's first, ..."},
        {"classes", QJsonArray::fromStringList(scan.classes)},
        {"train", static_cast<qint64>(scan.train.size())},
        {"test", static_cast<qint64>(scan.test.size())},
        {"ignored_files", static_cast<qint64>(scan.ignoredFiles)},
        {"created", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
    };
    QFile file(folder + "/" + kStampFile);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
        file.write(QJsonDocument(stamp).toJson()) < 0) {
        throw Error("cannot write " + quoted(file.fileName()).toStdString());
    }
}

ImportResult importImageFolder(const QString& root, const ImportOptions& options,
                               const Callbacks& callbacks) {
    stage(callbacks, "scanning", root);
    const ImageFolderScan scan = scanImageFolder(root);
    const QString chosen = chosenDestination(options);
    const QString target = chosen.isEmpty() ? defaultCacheFolder(options, scan) : chosen;

    ImportResult result;
    result.kind = SourceKind::ImageFolder;
    result.cacheKey = scan.key.toStdString();
    result.ignoredFiles = scan.ignoredFiles;
    if (stampKey(target) == scan.key) {
        try {
            result.dataset = summarize(validate(target, DatasetFormat::Cifar10), target);
            result.reusedCache = true;
            return result;
        } catch (const Error&) {
            // A damaged earlier conversion: convert again over it.
        }
    }
    // The default folder is ours (named by the key): replacing it needs no --force.
    const bool replace = options.force || chosen.isEmpty();
    checkTarget(target, replace);
    StagingArea staging(target);
    stage(
        callbacks, "converting",
        QString("%1 train + %2 test images to 32x32").arg(scan.train.size()).arg(scan.test.size()));
    convertImageFolder(scan, staging.path(), callbacks);
    writeStamp(staging.path(), scan);
    stage(callbacks, "checking", "that the result loads");
    const Dataset dataset = validate(staging.path(), DatasetFormat::Cifar10);
    staging.commit(staging.path(), replace);
    result.dataset = summarize(dataset, target);
    return result;
}

ImportResult importDatasetFolder(const QString& folder, DatasetFormat format,
                                 const ImportOptions& options, const Callbacks& callbacks) {
    ImportResult result;
    result.kind =
        format == DatasetFormat::Cifar10 ? SourceKind::Cifar10Folder : SourceKind::IdxFolder;
    stage(callbacks, "checking", folder + " loads");
    const Dataset dataset = validate(folder, format);
    const QString chosen = chosenDestination(options);
    if (chosen.isEmpty()) {
        result.inPlace = true;
        result.dataset = summarize(dataset, QString::fromStdString(dataset.path));
        return result;
    }
    // dataset.path is the folder the files are in (a cifar-10-batches-bin/ child, perhaps).
    result.dataset = copyDatasetFolder(QString::fromStdString(dataset.path), format, chosen,
                                       options.force, callbacks);
    return result;
}

bool isIdxFileName(const QString& name) {
    return name.contains("-ubyte");
}

}  // namespace

std::string defaultCifar10Directory() {
    return userDataDirectory() + "/cifar10";
}

std::string defaultImageFolderCache() {
    return userDataDirectory() + "/cache/image-folders";
}

std::string sourceKindName(SourceKind kind) {
    switch (kind) {
        case SourceKind::Archive:
            return "archive";
        case SourceKind::Cifar10Folder:
            return "cifar10-folder";
        case SourceKind::IdxFolder:
            return "idx-folder";
        case SourceKind::ImageFolder:
            return "image-folder";
    }
    return "unknown";
}

ImportResult importDataset(const std::string& sourceText, const ImportOptions& options,
                           const Callbacks& callbacks) {
    QElapsedTimer clock;
    clock.start();
    const QString source = absolute(QString::fromStdString(sourceText));
    const QFileInfo info(source);
    if (sourceText.empty() || !info.exists()) {
        throw Error("no such file or folder: '" + sourceText + "'");
    }
    ImportResult result;
    if (info.isFile() && isIdxFileName(info.fileName())) {
        // One IDX file names its folder, which must hold all four.
        result = importDatasetFolder(info.path(), DatasetFormat::FashionMnist, options, callbacks);
    } else if (info.isFile()) {
        const QString chosen = chosenDestination(options);
        const QString target =
            chosen.isEmpty() ? QString::fromStdString(defaultCifar10Directory()) : chosen;
        result.kind = SourceKind::Archive;
        result.dataset = installArchive(source, target, options.force, {}, callbacks);
    } else if (info.isDir()) {
        if (isPickleLayout(source)) {
            throw Error(pickleLayoutMessage(source));
        }
        const DatasetFormat format = detectDatasetFormat(source.toStdString());
        if (format != DatasetFormat::Auto) {
            result = importDatasetFolder(source, format, options, callbacks);
        } else if (looksLikeImageFolder(source)) {
            result = importImageFolder(source, options, callbacks);
        } else {
            throw Error(
                "'" + sourceText +
                "' is none of what `import` takes: a CIFAR-10 binary archive "
                "(cifar-10-binary.tar.gz), a folder with data_batch_1.bin ... test_batch.bin, a "
                "folder with Fashion-MNIST IDX files, or an image folder with train/<class>/ and "
                "test/<class>/ subfolders of .png/.jpg images");
        }
    } else {
        throw Error("'" + sourceText + "' is not a regular file or folder");
    }
    result.seconds = static_cast<double>(clock.nsecsElapsed()) * 1e-9;
    return result;
}

}  // namespace airbench::dataio
