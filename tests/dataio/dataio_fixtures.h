#pragma once
// Test fixtures built at test time: CIFAR-10 binary records and folders, tar archives written
// with libarchive (well-formed and hostile), image folders written with QImage.

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>

namespace airbench::test {

QStringList cifarClassNames();  // airplane ... truck

// `count` records (label byte + 3072 pixel bytes) with pseudo-random pixels; label i % classes.
QByteArray cifarRecords(int count, int classes, uint32_t seed);

// data_batch_1..trainBatches.bin of `perBatch` records, test_batch.bin of `testRecords`,
// batches.meta.txt; returns the train records concatenated (for comparisons).
QByteArray writeCifarFolder(const QString& folder, int trainBatches, int perBatch, int testRecords,
                            uint32_t seed = 1);

struct TarMember {
    enum class Type { File, Folder, Symlink, Hardlink, Fifo };
    QString path;
    QByteArray data;
    Type type = Type::File;
    QString linkTarget;  // symlinks and hardlinks
};

// The members of a CIFAR-10 binary archive: `<prefix>data_batch_k.bin` ..., test_batch.bin,
// batches.meta.txt (prefix "cifar-10-batches-bin/" as in the official tarball).
QVector<TarMember> cifarMembers(const QString& prefix, int trainBatches, int perBatch,
                                int testRecords, uint32_t seed = 1);

// Writes a tar (pax), gzip-compressed when `gzip`, with libarchive.
void writeTar(const QString& path, const QVector<TarMember>& members, bool gzip = true);

QByteArray readAll(const QString& path);
void writeFile(const QString& path, const QByteArray& data);
QString md5Hex(const QByteArray& data);

// Every path below `folder` (relative, sorted), hidden ones included: "nothing left behind"
// checks compare these before and after.
QStringList listTree(const QString& folder);

// An image folder train/<class>/NNNN.png, test/<class>/NNNN.png of 32x32 RGB images with
// pseudo-random pixels, `perClass` train and `testPerClass` test images per class.
void writeImageFolder(const QString& root, const QStringList& classes, int perClass,
                      int testPerClass, uint32_t seed = 7);

}  // namespace airbench::test
