#pragma once
// A dataset at a glance, one row per class: its name, how many training and test images it has,
// and its first training images (dataio::previewDataset picks them), drawn at their 32x32 pixels
// scaled up by whole factors without smoothing, so every pixel stays visible.

#include "common/engine_types.h"

#include <airbench/dataio/preview.h>

#include <QAbstractTableModel>
#include <QImage>
#include <QVector>

#include <cstdint>
#include <vector>

namespace airbench::ui {

class DatasetPreviewModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { ClassColumn, TrainCountColumn, TestCountColumn, FirstSampleColumn };
    static constexpr int kSamples = 8;  // per class
    static constexpr int kScale = 2;    // 32x32 -> 64x64

    explicit DatasetPreviewModel(QObject* parent = nullptr);

    // `trainCounts` / `testCounts` per class (classCounts()); an empty dataset clears the table.
    void setPreview(DatasetPtr dataset, dataio::DatasetPreview preview,
                    std::vector<int64_t> trainCounts, std::vector<int64_t> testCounts);
    void clear();
    const dataio::DatasetPreview& preview() const { return preview_; }
    DatasetPtr dataset() const { return dataset_; }
    int64_t trainCount(int classIndex) const;
    int64_t testCount(int classIndex) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    DatasetPtr dataset_;
    dataio::DatasetPreview preview_;
    std::vector<int64_t> trainCounts_, testCounts_;
    QVector<QVector<QImage>> images_;  // [class][sample], already scaled
};

}  // namespace airbench::ui
