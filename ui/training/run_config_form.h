#pragma once
// The run configuration as an editable form, generated from the knob table (airbench/knobs.h):
// one row per knob of the chosen recipe's table and per run setting, grouped by the table's
// sections, with the table's labels, ranges and help. A hyperparameter edited away from the
// recipe's value becomes an override (its label turns bold); set back, it is the recipe's again,
// so the engine uses the table's exact value rather than a spin box's rounding of it.

#include <airbench/recipe.h>
#include <airbench/run_config.h>

#include <QGroupBox>

#include <map>
#include <string>
#include <string_view>

class QFormLayout;
class QLabel;
class QPushButton;

namespace airbench::ui {

class RunConfigForm : public QGroupBox {
    Q_OBJECT

public:
    explicit RunConfigForm(QWidget* parent = nullptr);

    // Shows `recipe`'s table. Overrides that are knobs of the new recipe stay (overridesKept
    // says which); the others go. The run settings stay as they are.
    void setRecipe(const Recipe& recipe);
    const Recipe& recipe() const { return recipe_; }

    // What the form says: the recipe, its overrides and the run settings. The data and the mask
    // are not the form's (the caller adds them).
    RunConfig config() const;
    // Shows `config`'s recipe, overrides and run settings; its data and mask are ignored.
    void setConfig(const RunConfig& config);
    bool hasOverrides() const { return !overrides_.empty(); }

    // The editor of a knob (a QDoubleSpinBox, QSpinBox, QCheckBox or QComboBox), nullptr for a
    // knob the table does not have. Visible only when the knob is part of the current recipe.
    QWidget* editor(std::string_view key) const;
    // The knobs the form shows now, in table order.
    std::vector<std::string> shownKnobs() const;
    QPushButton* resetButton() const { return reset_; }

public slots:
    // Every hyperparameter back to the recipe's table; the run settings stay.
    void resetToRecipeDefaults();
    // Disables editing while a run is in flight (the run uses the values it started with).
    void setEditable(bool editable);

signals:
    void changed();
    // setRecipe kept these overrides ("epochs=2, width_multiplier=0.125").
    void overridesKept(const QString& description);

private:
    struct Row {
        const Knob* knob = nullptr;
        QWidget* editor = nullptr;
        QLabel* label = nullptr;
        QFormLayout* layout = nullptr;
        QGroupBox* section = nullptr;
    };

    QWidget* makeEditor(const Knob& knob);
    // The editor's value, and showing a value in it without emitting its signals.
    double editorValue(const Row& row) const;
    void showValue(const Row& row, double value);
    void onEdited(const Knob& knob);
    // Rows of the current recipe shown, their values and bold labels up to date.
    void refresh();

    Recipe recipe_;
    KnobValues overrides_;
    RunOptions run_;
    std::map<std::string, Row, std::less<>> rows_;  // by knob key
    std::vector<QGroupBox*> sections_;
    QPushButton* reset_;
};

}  // namespace airbench::ui
