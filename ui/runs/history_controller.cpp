#include "runs/history_controller.h"

#include <airbench/history_export.h>

#include <QFileInfo>
#include <QSaveFile>
#include <QTimer>

#include <exception>
#include <stdexcept>

namespace airbench::ui {
namespace {

constexpr int kInterruptCheckMs = 5000;

}  // namespace

HistoryController::HistoryController(const QString& path, QObject* parent)
    : QObject(parent), path_(path), poll_(new QTimer(this)) {
    try {
        db_ = std::make_unique<history::Database>(path_.toStdString());
        lastVersion_ = db_->dataVersion();
        sinceInterruptCheck_.start();
    } catch (const std::exception& e) {
        db_.reset();
        openError_ = QString::fromUtf8(e.what());
    }
    poll_->setInterval(kPollIntervalMs);
    connect(poll_, &QTimer::timeout, this, [this] { refresh(); });
}

HistoryController::~HistoryController() = default;

history::Database& HistoryController::database() const {
    if (!db_) {
        throw std::runtime_error(
            tr("The run history could not be opened: %1").arg(openError_).toStdString());
    }
    return *db_;
}

std::vector<history::RunRecord> HistoryController::runs(const history::RunFilter& filter) const {
    return db_ ? db_->runs(filter) : std::vector<history::RunRecord>{};
}

std::vector<history::RunGroup> HistoryController::groups(const history::RunFilter& filter) const {
    return db_ ? db_->groups(filter) : std::vector<history::RunGroup>{};
}

std::optional<history::RunRecord> HistoryController::run(int64_t id) const {
    return db_ ? db_->run(id) : std::nullopt;
}

history::RunDetails HistoryController::details(int64_t id) const {
    return database().details(id);
}

QString HistoryController::checkpointOf(int64_t id) const {
    if (!db_) {
        return {};
    }
    QString path;
    try {
        for (const history::Artifact& a : db_->artifacts(id)) {
            if (a.kind == "checkpoint" && QFileInfo::exists(QString::fromStdString(a.path))) {
                path = QString::fromStdString(a.path);
            }
        }
    } catch (const std::exception&) {
        return {};  // a run deleted meanwhile by another connection
    }
    return path;
}

void HistoryController::setTags(int64_t id, const std::vector<std::string>& tags) {
    database().setTags(id, tags);
}

void HistoryController::setNotes(int64_t id, const std::string& notes) {
    database().setNotes(id, notes);
}

history::Database::DeleteResult HistoryController::deleteRuns(const std::vector<int64_t>& ids) {
    history::Database::DeleteResult result = database().deleteRuns(ids, true);
    refresh(true);
    return result;
}

void HistoryController::exportRuns(const std::vector<int64_t>& ids, const QString& path) const {
    const bool json = path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
    const std::string text =
        json ? history::exportRunsJson(database(), ids) : history::exportRunsCsv(database(), ids);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), static_cast<qint64>(text.size())) !=
            static_cast<qint64>(text.size()) ||
        !file.commit()) {
        throw std::runtime_error(
            tr("Could not write %1: %2").arg(path, file.errorString()).toStdString());
    }
}

void HistoryController::setPolling(bool on) {
    if (on && db_) {
        refresh();
        poll_->start();
    } else {
        poll_->stop();
    }
}

void HistoryController::refresh(bool force) {
    if (!db_) {
        return;
    }
    try {
        // A run left "running" by a process that died meanwhile (a crashed `airbench train`)
        // turns interrupted; opening did this once, a long-lived reader looks again now and then.
        if (sinceInterruptCheck_.elapsed() > kInterruptCheckMs) {
            sinceInterruptCheck_.restart();
            if (db_->markInterruptedRuns() > 0) {  // only reads while no run is dead
                force = true;
            }
        }
        const int64_t version = db_->dataVersion();
        if (!force && version == lastVersion_) {
            return;
        }
        lastVersion_ = version;
    } catch (const std::exception& e) {
        emit failed(QString::fromUtf8(e.what()));
        return;
    }
    emit changed();
}

}  // namespace airbench::ui
