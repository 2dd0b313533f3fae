#pragma once
// The data-selection experiment of airbench's README from the GUI: keep a fraction of the
// training set chosen by a score (lowest or highest), train N seeded networks on it and N on
// random subsets of the same size (optionally the same class mix), same recipe and epochs, and
// compare: both accuracy distributions side by side, the means with 95% CIs, the difference and
// Welch's t-test. Runs on the analysis thread with progress and Stop.

#include <airbench/run_config.h>
#include "analysis/analysis_types.h"

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace airbench::ui {

class AnalysisController;
class SelectionPlot;

class SelectionPanel : public QWidget {
    Q_OBJECT

public:
    explicit SelectionPanel(AnalysisController* analysis, QWidget* parent = nullptr);

    // The examples to experiment on (the dataset panel's dataset and subsets).
    void setContext(const DataContext& context);
    // The form's settings: width, batch size, seed, device (and the other overrides when the
    // experiment uses the form's recipe).
    void setRunConfigProvider(std::function<RunConfig()> provider);

    // The options the form describes (without the training overrides).
    SelectionOptions options() const;
    QString recipe() const;
    void setRecipe(const QString& name);
    const SelectionResultPtr& result() const { return result_; }

    QDoubleSpinBox* keepBox() const { return keep_; }
    QDoubleSpinBox* epochsBox() const { return epochs_; }
    QSpinBox* runsBox() const { return runs_; }
    QCheckBox* classMixBox() const { return classMix_; }
    QPushButton* runButton() const { return run_; }
    QPushButton* stopButton() const { return stop_; }
    QPushButton* maskButton() const { return mask_; }
    QProgressBar* progressBar() const { return progress_; }
    SelectionPlot* plot() const { return plot_; }
    QString resultText() const;

public slots:
    bool start();
    void stop();

signals:
    // "Keep the selection as a mask".
    void maskCreated(const airbench::Mask& mask);

private:
    void onArmRun(const QString& phase, int run, double accuracy);
    void onResult(const SelectionResultPtr& result, const DataContext& context);
    void updateButtons();

    AnalysisController* analysis_;
    DataContext context_;
    std::function<RunConfig()> config_;
    SelectionResultPtr result_;
    bool running_ = false;

    QDoubleSpinBox* keep_;
    QComboBox* score_;
    QComboBox* direction_;
    QDoubleSpinBox* epochs_;
    QComboBox* recipe_;
    QSpinBox* runs_;
    QCheckBox* classMix_;
    QPushButton* run_;
    QPushButton* stop_;
    QPushButton* mask_;
    QProgressBar* progress_;
    QLabel* status_;
    QLabel* result_text_;
    SelectionPlot* plot_;
};

}  // namespace airbench::ui
