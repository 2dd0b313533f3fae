#include "training/run_table_model.h"

#include "common/curve_plot.h"
#include "common/format.h"
#include "training/training_session.h"

#include <QColor>

namespace airbench::ui {

RunTableModel::RunTableModel(TrainingSession* session, QObject* parent)
    : QAbstractTableModel(parent), session_(session) {
    rows_ = session_->runCount();
    connect(session_, &TrainingSession::runAdded, this, [this](int id) {
        beginInsertRows({}, id, id);
        rows_ = id + 1;
        endInsertRows();
    });
    connect(session_, &TrainingSession::runUpdated, this, &RunTableModel::runChanged);
    connect(session_, &TrainingSession::epochAppended, this, &RunTableModel::runChanged);
    connect(session_, &TrainingSession::stepsAppended, this,
            [this](int id) { emit dataChanged(index(id, StepsColumn), index(id, StepsColumn)); });
    connect(session_, &TrainingSession::cleared, this, [this] {
        beginResetModel();
        rows_ = session_->runCount();
        endResetModel();
    });
}

void RunTableModel::runChanged(int id) {
    emit dataChanged(index(id, 0), index(id, ColumnCount - 1));
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : rows_;
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_) {
        return {};
    }
    const RunRecord& r = session_->run(index.row());
    const bool done = r.state == RunRecord::State::Finished;
    if (role == Qt::DecorationRole && index.column() == RunColumn) {
        return CurvePlot::runColor(r.id);
    }
    if (role == Qt::ToolTipRole) {
        return r.state == RunRecord::State::Failed ? r.error : r.device;
    }
    if (role == Qt::TextAlignmentRole && index.column() != RecipeColumn &&
        index.column() != StateColumn) {
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (index.column()) {
        case RunColumn:
            return r.id + 1;
        case RecipeColumn:
            return r.mask.isEmpty() ? r.recipe : tr("%1 · mask %2").arg(r.recipe, r.mask);
        case SeedColumn:
            return QString::number(r.seed);
        case EpochsColumn:
            return QStringLiteral("%1/%2").arg(r.epochs.size()).arg(r.plan.epochs);
        case StepsColumn:
            return QStringLiteral("%1/%2").arg(r.losses.size()).arg(r.plan.totalSteps);
        case ValAccuracyColumn:
            return r.epochs.empty() ? QString() : formatPercent(r.epochs.back().valAccuracy);
        case TtaAccuracyColumn:
            return done ? formatPercent(r.summary.ttaValAccuracy) : QString();
        case TimeColumn:
            return r.state == RunRecord::State::Running || r.state == RunRecord::State::Failed
                       ? QString()
                       : formatSeconds(r.summary.seconds);
        case StateColumn:
            switch (r.state) {
                case RunRecord::State::Running:
                    return tr("running");
                case RunRecord::State::Finished:
                    return tr("finished");
                case RunRecord::State::Stopped:
                    return tr("stopped");
                case RunRecord::State::Failed:
                    return tr("failed");
            }
    }
    return {};
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case RunColumn:
            return tr("Run");
        case RecipeColumn:
            return tr("Recipe");
        case SeedColumn:
            return tr("Seed");
        case EpochsColumn:
            return tr("Epochs");
        case StepsColumn:
            return tr("Steps");
        case ValAccuracyColumn:
            return tr("Val acc.");
        case TtaAccuracyColumn:
            return tr("TTA acc.");
        case TimeColumn:
            return tr("Time");
        case StateColumn:
            return tr("State");
    }
    return {};
}

}  // namespace airbench::ui
