#include "data/dataset_preview_model.h"

#include "common/thumbnail_cache.h"

#include <QLocale>

namespace airbench::ui {

DatasetPreviewModel::DatasetPreviewModel(QObject* parent) : QAbstractTableModel(parent) {}

void DatasetPreviewModel::setPreview(DatasetPtr dataset, dataio::DatasetPreview preview,
                                     std::vector<int64_t> trainCounts,
                                     std::vector<int64_t> testCounts) {
    beginResetModel();
    dataset_ = std::move(dataset);
    preview_ = std::move(preview);
    trainCounts_ = std::move(trainCounts);
    testCounts_ = std::move(testCounts);
    images_.clear();
    if (dataset_) {
        for (const std::vector<int64_t>& samples : preview_.trainSamples) {
            QVector<QImage> row;
            for (int64_t i : samples) {
                row << ThumbnailCache::render(dataset_->train.image(i))
                           .scaled(kImageSide * kScale, kImageSide * kScale, Qt::IgnoreAspectRatio,
                                   Qt::FastTransformation);
            }
            images_ << row;
        }
    }
    endResetModel();
}

void DatasetPreviewModel::clear() {
    setPreview(nullptr, {}, {}, {});
}

int64_t DatasetPreviewModel::trainCount(int c) const {
    return c >= 0 && c < static_cast<int>(trainCounts_.size()) ? trainCounts_[size_t(c)] : 0;
}

int64_t DatasetPreviewModel::testCount(int c) const {
    return c >= 0 && c < static_cast<int>(testCounts_.size()) ? testCounts_[size_t(c)] : 0;
}

int DatasetPreviewModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !dataset_ ? 0 : static_cast<int>(preview_.classNames.size());
}

int DatasetPreviewModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : FirstSampleColumn + kSamples;
}

QVariant DatasetPreviewModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const int c = index.row();
    const int column = index.column();
    if (column >= FirstSampleColumn) {
        const int s = column - FirstSampleColumn;
        if (c >= images_.size() || s >= images_[c].size()) {
            return {};
        }
        if (role == Qt::DecorationRole) {
            return images_[c][s];
        }
        if (role == Qt::ToolTipRole) {
            return tr("training image %1").arg(preview_.trainSamples[size_t(c)][size_t(s)]);
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        return column == ClassColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                     : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::UserRole) {
        switch (column) {
            case TrainCountColumn:
                return QVariant::fromValue<qint64>(trainCount(c));
            case TestCountColumn:
                return QVariant::fromValue<qint64>(testCount(c));
            default:
                break;
        }
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    const QLocale locale;
    switch (column) {
        case ClassColumn:
            return QString::fromStdString(preview_.classNames[size_t(c)]);
        case TrainCountColumn:
            return locale.toString(static_cast<qlonglong>(trainCount(c)));
        case TestCountColumn:
            return locale.toString(static_cast<qlonglong>(testCount(c)));
    }
    return {};
}

QVariant DatasetPreviewModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case ClassColumn:
            return tr("Class");
        case TrainCountColumn:
            return tr("Train");
        case TestCountColumn:
            return tr("Test");
        case FirstSampleColumn:
            return tr("First training images");
    }
    return QString();
}

}  // namespace airbench::ui
