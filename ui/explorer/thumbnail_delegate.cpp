#include "explorer/thumbnail_delegate.h"

#include "explorer/example_grid_model.h"

#include <QPainter>

namespace airbench::ui {
namespace {

constexpr int kMargin = 2;  // around the image, inside the cell
constexpr int kStripe = 3;  // the correct / wrong stripe under the image

}  // namespace

ThumbnailDelegate::ThumbnailDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

void ThumbnailDelegate::setImageSide(int pixels) {
    side_ = qBound(16, pixels, 256);
}

QSize ThumbnailDelegate::cellSize() const {
    return {side_ + 2 * kMargin, side_ + 2 * kMargin + kStripe};
}

QSize ThumbnailDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex&) const {
    return cellSize();
}

void ThumbnailDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const {
    painter->save();
    const QRect cell = option.rect;
    const bool selected = option.state & QStyle::State_Selected;
    if (selected) {
        painter->fillRect(cell, option.palette.highlight());
    }
    const QRect image(cell.left() + kMargin, cell.top() + kMargin, side_, side_);
    // Nearest neighbour: the 32x32 pixels become side/32 squares, never a blur.
    painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter->drawImage(image, index.data(ExampleGridModel::ImageRole).value<QImage>());
    const int correct = index.data(ExampleGridModel::CorrectRole).toInt();
    if (correct >= 0) {
        const QRect stripe(image.left(), image.bottom() + 1, side_, kStripe);
        painter->fillRect(stripe, correct ? QColor(44, 160, 44) : QColor(214, 39, 40));
    }
    if (option.state & QStyle::State_HasFocus) {
        painter->setPen(QPen(option.palette.highlight().color().darker(130), 1, Qt::DotLine));
        painter->drawRect(cell.adjusted(0, 0, -1, -1));
    }
    painter->restore();
}

}  // namespace airbench::ui
