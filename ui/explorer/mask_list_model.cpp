#include "explorer/mask_list_model.h"

#include "common/format.h"

#include <QBrush>
#include <QLocale>

#include <algorithm>

namespace airbench::ui {

MaskListModel::MaskListModel(QObject* parent) : QAbstractTableModel(parent) {}

void MaskListModel::setContext(const DataContext& context) {
    beginResetModel();
    context_ = context;
    labels_ = context.labels(Split::Train);
    for (Item& item : masks_) {
        count(item);
    }
    endResetModel();
}

bool MaskListModel::applies(const Mask& mask) const {
    if (!context_.valid() || mask.size() != context_.trainCount) {
        return false;
    }
    return mask.datasetHash().empty() || mask.datasetHash() == context_.hash;
}

bool MaskListModel::applies(int row) const {
    const MaskPtr m = mask(row);
    return m && applies(*m);
}

void MaskListModel::count(Item& item) const {
    item.kept = item.mask->count();
    item.classCounts.clear();
    if (applies(*item.mask)) {
        item.classCounts = item.mask->classCounts(labels_, context_.classes());
    }
}

QString MaskListModel::uniqueName(const QString& wanted, int except) const {
    const QString base = wanted.trimmed().isEmpty() ? tr("mask") : wanted.trimmed();
    auto taken = [&](const QString& name) {
        for (size_t r = 0; r < masks_.size(); ++r) {
            if (int(r) != except && QString::fromStdString(masks_[r].mask->name()) == name) {
                return true;
            }
        }
        return false;
    };
    QString name = base;
    for (int k = 2; taken(name); ++k) {
        name = QStringLiteral("%1 (%2)").arg(base).arg(k);
    }
    return name;
}

int MaskListModel::addMask(Mask mask) {
    mask.setName(uniqueName(QString::fromStdString(mask.name())).toStdString());
    Item item{std::make_shared<const Mask>(std::move(mask)), 0, {}};
    count(item);
    const int row = maskCount();
    beginInsertRows({}, row, row);
    masks_.push_back(std::move(item));
    endInsertRows();
    return row;
}

void MaskListModel::removeMask(int row) {
    if (row < 0 || row >= maskCount()) {
        return;
    }
    beginRemoveRows({}, row, row);
    masks_.erase(masks_.begin() + row);
    endRemoveRows();
}

MaskPtr MaskListModel::mask(int row) const {
    return row >= 0 && row < maskCount() ? masks_[static_cast<size_t>(row)].mask : nullptr;
}

int MaskListModel::rowOf(const QString& name) const {
    for (int r = 0; r < maskCount(); ++r) {
        if (QString::fromStdString(masks_[static_cast<size_t>(r)].mask->name()) == name) {
            return r;
        }
    }
    return -1;
}

const std::vector<int64_t>& MaskListModel::classCounts(int row) const {
    static const std::vector<int64_t> none;
    return row >= 0 && row < maskCount() ? masks_[static_cast<size_t>(row)].classCounts : none;
}

int MaskListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : maskCount();
}

int MaskListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MaskListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= maskCount()) {
        return {};
    }
    const Item& item = masks_[static_cast<size_t>(index.row())];
    const Mask& m = *item.mask;
    const bool ok = applies(m);
    const QLocale locale;
    if (role == MaskRole) {
        return QVariant::fromValue(item.mask);
    }
    if (role == Qt::ForegroundRole && !ok) {
        return QBrush(Qt::gray);
    }
    if (role == Qt::ToolTipRole) {
        QString tip = QString::fromStdString(m.description());
        if (!ok) {
            tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) +
                   tr("Made for other examples (%1 of them): not usable with the training set "
                      "in use (%2 examples).")
                       .arg(locale.toString(static_cast<qlonglong>(m.size())))
                       .arg(locale.toString(static_cast<qlonglong>(context_.trainCount)));
        }
        return tip;
    }
    if (role == Qt::TextAlignmentRole && index.column() != NameColumn) {
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole) {
        return {};
    }
    switch (index.column()) {
        case NameColumn:
            return QString::fromStdString(m.name());
        case KeptColumn:
            return locale.toString(static_cast<qlonglong>(item.kept));
        case ShareColumn:
            return m.size() > 0 ? formatPercent(double(item.kept) / double(m.size()), 1)
                                : QStringLiteral("–");
        case ClassRangeColumn: {
            if (item.classCounts.empty()) {
                return QStringLiteral("–");
            }
            const auto [lo, hi] =
                std::minmax_element(item.classCounts.begin(), item.classCounts.end());
            return QStringLiteral("%1–%2").arg(*lo).arg(*hi);
        }
        default:
            return {};
    }
}

QVariant MaskListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::ToolTipRole && section == ClassRangeColumn) {
        return tr("Fewest and most examples of one class");
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case NameColumn:
            return tr("Mask");
        case KeptColumn:
            return tr("Kept");
        case ShareColumn:
            return tr("Share");
        case ClassRangeColumn:
            return tr("Per class");
        default:
            return {};
    }
}

Qt::ItemFlags MaskListModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == NameColumn) {
        f |= Qt::ItemIsEditable;
    }
    return f;
}

bool MaskListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid() || index.column() != NameColumn || role != Qt::EditRole) {
        return false;
    }
    Item& item = masks_[static_cast<size_t>(index.row())];
    Mask renamed = *item.mask;
    renamed.setName(uniqueName(value.toString(), index.row()).toStdString());
    item.mask = std::make_shared<const Mask>(std::move(renamed));
    emit dataChanged(index, index);
    return true;
}

}  // namespace airbench::ui
