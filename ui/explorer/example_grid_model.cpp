#include "explorer/example_grid_model.h"

#include <QLocale>

namespace airbench::ui {

ExampleGridModel::ExampleGridModel(QObject* parent) : QAbstractListModel(parent) {}

void ExampleGridModel::setSource(const DataContext& context, Split split, ScoresPtr scores) {
    beginResetModel();
    if (context.dataset != context_.dataset) {
        cache_.clear();  // keys are (split, index) of one dataset
    }
    context_ = context;
    split_ = split;
    scores_ = std::move(scores);
    rows_.clear();
    rowOf_.clear();
    endResetModel();
}

void ExampleGridModel::setRows(std::vector<int64_t> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    rowOf_.clear();
    endResetModel();
}

int64_t ExampleGridModel::exampleAt(int row) const {
    return row >= 0 && row < static_cast<int>(rows_.size()) ? rows_[static_cast<size_t>(row)] : -1;
}

int ExampleGridModel::rowOf(int64_t example) const {
    if (!context_.valid() || example < 0 || example >= context_.count(split_)) {
        return -1;
    }
    if (rowOf_.empty()) {
        rowOf_.assign(static_cast<size_t>(context_.count(split_)), -1);
        for (size_t r = 0; r < rows_.size(); ++r) {
            rowOf_[static_cast<size_t>(rows_[r])] = static_cast<int32_t>(r);
        }
    }
    return rowOf_[static_cast<size_t>(example)];
}

int ExampleGridModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ExampleGridModel::data(const QModelIndex& index, int role) const {
    const int64_t i = exampleAt(index.row());
    if (i < 0 || !context_.valid()) {
        return {};
    }
    const ImageSet& images = context_.images(split_);
    const size_t k = static_cast<size_t>(i);
    const bool scored = scores_ && k < scores_->predicted.size();
    switch (role) {
        case ImageRole:
            return cache_.thumbnail(images, i, ThumbnailCache::keyOf(int(split_), i));
        case ExampleRole:
            return QVariant::fromValue<qlonglong>(i);
        case LabelRole:
            return static_cast<int>(images.labels[k]);
        case PredictedRole:
            return scored ? int(scores_->predicted[k]) : -1;
        case CorrectRole:
            return scored ? int(scores_->correct[k]) : -1;
        case Qt::AccessibleTextRole:
        case Qt::ToolTipRole: {
            QString text = tr("#%1 · %2")
                               .arg(QLocale().toString(static_cast<qlonglong>(i)),
                                    context_.className(images.labels[k]));
            if (scored) {
                const int p = scores_->predicted[k];
                text += scores_->correct[k] ? tr(" · predicted correctly")
                                            : tr(" · predicted %1").arg(context_.className(p));
                text += tr(" · p(true) %1").arg(double(scores_->trueProbability[k]), 0, 'f', 3);
            }
            return text;
        }
        default:
            return {};
    }
}

}  // namespace airbench::ui
