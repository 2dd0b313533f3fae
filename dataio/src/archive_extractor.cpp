#include <airbench/dataio.h>
#include <airbench/dataio/archive_extractor.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <memory>

namespace airbench::dataio {
namespace {

struct ArchiveDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};

QString quoted(const QString& text) {
    return "'" + text + "'";
}

QString libarchiveMessage(archive* a) {
    const char* text = archive_error_string(a);
    return text ? QString::fromLocal8Bit(text) : QStringLiteral("unknown error");
}

// The member's path relative to the destination, or an error. `.` components and repeated
// slashes are dropped; anything that could leave the destination is refused outright rather
// than "fixed", because a well-formed dataset archive never contains it.
QString cleanMemberPath(const QString& raw, QString* why) {
    if (raw.isEmpty()) {
        *why = "has an empty name";
        return {};
    }
    if (raw.startsWith('/')) {
        *why = "has an absolute path";
        return {};
    }
    if (raw.contains('\\') || raw.contains(QChar(0))) {
        *why = "has a backslash or NUL in its name";
        return {};
    }
    QStringList parts;
    for (const QString& part : raw.split('/', Qt::SkipEmptyParts)) {
        if (part == "..") {
            *why = "escapes the target folder (..)";
            return {};
        }
        if (part != ".") {
            parts << part;
        }
    }
    return parts.join('/');
}

QString fileTypeName(unsigned type) {
    switch (type) {
        case AE_IFLNK:
            return "a symbolic link";
        case AE_IFCHR:
            return "a character device";
        case AE_IFBLK:
            return "a block device";
        case AE_IFIFO:
            return "a FIFO";
        case AE_IFSOCK:
            return "a socket";
        default:
            return "not a regular file or folder";
    }
}

class Extraction {
public:
    Extraction(const QString& archivePath, const QString& destination, const ExtractLimits& limits,
               const ExtractProgress& progress, const MemberCheck& check)
        : archivePath_(archivePath),
          root_(QDir::cleanPath(QDir(destination).absolutePath())),
          limits_(limits),
          progress_(progress),
          check_(check) {}

    ExtractSummary run() {
        archiveBytes_ = QFileInfo(archivePath_).size();
        std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
        // Only the formats a dataset comes in: fewer parsers, less attack surface.
        archive_read_support_filter_all(a.get());
        archive_read_support_format_tar(a.get());
        archive_read_support_format_gnutar(a.get());
        archive_read_support_format_zip(a.get());
        if (archive_read_open_filename(a.get(), QFile::encodeName(archivePath_).constData(),
                                       1 << 16) != ARCHIVE_OK) {
            fail(QString("cannot open %1 as an archive: %2")
                     .arg(quoted(archivePath_), libarchiveMessage(a.get())));
        }
        archive_entry* entry = nullptr;
        for (;;) {
            const int r = archive_read_next_header(a.get(), &entry);
            if (r == ARCHIVE_EOF) {
                break;
            }
            if (r < ARCHIVE_WARN) {
                const QString after =
                    lastMember_.isEmpty() ? QString() : " after member " + quoted(lastMember_);
                fail(QString("%1 is truncated, corrupt or not a tar/zip archive%2 (%3)")
                         .arg(quoted(archivePath_), after, libarchiveMessage(a.get())));
            }
            extractMember(a.get(), entry);
        }
        reportProgress(a.get());
        return summary_;
    }

private:
    [[noreturn]] void fail(const QString& message) { throw Error(message.toStdString()); }

    [[noreturn]] void refuse(const QString& member, const QString& why) {
        fail(QString("refusing archive %1: member %2 %3")
                 .arg(quoted(archivePath_), quoted(member), why));
    }

    void reportProgress(archive* a) {
        if (progress_ && !progress_(archive_filter_bytes(a, -1), archiveBytes_)) {
            throw Cancelled("extraction cancelled");
        }
    }

