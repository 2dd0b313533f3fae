#include "explorer/confusion_matrix_model.h"

#include "common/format.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <cmath>
#include <limits>

namespace airbench::ui {

ConfusionMatrixModel::ConfusionMatrixModel(QObject* parent) : QAbstractTableModel(parent) {}

void ConfusionMatrixModel::setPredictions(const std::vector<int64_t>& labels,
                                          const std::vector<int16_t>& predicted,
                                          const QStringList& classNames) {
    beginResetModel();
    classNames_ = classNames;
    const int c = classNames.size();
    counts_.assign(static_cast<size_t>(c * c), 0);
    rowTotals_.assign(static_cast<size_t>(c), 0);
    total_ = correct_ = 0;
    const size_t n = std::min(labels.size(), predicted.size());
    for (size_t i = 0; i < n; ++i) {
        const int64_t t = labels[i], p = predicted[i];
        if (t < 0 || t >= c || p < 0 || p >= c) {
            continue;
        }
        ++counts_[static_cast<size_t>(t * c + p)];
        ++rowTotals_[static_cast<size_t>(t)];
        ++total_;
        correct_ += t == p;
    }
    endResetModel();
}

void ConfusionMatrixModel::clear() {
    beginResetModel();
    classNames_.clear();
    counts_.clear();
    rowTotals_.clear();
    total_ = correct_ = 0;
    endResetModel();
}

int64_t ConfusionMatrixModel::count(int trueClass, int predicted) const {
    const int c = classes();
    if (trueClass < 0 || trueClass >= c || predicted < 0 || predicted >= c) {
        return 0;
    }
    return counts_[static_cast<size_t>(trueClass * c + predicted)];
}

double ConfusionMatrixModel::classAccuracy(int trueClass) const {
    if (trueClass < 0 || trueClass >= classes() || rowTotals_[size_t(trueClass)] == 0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return double(count(trueClass, trueClass)) / double(rowTotals_[size_t(trueClass)]);
}

double ConfusionMatrixModel::accuracy() const {
    return total_ > 0 ? double(correct_) / double(total_)
                      : std::numeric_limits<double>::quiet_NaN();
}

int ConfusionMatrixModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : classes();
}

int ConfusionMatrixModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || classes() == 0 ? 0 : classes() + 1;
}

QVariant ConfusionMatrixModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) {
        return {};
    }
    const int t = index.row(), p = index.column();
    const bool accuracyCell = p == accuracyColumn();
    const int64_t n = accuracyCell ? 0 : count(t, p);
    const int64_t rowTotal = rowTotals_[static_cast<size_t>(t)];
    const double share = rowTotal > 0 ? double(n) / double(rowTotal) : 0.0;
    switch (role) {
        case Qt::DisplayRole:
            return accuracyCell ? formatPercent(classAccuracy(t), 0) : QString::number(n);
        case CountRole:
            return QVariant::fromValue<qlonglong>(n);
        case FractionRole:
            return accuracyCell ? classAccuracy(t) : share;
        case Qt::TextAlignmentRole:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::BackgroundRole: {
            if (accuracyCell) {
                return QBrush(QColor(245, 245, 245));
            }
            // Diagonal in blue, confusions in red; the deeper, the larger the row's share.
            const QColor base = t == p ? QColor(31, 119, 180) : QColor(214, 39, 40);
            const double alpha = t == p ? share : std::min(1.0, 3 * share);
            return QBrush(
                QColor(base.red(), base.green(), base.blue(), int(std::lround(200 * alpha))));
        }
        case Qt::ForegroundRole:
            return !accuracyCell && t == p && share > 0.6 ? QBrush(Qt::white) : QVariant();
        case Qt::ToolTipRole:
            if (accuracyCell) {
                return tr("%1: %2 of %3 test images right")
                    .arg(classNames_.value(t))
                    .arg(count(t, t))
                    .arg(rowTotal);
            }
            return tr("%1 test images of class %2 predicted as %3 (%4 of the class); click to "
                      "show them")
                .arg(n)
                .arg(classNames_.value(t), classNames_.value(p), formatPercent(share, 1));
        default:
            return {};
    }
}

QVariant ConfusionMatrixModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
    const bool accuracyHeader = orientation == Qt::Horizontal && section == accuracyColumn();
    if (role == Qt::ToolTipRole) {
        if (accuracyHeader) {
            return tr("accuracy on the class (its row)");
        }
        return (orientation == Qt::Vertical ? tr("true class: %1") : tr("predicted: %1"))
            .arg(classNames_.value(section));
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    if (accuracyHeader) {
        return tr("acc.");
    }
    // Columns are narrow: "automobile" -> "auto".
    return orientation == Qt::Horizontal ? classNames_.value(section).left(4)
                                         : classNames_.value(section);
}

}  // namespace airbench::ui
