#include "runs/run_group_model.h"

#include <airbench/run_config.h>

#include "common/format.h"
#include "runs/history_controller.h"
#include "runs/run_history_model.h"

#include <airbench/history.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QStringList>

#include <exception>

namespace airbench::ui {

RunGroupModel::RunGroupModel(HistoryController* history, QObject* parent)
    : QAbstractTableModel(parent), history_(history) {
    reload();
}

void RunGroupModel::setFilter(const history::RunFilter& filter) {
    filter_ = filter;
    reload();
}

bool RunGroupModel::reload() {
    std::vector<history::RunGroup> fresh;
    try {
        fresh = history_->groups(filter_);
        error_.clear();
    } catch (const std::exception& e) {
        error_ = QString::fromUtf8(e.what());
        return false;
    }
    std::vector<QString> descriptions;
    descriptions.reserve(fresh.size());
    for (const history::RunGroup& g : fresh) {
        descriptions.push_back(describeConfiguration(g.configKey));
    }
    beginResetModel();
    groups_ = std::move(fresh);
    descriptions_ = std::move(descriptions);
    endResetModel();
    return true;
}

QString RunGroupModel::describeConfiguration(const std::string& configKey) {
    return QString::fromStdString(describeRecordedConfig(configKey));
}

int RunGroupModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(groups_.size());
}

int RunGroupModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunGroupModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const history::RunGroup& g = groups_[static_cast<size_t>(index.row())];
    const Summary& acc = g.ttaAccuracy;
    const bool measured = acc.count > 0;
    if (role == Qt::ToolTipRole) {
        if (index.column() == ConfigurationColumn) {
            return QString::fromUtf8(QJsonDocument::fromJson(QByteArray::fromStdString(g.configKey))
                                         .toJson(QJsonDocument::Indented));
        }
        if (index.column() == Ci95Column) {
            return tr("Half-width of the 95% confidence interval of the mean (Student's t)");
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        return index.column() == RecipeColumn || index.column() == ConfigurationColumn ||
                       index.column() == LastRunColumn
                   ? QVariant()
                   : QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == SortRole) {
        switch (index.column()) {
            case RunsColumn:
                return static_cast<int>(g.runIds.size());
            case FinishedColumn:
                return g.finished;
            case MeanColumn:
                return measured ? acc.mean : -1.0;
            case StdColumn:
                return measured ? acc.stddev : -1.0;
            case Ci95Column:
                return measured ? acc.ci95 : -1.0;
            case TimeColumn:
                return g.seconds.count > 0 ? g.seconds.mean : -1.0;
            case LastRunColumn:
                return QString::fromStdString(g.lastStartedAt);
            default:
                return data(index, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (index.column()) {
        case RecipeColumn:
            return QString::fromStdString(g.recipe);
        case ConfigurationColumn:
            return descriptions_[static_cast<size_t>(index.row())];
        case RunsColumn:
            return static_cast<int>(g.runIds.size());
        case FinishedColumn:
            return g.finished;
        case MeanColumn:
            return measured ? formatPercent(acc.mean) : QString();
        case StdColumn:
            return measured ? QStringLiteral("± %1").arg(formatPercent(acc.stddev)) : QString();
        case Ci95Column:
            return measured ? QStringLiteral("± %1").arg(formatPercent(acc.ci95)) : QString();
        case TimeColumn:
            return g.seconds.count > 0 ? formatSeconds(g.seconds.mean) : QString();
        case LastRunColumn:
            return RunHistoryModel::localTime(g.lastStartedAt);
    }
    return {};
}

QVariant RunGroupModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case RecipeColumn:
            return tr("Recipe");
        case ConfigurationColumn:
            return tr("Configuration");
        case RunsColumn:
            return tr("Runs");
        case FinishedColumn:
            return tr("Finished");
        case MeanColumn:
            return tr("TTA acc. mean");
        case StdColumn:
            return tr("Std");
        case Ci95Column:
            return tr("95% CI");
        case TimeColumn:
            return tr("Mean time");
        case LastRunColumn:
            return tr("Last run");
    }
    return {};
}

}  // namespace airbench::ui
