#pragma once
// The explorer's grid as a flat list model: row r is example rows()[r] of one split. The rows
// come from an ExampleQuery (plain index vectors); the model only maps rows to examples and hands
// the thumbnail (from its ThumbnailCache, rendered on first paint) to the delegate. No per-item
// objects: 50,000 rows cost one vector.

#include "analysis/analysis_types.h"
#include "common/thumbnail_cache.h"

#include <QAbstractListModel>

#include <cstdint>
#include <vector>

namespace airbench::ui {

class ExampleGridModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        ImageRole = Qt::UserRole + 1,  // QImage, native 32x32
        ExampleRole,                   // qlonglong: index in the split
        LabelRole,                     // int: true class
        PredictedRole,                 // int: predicted class, -1 without scores
        CorrectRole,                   // int: 1, 0, or -1 without scores
    };

    explicit ExampleGridModel(QObject* parent = nullptr);

    // The split the rows index into, and its scores (null: none yet). Clears the rows.
    void setSource(const DataContext& context, Split split, ScoresPtr scores);
    void setRows(std::vector<int64_t> rows);

    const DataContext& context() const { return context_; }
    Split split() const { return split_; }
    const ScoresPtr& scores() const { return scores_; }
    const std::vector<int64_t>& rows() const { return rows_; }
    int64_t exampleAt(int row) const;
    // The row showing example `example`, or -1 (a reverse index, built on first use).
    int rowOf(int64_t example) const;

    ThumbnailCache& cache() { return cache_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    DataContext context_;
    Split split_ = Split::Train;
    ScoresPtr scores_;
    std::vector<int64_t> rows_;
    mutable std::vector<int32_t> rowOf_;  // example -> row, -1; empty until rowOf() needs it
    mutable ThumbnailCache cache_;
};

}  // namespace airbench::ui
