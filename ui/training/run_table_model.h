#pragma once
// Every run of the session as a table row (newest last): seed, progress, accuracies, time,
// state, recipe (the numbers first, where a narrow table still shows them). The run's plot colour
// is the first column's decoration.

#include <QAbstractTableModel>

namespace airbench::ui {

class TrainingSession;

class RunTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        RunColumn,
        SeedColumn,
        EpochsColumn,
        StepsColumn,
        ValAccuracyColumn,
        TtaAccuracyColumn,
        TimeColumn,
        StateColumn,
        RecipeColumn,
        ColumnCount
    };

    explicit RunTableModel(TrainingSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void runChanged(int id);

    TrainingSession* session_;
    int rows_ = 0;  // rows announced to views so far
};

}  // namespace airbench::ui
