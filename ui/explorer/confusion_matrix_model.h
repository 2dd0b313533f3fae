#pragma once
// The test set's confusion matrix as a table model: row = true class, column = predicted class,
// each cell the number of test images, shaded by its share of the row; a last column with the
// class's accuracy (recall). Built from the predictions of one run's network on the test set.

#include <QAbstractTableModel>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace airbench::ui {

class ConfusionMatrixModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Role { CountRole = Qt::UserRole + 1, FractionRole };

    explicit ConfusionMatrixModel(QObject* parent = nullptr);

    // Counts the (label, predicted) pairs; `classNames` label the rows and columns.
    void setPredictions(const std::vector<int64_t>& labels, const std::vector<int16_t>& predicted,
                        const QStringList& classNames);
    void clear();

    int classes() const { return classNames_.size(); }
    int64_t count(int trueClass, int predicted) const;
    double classAccuracy(int trueClass) const;  // NaN for a class without examples
    double accuracy() const;                    // over all examples
    int64_t total() const { return total_; }
    int64_t correct() const { return correct_; }
    // The accuracy column's index (== classes()).
    int accuracyColumn() const { return classes(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QStringList classNames_;
    std::vector<int64_t> counts_;  // (classes, classes) row-major
    std::vector<int64_t> rowTotals_;
    int64_t total_ = 0, correct_ = 0;
};

}  // namespace airbench::ui
