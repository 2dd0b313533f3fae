#include "dataio_fixtures.h"

#include <airbench/dataset.h>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QImage>

#include <archive.h>
#include <archive_entry.h>

#include <random>
#include <stdexcept>

namespace airbench::test {

QStringList cifarClassNames() {
    return {"airplane", "automobile", "bird",  "cat",  "deer",
            "dog",      "frog",       "horse", "ship", "truck"};
}

QByteArray cifarRecords(int count, int classes, uint32_t seed) {
    std::mt19937 rng(seed);
    QByteArray out(count * (1 + kImageBytes), Qt::Uninitialized);
    for (int i = 0; i < count; ++i) {
        char* record = out.data() + i * (1 + kImageBytes);
        record[0] = static_cast<char>(i % classes);
        for (int p = 0; p < kImageBytes; ++p) {
            record[1 + p] = static_cast<char>(rng() & 0xff);
        }
    }
    return out;
}

QVector<TarMember> cifarMembers(const QString& prefix, int trainBatches, int perBatch,
                                int testRecords, uint32_t seed) {
    QVector<TarMember> members;
    if (!prefix.isEmpty()) {
        members.push_back({prefix, {}, TarMember::Type::Folder, {}});
    }
    for (int k = 1; k <= trainBatches; ++k) {
        members.push_back({QString("%1data_batch_%2.bin").arg(prefix).arg(k),
                           cifarRecords(perBatch, 10, seed + static_cast<uint32_t>(k)),
                           TarMember::Type::File,
                           {}});
    }
    members.push_back({prefix + "test_batch.bin",
                       cifarRecords(testRecords, 10, seed + 1000),
                       TarMember::Type::File,
                       {}});
    members.push_back({prefix + "batches.meta.txt",
                       cifarClassNames().join('\n').toUtf8() + "\n",
                       TarMember::Type::File,
                       {}});
    members.push_back({prefix + "readme.html", "<p>fixture</p>\n", TarMember::Type::File, {}});
    return members;
}

QByteArray writeCifarFolder(const QString& folder, int trainBatches, int perBatch, int testRecords,
                            uint32_t seed) {
    QDir().mkpath(folder);
    QByteArray train;
    for (const TarMember& m : cifarMembers({}, trainBatches, perBatch, testRecords, seed)) {
        writeFile(folder + "/" + m.path, m.data);
        if (m.path.startsWith("data_batch_")) {
            train += m.data;
        }
    }
    return train;
}

void writeTar(const QString& path, const QVector<TarMember>& members, bool gzip) {
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (gzip) {
        archive_write_add_filter_gzip(a);
    }
    if (archive_write_open_filename(a, QFile::encodeName(path).constData()) != ARCHIVE_OK) {
        throw std::runtime_error(archive_error_string(a));
    }
    for (const TarMember& m : members) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, m.path.toUtf8().constData());
        archive_entry_set_mtime(e, 1700000000, 0);
        switch (m.type) {
            case TarMember::Type::File:
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                archive_entry_set_size(e, m.data.size());
                break;
            case TarMember::Type::Folder:
                archive_entry_set_filetype(e, AE_IFDIR);
                archive_entry_set_perm(e, 0755);
                break;
            case TarMember::Type::Symlink:
                archive_entry_set_filetype(e, AE_IFLNK);
                archive_entry_set_perm(e, 0777);
                archive_entry_set_symlink(e, m.linkTarget.toUtf8().constData());
                break;
            case TarMember::Type::Hardlink:
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                archive_entry_set_hardlink(e, m.linkTarget.toUtf8().constData());
                archive_entry_set_size(e, 0);
                break;
            case TarMember::Type::Fifo:
                archive_entry_set_filetype(e, AE_IFIFO);
                archive_entry_set_perm(e, 0644);
                break;
        }
        if (archive_write_header(a, e) != ARCHIVE_OK) {
            throw std::runtime_error(archive_error_string(a));
        }
        if (m.type == TarMember::Type::File && !m.data.isEmpty()) {
            archive_write_data(a, m.data.constData(), static_cast<size_t>(m.data.size()));
        }
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return f.readAll();
}

void writeFile(const QString& path, const QByteArray& data) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size()) {
        throw std::runtime_error("cannot write " + path.toStdString());
    }
}

QString md5Hex(const QByteArray& data) {
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex());
}

QStringList listTree(const QString& folder) {
    QStringList out;
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        out << QDir(folder).relativeFilePath(it.next());
    }
    out.sort();
    return out;
}

void writeImageFolder(const QString& root, const QStringList& classes, int perClass,
                      int testPerClass, uint32_t seed) {
    std::mt19937 rng(seed);
    for (const auto& [split, count] :
         {std::pair{QString("train"), perClass}, std::pair{QString("test"), testPerClass}}) {
        for (const QString& name : classes) {
            const QString folder = root + "/" + split + "/" + name;
            QDir().mkpath(folder);
            for (int i = 0; i < count; ++i) {
                QImage image(kImageSide, kImageSide, QImage::Format_RGB888);
                for (int y = 0; y < kImageSide; ++y) {
                    uchar* line = image.scanLine(y);
                    for (int x = 0; x < 3 * kImageSide; ++x) {
                        line[x] = static_cast<uchar>(rng() & 0xff);
                    }
                }
                image.save(QString("%1/%2.png").arg(folder).arg(i, 4, 10, QChar('0')));
            }
        }
    }
}

}  // namespace airbench::test
