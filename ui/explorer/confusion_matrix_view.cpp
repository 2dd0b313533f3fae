#include "explorer/confusion_matrix_view.h"

#include "common/format.h"
#include "explorer/confusion_matrix_model.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableView>
#include <QVBoxLayout>

namespace airbench::ui {

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent) {
    model_ = new ConfusionMatrixModel(this);
    headline_ = new QLabel;
    headline_->setWordWrap(true);
    table_ = new QTableView;
    table_->setModel(model_);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setSelectionBehavior(QAbstractItemView::SelectItems);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Equal cells that fill the tab; the column headers are abbreviated (full names in the
    // tooltips and on the rows).
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->horizontalHeader()->setMinimumSectionSize(24);
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        if (model_->classes() > 0) {
            table_->horizontalHeader()->setSectionResizeMode(model_->accuracyColumn(),
                                                             QHeaderView::ResizeToContents);
        }
    });
    table_->setCornerButtonEnabled(false);
    QFont small = table_->font();
    small.setPointSize(qMax(7, small.pointSize() - 1));
    table_->setFont(small);
    table_->horizontalHeader()->setFont(small);
    table_->verticalHeader()->setFont(small);
    table_->setToolTip(
        tr("Rows: true class; columns: predicted class. Click a cell to show "
           "those test images in the grid."));
    connect(table_, &QTableView::clicked, this, [this](const QModelIndex& index) {
        if (index.column() == model_->accuracyColumn()) {
            emit classChosen(index.row());
        } else {
            emit cellChosen(index.row(), index.column());
        }
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(headline_);
    layout->addWidget(table_, 1);
    showMessage(tr("The test set's confusion matrix appears after a run."));
}

QString ConfusionMatrixView::headline() const {
    return headline_->text();
}

void ConfusionMatrixView::setHeadline(const QString& source) {
    headline_->setText(tr("Test set, %1: %2 of %3 images right (%4). Rows: true class; "
                          "columns: predicted.")
                           .arg(source)
                           .arg(QLocale().toString(static_cast<qlonglong>(model_->correct())))
                           .arg(QLocale().toString(static_cast<qlonglong>(model_->total())))
                           .arg(formatPercent(model_->accuracy())));
}

void ConfusionMatrixView::showMessage(const QString& text) {
    model_->clear();
    headline_->setText(text);
}

}  // namespace airbench::ui
