#include "staging_area.h"

#include <airbench/dataset.h>
#include <airbench/error.h>

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

namespace airbench::dataio {
namespace {

std::string quoted(const QString& path) {
    return "'" + path.toStdString() + "'";
}

QString absolute(const QString& path) {
    return QDir::cleanPath(QDir(path).absolutePath());
}

}  // namespace

TargetState targetState(const QString& target) {
    const QFileInfo info(target);
    if (!info.exists() && !info.isSymLink()) {
        return TargetState::Missing;
    }
    if (!info.isDir() || info.isSymLink()) {
        return TargetState::Occupied;
    }
    const QDir dir(target);
    if (dir.isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)) {
        return TargetState::Empty;
    }
    const bool flat = dir.entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty();
    return flat && detectDatasetFormat(target.toStdString()) != DatasetFormat::Auto
               ? TargetState::Replaceable
               : TargetState::Occupied;
}

void checkTarget(const QString& target, bool replace) {
    switch (targetState(target)) {
        case TargetState::Missing:
        case TargetState::Empty:
            return;
        case TargetState::Replaceable:
            if (!replace) {
                throw Error(quoted(target) +
                            " already holds a dataset; choose another folder (--dir) or "
                            "replace it (--force)");
            }
            return;
        case TargetState::Occupied:
            throw Error(quoted(target) +
                        " already exists and is not a dataset folder this command would "
                        "replace; choose another folder (--dir), or remove it yourself");
    }
}

namespace {

// Staging and set-aside folders of this target that a killed process left behind.
void removeStaleStaging(const QString& parent, const QString& name) {
    const QDateTime dayAgo = QDateTime::currentDateTimeUtc().addDays(-1);
    const QFileInfoList stale = QDir(parent).entryInfoList(
        {"." + name + ".staging-*", "." + name + ".old-*"}, QDir::Dirs | QDir::Hidden);
    for (const QFileInfo& info : stale) {
        if (!info.isSymLink() && info.lastModified() < dayAgo) {
            QDir(info.filePath()).removeRecursively();
        }
    }
}

}  // namespace

StagingArea::StagingArea(const QString& target) : target_(absolute(target)) {
    const QFileInfo info(target_);
    const QString parent = info.path();
    for (QString missing = parent; !QFileInfo::exists(missing) && missing != "/";
         missing = QFileInfo(missing).path()) {
        createdFrom_ = missing;
    }
    if (!QDir().mkpath(parent)) {
        throw Error("cannot create " + quoted(parent));
    }
    removeStaleStaging(parent, info.fileName());
    dir_ = std::make_unique<QTemporaryDir>(parent + "/." + info.fileName() + ".staging-XXXXXX");
    if (!dir_->isValid()) {
        throw Error("cannot create a temporary folder in " + quoted(parent) + ": " +
                    dir_->errorString().toStdString());
    }
}

StagingArea::~StagingArea() {
    dir_.reset();
    if (committed_ || createdFrom_.isEmpty()) {
        return;
    }
    // rmdir only removes empty folders: anything someone else put there stays.
    for (QString folder = QFileInfo(target_).path(); folder.startsWith(createdFrom_);
         folder = QFileInfo(folder).path()) {
        if (!QDir().rmdir(folder)) {
            break;
        }
    }
}

QString StagingArea::path() const {
    return dir_->path();
}

void StagingArea::commit(const QString& folder, bool replace) {
    checkTarget(target_, replace);
    QString aside;
    const TargetState state = targetState(target_);
    if (state == TargetState::Empty) {
        QDir().rmdir(target_);
    } else if (state == TargetState::Replaceable) {
        const QFileInfo info(target_);
        // QTemporaryDir only to reserve a unique name: the old dataset is renamed onto it.
        QTemporaryDir reserve(info.path() + "/." + info.fileName() + ".old-XXXXXX");
        reserve.setAutoRemove(false);
        aside = reserve.path();
        if (!reserve.isValid() || !QDir().rmdir(aside) || !QDir().rename(target_, aside)) {
            throw Error("cannot move the existing " + quoted(target_) + " aside");
        }
    }
    if (!QDir().rename(folder, target_)) {
        if (!aside.isEmpty()) {
            QDir().rename(aside, target_);
        }
        throw Error("cannot rename " + quoted(folder) + " to " + quoted(target_));
    }
    committed_ = true;
    if (!aside.isEmpty()) {
        QDir(aside).removeRecursively();  // a flat, plain folder (see targetState)
    }
}

}  // namespace airbench::dataio
