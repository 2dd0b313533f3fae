// RecipeModel and RecipePicker show the engine's registry, whatever it holds.

#include "common/format.h"
#include "training/recipe_model.h"
#include "training/recipe_picker.h"

#include <airbench/recipe.h>

#include <QSignalSpy>
#include <QTreeView>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

class TestRecipeModel : public QObject {
    Q_OBJECT

private slots:
    void oneRowPerRegistryRecipe() {
        RecipeModel model;
        QCOMPARE(model.rowCount(), static_cast<int>(recipes().size()));
        for (int row = 0; row < model.rowCount(); ++row) {
            const Recipe& r = recipes()[static_cast<size_t>(row)];
            QCOMPARE(model.index(row, RecipeModel::NameColumn).data().toString(),
                     QString::fromStdString(r.name));
            QCOMPARE(model.index(row, 0).data(RecipeModel::NameRole).toString(),
                     QString::fromStdString(r.name));
            QCOMPARE(model.index(row, RecipeModel::AccuracyColumn).data().toString(),
                     formatPercent(r.reference.accuracy));
            QVERIFY(model.index(row, RecipeModel::TimeColumn)
                        .data()
                        .toString()
                        .contains(formatSeconds(r.reference.seconds)));
            QCOMPARE(model.index(row, RecipeModel::DescriptionColumn).data().toString(),
                     QString::fromStdString(r.description));
            QVERIFY(model.index(row, 0)
                        .data(Qt::ToolTipRole)
                        .toString()
                        .contains(QString::fromStdString(r.description).toHtmlEscaped()));
            QCOMPARE(model.rowOf(QString::fromStdString(r.name)), row);
        }
        QCOMPARE(model.rowOf(QStringLiteral("no-such-recipe")), -1);
    }

    void pickerSelectsAndDescribes() {
        RecipePicker picker;
        QCOMPARE(picker.currentRecipe(), QString::fromStdString(recipes().front().name));
        QSignalSpy changed(&picker, &RecipePicker::recipeChanged);
        const Recipe& last = recipes().back();
        QVERIFY(picker.setCurrentRecipe(QString::fromStdString(last.name)));
        QCOMPARE(picker.currentRecipe(), QString::fromStdString(last.name));
        QCOMPARE(picker.descriptionText(), QString::fromStdString(last.description));
        QCOMPARE(changed.count(), recipes().size() > 1 ? 1 : 0);
        QVERIFY(!picker.setCurrentRecipe(QStringLiteral("no-such-recipe")));
        QCOMPARE(picker.currentRecipe(), QString::fromStdString(last.name));
    }
};

QTEST_MAIN(TestRecipeModel)
#include "test_recipe_model.moc"
