#include "common/error_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace airbench::ui {

ErrorBanner::ErrorBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("errorBanner"));
    setStyleSheet(QStringLiteral(
        "#errorBanner { background: #fdecea; border: 1px solid #e0a6a1; border-radius: 4px; }"
        "#errorBanner QLabel { color: #611a15; }"));
    icon_ = new QLabel;
    const int side = style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon_->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(side, side));
    text_ = new QLabel;
    text_->setTextFormat(Qt::PlainText);  // engine messages may hold '<' (paths, shapes)
    text_->setWordWrap(true);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    close_ = new QToolButton;
    close_->setAutoRaise(true);
    close_->setText(QStringLiteral("✕"));
    close_->setToolTip(tr("Dismiss"));
    connect(close_, &QToolButton::clicked, this, &ErrorBanner::dismiss);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(icon_, 0, Qt::AlignTop);
    layout->addWidget(text_, 1);
    layout->addWidget(close_, 0, Qt::AlignTop);
    setVisible(false);
}

QString ErrorBanner::text() const {
    return text_->text();
}

void ErrorBanner::showError(const QString& message) {
    text_->setText(message);
    setVisible(true);
}

void ErrorBanner::dismiss() {
    text_->clear();
    setVisible(false);
}

}  // namespace airbench::ui
