#pragma once
// Paints one grid cell: the example's thumbnail upscaled without smoothing (crisp pixels), a
// stripe under it that says whether the network got it right (green) or wrong (red), and the
// selection frame. Every cell has the same size (the view sets uniform item sizes).

#include <QStyledItemDelegate>

namespace airbench::ui {

class ThumbnailDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    explicit ThumbnailDelegate(QObject* parent = nullptr);

    int imageSide() const { return side_; }
    void setImageSide(int pixels);  // 32, 64, 96, ...: whole multiples stay crisp
    QSize cellSize() const;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int side_ = 64;
};

}  // namespace airbench::ui
