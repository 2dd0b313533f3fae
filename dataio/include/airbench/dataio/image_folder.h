#pragma once
// Image folders (train/<class>/*.png|jpg|jpeg, test/<class>/...) converted into the engine's
// CIFAR-10 binary layout. Class names are the train/ subfolder names, sorted by code point (as
// Python's sorted() and torchvision's ImageFolder do); label k is the k-th name.
//
// Resizing: images that are not 32x32 are scaled to exactly 32x32 with
// QImage::scaled(Qt::IgnoreAspectRatio, Qt::SmoothTransformation). Qt's smooth downscale averages
// every source pixel that falls in a target pixel (a box filter), so a 256x256 photo does not
// alias the way nearest or 2x2-bilinear sampling would; aspect ratio is not kept, as with
// torchvision's Resize((32, 32)). 32x32 images are copied untouched, so their pixels survive
// exactly. EXIF orientation is applied; alpha is dropped; grey images become R = G = B.
//
// Record order interleaves the classes (class 0's first image, class 1's first, ...), so that
// the first N examples of a split -- what --train-subset takes -- cover every class.

#include <airbench/dataio.h>

#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>

namespace airbench::dataio {

struct ImageFile {
    QString relative;  // "train/cat/0001.png"
    int label = 0;
    qint64 size = 0;
    qint64 modifiedMs = 0;
};

struct ImageFolderScan {
    QString root;
    QStringList classes;
    QVector<ImageFile> train, test;  // in record order
    int64_t ignoredFiles = 0;        // not .png/.jpg/.jpeg (README, Thumbs.db, ...)
    // Hex SHA-256 of the file list, sizes and modification times and of the conversion
    // settings: equal keys mean an earlier conversion can be reused.
    QString key;
};

// Lists and checks an image folder without decoding anything. Refuses symlinks, nested folders
// inside class folders, non-regular files, test classes that train/ lacks, empty classes and
// class names a batches.meta.txt line cannot hold. Throws airbench::Error naming the path.
ImageFolderScan scanImageFolder(const QString& root);

// Decodes every image (on all cores) and writes data_batch_1.bin ... (at most 10,000 records
// each), test_batch.bin and batches.meta.txt into the existing folder `output`. Throws
// airbench::Error naming the first unreadable or absurdly large image, Cancelled when
// callbacks.cancelled() says so. Progress counts images.
void convertImageFolder(const ImageFolderScan& scan, const QString& output,
                        const Callbacks& callbacks = {});

// One image file as a CIFAR-10 record's 3072 pixel bytes (R plane, G plane, B plane).
void readImageAsRecord(const QString& path, uint8_t* pixels);

}  // namespace airbench::dataio
