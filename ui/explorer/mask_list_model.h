#pragma once
// The session's masks as a table: name (editable), examples kept, share of the training set,
// and the smallest and largest class count (class imbalance at a glance; the bar chart beside
// the table shows every class). Masks for other examples than the ones in use (another dataset
// or subset) stay listed, greyed out, and cannot be used.

#include "analysis/analysis_types.h"

#include <QAbstractTableModel>

#include <vector>

namespace airbench::ui {

class MaskListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { NameColumn, KeptColumn, ShareColumn, ClassRangeColumn, ColumnCount };
    enum Role { MaskRole = Qt::UserRole + 1 };  // MaskPtr

    explicit MaskListModel(QObject* parent = nullptr);

    // The training examples in use: labels for the class counts, size and hash for whether a
    // mask applies.
    void setContext(const DataContext& context);
    const DataContext& context() const { return context_; }

    // Appends; a name already taken gets " (2)", " (3)", ... Returns the row.
    int addMask(Mask mask);
    void removeMask(int row);
    int maskCount() const { return static_cast<int>(masks_.size()); }
    MaskPtr mask(int row) const;
    int rowOf(const QString& name) const;  // -1 when absent
    // Kept examples per class (empty when the mask does not apply to the context).
    const std::vector<int64_t>& classCounts(int row) const;
    // Same size and (when both are known) the same dataset hash as the examples in use.
    bool applies(int row) const;
    bool applies(const Mask& mask) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

private:
    struct Item {
        MaskPtr mask;
        int64_t kept = 0;  // mask->count(), kept here: data() must not scan the mask per paint
        std::vector<int64_t> classCounts;
    };
    QString uniqueName(const QString& wanted, int except = -1) const;
    void count(Item& item) const;

    DataContext context_;
    std::vector<int64_t> labels_;
    std::vector<Item> masks_;
};

}  // namespace airbench::ui
