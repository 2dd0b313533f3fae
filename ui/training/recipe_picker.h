#pragma once
// Picks one recipe of the registry: a table of name, reference accuracy and time, and the chosen
// recipe's one-line description below it.

#include <QGroupBox>
#include <QString>

class QLabel;
class QTreeView;

namespace airbench::ui {

class RecipeModel;

class RecipePicker : public QGroupBox {
    Q_OBJECT

public:
    explicit RecipePicker(QWidget* parent = nullptr);

    QString currentRecipe() const;
    // Selects the recipe; false (and no change) when the registry has no such name.
    bool setCurrentRecipe(const QString& name);

    QString descriptionText() const;

signals:
    void recipeChanged(const QString& name);

private:
    void selectionChanged();

    RecipeModel* model_;
    QTreeView* view_;
    QLabel* description_;
    QString current_;
};

}  // namespace airbench::ui
