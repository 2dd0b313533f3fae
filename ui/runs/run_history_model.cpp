#include "runs/run_history_model.h"

#include "common/format.h"
#include "runs/history_controller.h"

#include <airbench/history.h>

#include <QDateTime>
#include <QLocale>
#include <QStringList>

#include <cmath>
#include <exception>

namespace airbench::ui {
namespace {

bool sameIds(const std::vector<history::RunRecord>& a, const std::vector<history::RunRecord>& b,
             size_t offsetInB) {
    if (a.size() + offsetInB != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].id != b[i + offsetInB].id) {
            return false;
        }
    }
    return true;
}

QVariant number(double value) {
    // Unmeasured values sort below every measured one.
    return std::isfinite(value) ? QVariant(value) : QVariant(-1.0);
}

}  // namespace

RunHistoryModel::RunHistoryModel(HistoryController* history, QObject* parent)
    : QAbstractTableModel(parent), history_(history) {
    filter_.withConfig = false;  // the table never shows it; it is most of a row's bytes
    reload();
}

void RunHistoryModel::setFilter(const history::RunFilter& filter) {
    filter_ = filter;
    filter_.withConfig = false;
    reload();
}

namespace {

bool sameNumber(double a, double b) {
    return a == b || (std::isnan(a) && std::isnan(b));
}

// Whether anything a run's progress, its end, or the user's editing changes differs (the rest of
// a record is written once, when the run starts).
bool sameState(const history::RunRecord& a, const history::RunRecord& b) {
    return a.updatedAt == b.updatedAt && a.finishedAt == b.finishedAt && a.status == b.status &&
           a.error == b.error && a.epochsDone == b.epochsDone && a.steps == b.steps &&
           sameNumber(a.valAccuracy, b.valAccuracy) &&
           sameNumber(a.ttaValAccuracy, b.ttaValAccuracy) &&
           sameNumber(a.trainSeconds, b.trainSeconds) && a.tags == b.tags && a.notes == b.notes &&
           a.messages == b.messages;
}

}  // namespace

bool RunHistoryModel::reload() {
    std::vector<history::RunRecord> fresh;
    try {
        fresh = history_->runs(filter_);
        error_.clear();
    } catch (const std::exception& e) {
        error_ = QString::fromUtf8(e.what());
        return false;
    }
    // Newest first: the usual change is a few new runs on top of the same list.
    if (fresh.size() >= runs_.size() && sameIds(runs_, fresh, fresh.size() - runs_.size())) {
        const size_t added = fresh.size() - runs_.size();
        // The rows that were already listed and changed (a run training, an edit elsewhere):
        // only those are announced, in contiguous ranges, so that a poll during a run does not
        // make the views redraw and re-sort every row.
        std::vector<std::pair<int, int>> changed;
        for (size_t i = 0; i < runs_.size(); ++i) {
            if (!sameState(runs_[i], fresh[added + i])) {
                const int row = static_cast<int>(added + i);
                if (!changed.empty() && changed.back().second == row - 1) {
                    changed.back().second = row;
                } else {
                    changed.emplace_back(row, row);
                }
            }
        }
        if (added > 0) {
            beginInsertRows({}, 0, static_cast<int>(added) - 1);
            runs_ = std::move(fresh);
            indexRows();
            endInsertRows();
        } else {
            runs_ = std::move(fresh);
        }
        for (const auto& [first, last] : changed) {
            emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
        }
        return true;
    }
    beginResetModel();
    runs_ = std::move(fresh);
    indexRows();
    endResetModel();
    return true;
}

void RunHistoryModel::indexRows() {
    rowOfId_.clear();
    rowOfId_.reserve(static_cast<qsizetype>(runs_.size()));
    for (size_t i = 0; i < runs_.size(); ++i) {
        rowOfId_.insert(runs_[i].id, static_cast<int>(i));
    }
}

int RunHistoryModel::rowOf(int64_t id) const {
    return rowOfId_.value(id, -1);
}

void RunHistoryModel::setRunColors(const QHash<qint64, QColor>& colors) {
    colors_ = colors;
    if (!runs_.empty()) {
        emit dataChanged(index(0, IdColumn), index(rowCount() - 1, IdColumn), {Qt::DecorationRole});
    }
}

int RunHistoryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(runs_.size());
}

int RunHistoryModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString RunHistoryModel::joinTags(const std::vector<std::string>& tags) {
    QStringList out;
    for (const std::string& t : tags) {
        out << QString::fromStdString(t);
    }
    return out.join(QStringLiteral(", "));
}

std::vector<std::string> RunHistoryModel::splitTags(const QString& text) {
    std::vector<std::string> out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString tag = part.trimmed();
        if (!tag.isEmpty()) {
            out.push_back(tag.toStdString());
        }
    }
    return out;
}

QString RunHistoryModel::localTime(const std::string& timestamp) {
    const QDateTime t = QDateTime::fromString(QString::fromStdString(timestamp), Qt::ISODateWithMs);
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                       : QString::fromStdString(timestamp);
}

