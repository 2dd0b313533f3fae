#pragma once
// The chosen recipe's hyperparameters as an editable form. Fields that differ from the recipe's
// table become overrides (TrainOptions' optionals) and show a bold label; the others stay unset so
// that the engine uses the recipe's exact value (a spin box rounds to its decimals).

#include "training/run_settings.h"

#include <airbench/recipe.h>

#include <QGroupBox>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QPushButton;
class QSpinBox;

namespace airbench::ui {

class HyperparameterForm : public QGroupBox {
    Q_OBJECT

public:
    explicit HyperparameterForm(QWidget* parent = nullptr);

    // Shows `recipe`'s table; the run fields (width, seed, runs, device, compiled) stay as they
    // are.
    void setRecipe(const Recipe& recipe);
    const Recipe& recipe() const { return recipe_; }

    // What the form says now, as overrides of the recipe.
    RunSettings settings() const;
    // Shows `settings` (its overrides on top of the current recipe's table).
    void applySettings(const RunSettings& settings);
    // True when any recipe field is overridden or the width differs from 1.
    bool hasOverrides() const;

    QDoubleSpinBox* epochsBox() const { return epochs_; }
    QSpinBox* batchSizeBox() const { return batchSize_; }
    QDoubleSpinBox* learningRateBox() const { return learningRate_; }
    QDoubleSpinBox* weightDecayBox() const { return weightDecay_; }
    QDoubleSpinBox* labelSmoothingBox() const { return labelSmoothing_; }
    QComboBox* ttaBox() const { return tta_; }
    QDoubleSpinBox* widthBox() const { return width_; }
    QSpinBox* seedBox() const { return seed_; }
    QSpinBox* runsBox() const { return runs_; }
    QComboBox* deviceBox() const { return device_; }
    QCheckBox* compiledBox() const { return compiled_; }
    QCheckBox* fusedKernelsBox() const { return fusedKernels_; }
    QPushButton* resetButton() const { return reset_; }

public slots:
    // The recipe's table and a width of 1; seed, runs, device and compiled are not the recipe's.
    void resetToRecipeDefaults();
    // Disables editing while a run is in flight (the run uses the values it started with).
    void setEditable(bool editable);

signals:
    void changed();

private:
    void showRecipeTable(const TrainOptions& overrides);
    void markOverrides();

    Recipe recipe_;
    // The recipe's values as the boxes display them, to tell an edit from rounding.
    double shownEpochs_ = 0, shownLr_ = 0, shownWd_ = 0, shownSmoothing_ = 0;

    QFormLayout* layout_;
    QDoubleSpinBox* epochs_;
    QSpinBox* batchSize_;
    QDoubleSpinBox* learningRate_;
    QDoubleSpinBox* weightDecay_;
    QDoubleSpinBox* labelSmoothing_;
    QComboBox* tta_;
    QDoubleSpinBox* width_;
    QSpinBox* seed_;
    QSpinBox* runs_;
    QComboBox* device_;
    QCheckBox* compiled_;
    QCheckBox* fusedKernels_;
    QPushButton* reset_;
};

}  // namespace airbench::ui
