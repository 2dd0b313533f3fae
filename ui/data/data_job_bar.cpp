#include "data/data_job_bar.h"

#include "data/data_job_controller.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace airbench::ui {

DataJobBar::DataJobBar(DataJobController* jobs, QWidget* parent) : QFrame(parent), jobs_(jobs) {
    setObjectName(QStringLiteral("dataJobBar"));
    setStyleSheet(
        QStringLiteral("#dataJobBar { background: #eef4fb; border: 1px solid #b6cbe2; "
                       "border-radius: 4px; }"
                       "#dataJobBar[failed=\"true\"] { background: #fdecea; "
                       "border-color: #e0a6a1; }"));
    title_ = new QLabel;
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    detail_ = new QLabel;
    detail_->setTextFormat(Qt::PlainText);
    detail_->setWordWrap(true);
    detail_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(progress_->fontMetrics().height());
    cancel_ = new QPushButton(tr("Cancel"));
    connect(cancel_, &QPushButton::clicked, jobs_, &DataJobController::cancel);
    import_ = new QPushButton;  // its text depends on what failed (showState)
    connect(import_, &QPushButton::clicked, this, [this] {
        hide();
        emit importFileRequested();
    });
    close_ = new QToolButton;
    close_->setAutoRaise(true);
    close_->setText(QStringLiteral("✕"));
    close_->setToolTip(tr("Dismiss"));
    connect(close_, &QToolButton::clicked, this, &QWidget::hide);

    auto* text = new QVBoxLayout;
    text->setSpacing(2);
    text->addWidget(title_);
    text->addWidget(progress_);
    text->addWidget(detail_);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addLayout(text, 1);
    layout->addWidget(cancel_, 0, Qt::AlignVCenter);
    layout->addWidget(import_, 0, Qt::AlignVCenter);
    layout->addWidget(close_, 0, Qt::AlignTop);
    setVisible(false);

    connect(jobs_, &DataJobController::started, this, [this] {
        showState();
        show();
    });
    connect(jobs_, &DataJobController::progressChanged, this, &DataJobBar::showState);
    connect(jobs_, &DataJobController::succeeded, this, &QWidget::hide);
    connect(jobs_, &DataJobController::cancelled, this, &QWidget::hide);
    connect(jobs_, &DataJobController::failed, this, [this] {
        showState();
        show();
    });
}

QString DataJobBar::titleText() const {
    return title_->text();
}

QString DataJobBar::detailText() const {
    return detail_->text();
}

void DataJobBar::showState() {
    const bool running = jobs_->isBusy();
    const bool failed = jobs_->state() == DataJobController::State::Failed;
    if (property("failed").toBool() != failed) {  // restyles; not on every progress tick
        setProperty("failed", failed);
        style()->unpolish(this);
        style()->polish(this);
    }
    if (failed) {
        title_->setText(jobs_->kind() == DataJobController::Kind::Fetch
                            ? tr("Could not get CIFAR-10")
                            : tr("Could not import"));
        detail_->setText(jobs_->errorString());
    } else {
        title_->setText(jobs_->stage().isEmpty()
                            ? jobs_->title()
                            : tr("%1 · %2").arg(jobs_->title(), jobs_->stage()));
        detail_->setText(jobs_->progressText());
    }
    progress_->setVisible(running);
    if (jobs_->fraction() >= 0) {
        progress_->setRange(0, 1000);
        progress_->setValue(qRound(jobs_->fraction() * 1000));
    } else {
        progress_->setRange(0, 0);  // busy: the step has no known size
    }
    cancel_->setVisible(running);
    import_->setVisible(failed);
    if (jobs_->kind() == DataJobController::Kind::Fetch) {
        import_->setText(tr("Import a local file…"));
        import_->setToolTip(
            tr("Import cifar-10-binary.tar.gz (or a dataset folder) you already have"));
    } else {
        import_->setText(tr("Choose another file…"));
        import_->setToolTip(tr("Import a different archive or dataset folder"));
    }
    close_->setVisible(!running);
}

}  // namespace airbench::ui