QVariant RunHistoryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const history::RunRecord& r = runs_[static_cast<size_t>(index.row())];
    const int column = index.column();
    if (role == IdRole) {
        return QVariant::fromValue<qint64>(r.id);
    }
    if (role == Qt::DecorationRole && column == IdColumn) {
        const auto colour = colors_.constFind(r.id);
        return colour != colors_.constEnd() ? QVariant(*colour) : QVariant();
    }
    if (role == Qt::TextAlignmentRole) {
        switch (column) {
            case IdColumn:
            case SeedColumn:
            case ValAccuracyColumn:
            case TtaAccuracyColumn:
            case TimeColumn:
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            default:
                return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
            case StatusColumn:
                return r.error.empty() ? QVariant() : QString::fromStdString(r.error);
            case DatasetColumn:
                return QString::fromStdString(r.datasetHash);
            case MaskColumn:
                return QString::fromStdString(r.maskHash);
            case NotesColumn:
                return QString::fromStdString(r.notes);
            default:
                return tr("%1 · %2 · %3")
                    .arg(QString::fromStdString(r.device),
                         QString::fromStdString(r.softwareVersion),
                         QString::fromStdString(r.writerHost));
        }
    }
    if (role == SortRole) {
        switch (column) {
            case IdColumn:
                return QVariant::fromValue<qint64>(r.id);
            case SeedColumn:
                return QVariant::fromValue<qulonglong>(r.seed);
            case ValAccuracyColumn:
                return number(r.valAccuracy);
            case TtaAccuracyColumn:
                return number(r.ttaValAccuracy);
            case TimeColumn:
                return number(r.trainSeconds);
            case StartedColumn:
                return QString::fromStdString(r.startedAt);
            default:
                return data(index, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole) {
        return {};
    }
    switch (column) {
        case IdColumn:
            return QVariant::fromValue<qint64>(r.id);
        case RecipeColumn:
            return QString::fromStdString(r.recipe);
        case StartedColumn:
            return localTime(r.startedAt);
        case DatasetColumn:
            return QString::fromStdString(r.datasetName);
        case MaskColumn:
            return QString::fromStdString(r.maskName);
        case SeedColumn:
            return QString::number(r.seed);
        case ValAccuracyColumn:
            return std::isfinite(r.valAccuracy) ? formatPercent(r.valAccuracy) : QString();
        case TtaAccuracyColumn:
            return std::isfinite(r.ttaValAccuracy) ? formatPercent(r.ttaValAccuracy) : QString();
        case TimeColumn:
            return std::isfinite(r.trainSeconds) ? formatSeconds(r.trainSeconds) : QString();
        case StatusColumn:
            if (r.status == history::RunStatus::Running && r.plannedEpochs > 0) {
                return tr("running (epoch %1/%2)").arg(r.epochsDone).arg(r.plannedEpochs);
            }
            return QString::fromStdString(history::statusName(r.status));
        case TagsColumn:
            return joinTags(r.tags);
        case NotesColumn:
            // One line in the table; the whole text in the tooltip and the editor.
            return role == Qt::EditRole
                       ? QString::fromStdString(r.notes)
                       : QString::fromStdString(r.notes).section(QLatin1Char('\n'), 0, 0);
    }
    return {};
}

bool RunHistoryModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!history_->isOpen() || !index.isValid() || role != Qt::EditRole ||
        (index.column() != TagsColumn && index.column() != NotesColumn)) {
        return false;
    }
    history::RunRecord& r = runs_[static_cast<size_t>(index.row())];
    try {
        if (index.column() == TagsColumn) {
            const std::vector<std::string> tags =
                history::normalizeTags(splitTags(value.toString()));
            history_->setTags(r.id, tags);
            r.tags = tags;
        } else {
            const std::string notes = value.toString().toStdString();
            history_->setNotes(r.id, notes);
            r.notes = notes;
        }
    } catch (const std::exception& e) {
        emit editFailed(tr("Could not save the %1 of run %2: %3")
                            .arg(index.column() == TagsColumn ? tr("tags") : tr("notes"))
                            .arg(r.id)
                            .arg(QString::fromUtf8(e.what())));
        return false;
    }
    emit dataChanged(index, index);
    return true;
}

Qt::ItemFlags RunHistoryModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && history_->isOpen() &&
        (index.column() == TagsColumn || index.column() == NotesColumn)) {
        f |= Qt::ItemIsEditable;
    }
    return f;
}

QVariant RunHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
            case TagsColumn:
                return tr("Comma-separated; double-click to edit");
            case NotesColumn:
                return tr("Your notes; double-click to edit");
            case TtaAccuracyColumn:
                return tr("Final test accuracy with the recipe's test-time augmentation");
            default:
                return {};
        }
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case IdColumn:
            return tr("Run");
        case RecipeColumn:
            return tr("Recipe");
        case StartedColumn:
            return tr("Started");
        case DatasetColumn:
            return tr("Dataset");
        case MaskColumn:
            return tr("Mask");
        case SeedColumn:
            return tr("Seed");
        case ValAccuracyColumn:
            return tr("Val acc.");
        case TtaAccuracyColumn:
            return tr("TTA acc.");
        case TimeColumn:
            return tr("Time");
        case StatusColumn:
            return tr("Status");
        case TagsColumn:
            return tr("Tags");
        case NotesColumn:
            return tr("Notes");
    }
    return {};
}

}  // namespace airbench::ui