    void extractMember(archive* a, archive_entry* entry) {
        const char* rawName = archive_entry_pathname(entry);
        const QString raw = rawName ? QFile::decodeName(rawName) : QString();
        lastMember_ = raw;
        if (++members_ > limits_.maxMembers) {
            fail(QString("refusing archive %1: more than %2 members")
                     .arg(quoted(archivePath_))
                     .arg(limits_.maxMembers));
        }
        QString why;
        const QString relative = cleanMemberPath(raw, &why);
        if (!why.isEmpty()) {
            refuse(raw, why);
        }
        if (archive_entry_hardlink(entry) != nullptr) {
            refuse(raw, "is a hard link");
        }
        const unsigned type = archive_entry_filetype(entry);
        if (type == AE_IFLNK || archive_entry_symlink(entry) != nullptr) {
            refuse(raw, "is a symbolic link");
        }
        if (type != AE_IFREG && type != AE_IFDIR) {
            refuse(raw, "is " + fileTypeName(type));
        }
        if (relative.isEmpty()) {
            return;  // "./": the destination itself
        }
        if (check_) {
            check_(relative);
        }
        const QString path = root_ + "/" + relative;
        // Belt and braces: the cleaned path can only be below root, but check the result too.
        if (!QDir::cleanPath(path).startsWith(root_ + "/")) {
            refuse(raw, "escapes the target folder");
        }
        if (type == AE_IFDIR) {
            if (!QDir().mkpath(path)) {
                fail("cannot create folder " + quoted(path));
            }
            ++summary_.folders;
            return;
        }
        if (archive_entry_size_is_set(entry) &&
            archive_entry_size(entry) > limits_.maxTotalBytes - summary_.bytes) {
            refuse(raw, QString("is %1 bytes; the archive would exceed the %2-byte limit")
                            .arg(archive_entry_size(entry))
                            .arg(limits_.maxTotalBytes));
        }
        writeFile(a, raw, path);
    }

    void writeFile(archive* a, const QString& member, const QString& path) {
        if (!QDir().mkpath(QFileInfo(path).path())) {
            fail("cannot create the folder for member " + quoted(member));
        }
        QFile out(path);
        // NewOnly (O_EXCL): a member that appears twice, or a path something else already
        // occupies, is an error rather than a silent overwrite.
        if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            if (out.exists()) {
                refuse(member, "appears twice");
            }
            fail(QString("cannot write %1: %2").arg(quoted(path), out.errorString()));
        }
        std::array<char, 1 << 16> buffer;
        for (;;) {
            const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
            if (n == 0) {
                break;
            }
            if (n < 0) {
                refuse(member, "is truncated or corrupt (" + libarchiveMessage(a) + ")");
            }
            summary_.bytes += n;
            // Counted as written, not as declared: a compressed member may lie about its size.
            if (summary_.bytes > limits_.maxTotalBytes) {
                refuse(
                    member,
                    QString("takes the archive past the %1-byte limit").arg(limits_.maxTotalBytes));
            }
            if (out.write(buffer.data(), n) != n) {
                fail(QString("cannot write %1: %2").arg(quoted(path), out.errorString()));
            }
            reportProgress(a);
        }
        if (!out.flush()) {
            fail(QString("cannot write %1: %2").arg(quoted(path), out.errorString()));
        }
        ++summary_.files;
    }

    QString archivePath_;
    QString root_;
    ExtractLimits limits_;
    ExtractProgress progress_;
    MemberCheck check_;
    int64_t archiveBytes_ = 0;
    int members_ = 0;
    QString lastMember_;
    ExtractSummary summary_;
};

}  // namespace

ExtractSummary extractArchive(const QString& archivePath, const QString& destination,
                              const ExtractLimits& limits, const ExtractProgress& progress,
                              const MemberCheck& check) {
    QDir dir(destination);
    if (dir.exists()) {
        throw Error("extraction target '" + destination.toStdString() + "' already exists");
    }
    if (!QFileInfo::exists(archivePath)) {
        throw Error("no such file: '" + archivePath.toStdString() + "'");
    }
    if (!QDir().mkpath(destination)) {
        throw Error("cannot create '" + destination.toStdString() + "'");
    }
    try {
        return Extraction(archivePath, destination, limits, progress, check).run();
    } catch (...) {
        dir.removeRecursively();
        throw;
    }
}

}  // namespace airbench::dataio
