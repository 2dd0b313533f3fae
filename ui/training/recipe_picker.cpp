#include "training/recipe_picker.h"

#include "training/recipe_model.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

namespace airbench::ui {

RecipePicker::RecipePicker(QWidget* parent) : QGroupBox(tr("Recipe"), parent) {
    model_ = new RecipeModel(this);
    view_ = new QTreeView;
    view_->setModel(model_);
    view_->setRootIsDecorated(false);
    view_->setUniformRowHeights(true);
    view_->setAllColumnsShowFocus(true);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    // The description has its own label below; the column stays for wide windows and tooltips.
    view_->setColumnHidden(RecipeModel::DescriptionColumn, true);
    view_->header()->setStretchLastSection(false);
    view_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Tall enough for the registry as it is, scrolling beyond six recipes.
    const int rows = qMin(6, qMax(1, model_->rowCount()));
    const int rowHeight = qMax(view_->sizeHintForRow(0), view_->fontMetrics().height() + 2);
    view_->setFixedHeight(view_->header()->sizeHint().height() + rows * rowHeight +
                          2 * view_->frameWidth() + 2);

    description_ = new QLabel;
    description_->setWordWrap(true);
    description_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(view_);
    layout->addWidget(description_);

    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &RecipePicker::selectionChanged);
    if (model_->rowCount() > 0) {
        view_->setCurrentIndex(model_->index(0, 0));
    }
}

QString RecipePicker::currentRecipe() const {
    return current_;
}

QString RecipePicker::descriptionText() const {
    return description_->text();
}

bool RecipePicker::setCurrentRecipe(const QString& name) {
    const int row = model_->rowOf(name);
    if (row < 0) {
        return false;
    }
    view_->setCurrentIndex(model_->index(row, 0));
    return true;
}

void RecipePicker::selectionChanged() {
    const QModelIndex index = view_->currentIndex();
    if (!index.isValid()) {
        return;
    }
    const QString name = index.data(RecipeModel::NameRole).toString();
    description_->setText(model_->recipeAt(index.row()).description.c_str());
    if (name != current_) {
        current_ = name;
        emit recipeChanged(name);
    }
}

}  // namespace airbench::ui
