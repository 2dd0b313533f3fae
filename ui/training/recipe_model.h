#pragma once
// The engine's recipe registry as a table model: one row per airbench::recipes() entry, in the
// registry's order. Nothing about a recipe is written here, so recipes added to the registry
// appear in the picker without GUI changes.

#include <airbench/recipe.h>

#include <QAbstractTableModel>

namespace airbench::ui {

class RecipeModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { NameColumn, AccuracyColumn, TimeColumn, DescriptionColumn, ColumnCount };
    // Qt::UserRole on any column: the recipe's registry name.
    static constexpr int NameRole = Qt::UserRole;

    explicit RecipeModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const Recipe& recipeAt(int row) const;
    // -1 when no recipe has that name.
    int rowOf(const QString& name) const;
};

}  // namespace airbench::ui
