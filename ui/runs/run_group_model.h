#pragma once
// The run history grouped by configuration (HistoryController::groups()): runs that differ only in
// their seed form one row, with how many there are and the mean, standard deviation and 95%
// confidence interval of their TTA accuracy, so that "is this setting better?" reads off one table.

#include <airbench/history_types.h>

#include <QAbstractTableModel>

#include <vector>

namespace airbench::ui {

class HistoryController;

class RunGroupModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        RecipeColumn,
        ConfigurationColumn,
        RunsColumn,
        FinishedColumn,
        MeanColumn,
        StdColumn,
        Ci95Column,
        TimeColumn,
        LastRunColumn,
        ColumnCount
    };
    // Numbers as numbers (fractions for accuracies), for sorting and tests.
    static constexpr int SortRole = Qt::UserRole + 1;

    // `history` must outlive the model; one that could not be opened: an empty table. Reads the
    // groups at once.
    explicit RunGroupModel(HistoryController* history, QObject* parent = nullptr);

    void setFilter(const history::RunFilter& filter);
    bool reload();
    QString lastError() const { return error_; }
    const history::RunGroup& group(int row) const { return groups_.at(static_cast<size_t>(row)); }

    // What sets a configuration apart, in a line: "epochs 1 · width 0.125 · batch 256 · CIFAR-10
    // (2,048 / 512)" (from the group key's JSON).
    static QString describeConfiguration(const std::string& configKey);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    HistoryController* history_;
    history::RunFilter filter_;
    std::vector<history::RunGroup> groups_;
    // describeConfiguration() of each group, made at reload: data() runs on every paint and every
    // sort comparison, too often to parse JSON.
    std::vector<QString> descriptions_;
    QString error_;
};

}  // namespace airbench::ui
