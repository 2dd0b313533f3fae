#pragma once
// The workbench window: dataset, recipe and hyperparameters on the left; on the right, progress
// and three tabs: the live curves, the summary and the log (Training); the per-example explorer
// with its masks (Explorer); the data-selection experiment (Selection). It wires the widgets to
// the TrainingController, the AnalysisController and the TrainingSession and keeps the user's
// choices in QSettings; it computes nothing itself.

#include "analysis_types.h"
#include "engine_types.h"

#include <QMainWindow>
#include <QString>

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;

namespace airbench::ui {

class AccuracyPlot;
class AnalysisController;
class DatasetPanel;
class ErrorBanner;
class ExplorerPanel;
class HyperparameterForm;
class LogPane;
class LossPlot;
class RecipePicker;
class SelectionPanel;
class SummaryPanel;
class TrainingController;
class TrainingSession;
struct TrainingProgress;

struct MainWindowOptions {
    QString dataPath;         // --data: wins over the saved and the default dataset
    QString recipe;           // --recipe: wins over the saved recipe
    bool loadDataset = true;  // false: start empty (tests hand in a loaded dataset)
};

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    DatasetPanel* datasetPanel() const { return dataset_; }
    RecipePicker* recipePicker() const { return recipes_; }
    HyperparameterForm* hyperparameterForm() const { return form_; }
    TrainingController* controller() const { return controller_; }
    AnalysisController* analysis() const { return analysis_; }
    ExplorerPanel* explorer() const { return explorer_; }
    SelectionPanel* selectionPanel() const { return selection_; }
    QTabWidget* tabs() const { return tabs_; }
    TrainingSession* session() const { return session_; }
    LossPlot* lossPlot() const { return lossPlot_; }
    AccuracyPlot* accuracyPlot() const { return accuracyPlot_; }
    SummaryPanel* summaryPanel() const { return summary_; }
    LogPane* logPane() const { return log_; }
    ErrorBanner* errorBanner() const { return banner_; }
    QProgressBar* progressBar() const { return progress_; }
    QLabel* deviceLabel() const { return device_; }
    QPushButton* trainButton() const { return trainButton_; }
    QPushButton* stopButton() const { return stopButton_; }
    QAction* trainAction() const { return trainAction_; }
    QAction* stopAction() const { return stopAction_; }

public slots:
    void startTraining();
    // Trains the form's recipe (with its overrides) on the mask's examples only.
    void startTrainingOnMask(const airbench::ui::MaskPtr& mask);
    void stopTraining();
    void clearSession();
    void resetPlotViews();
    void writeSettings() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createLayout();
    void readSettings(const MainWindowOptions& options);
    void setTraining(bool training);
    void showError(const QString& message);
    void startTrainingWith(const MaskPtr& mask);
    // The examples in use (dataset and subsets), recomputed when they changed; handed to the
    // explorer and the selection panel.
    void updateDataContext();

    void onRecipeChanged(const QString& name);
    void onDatasetChanged(const airbench::ui::DatasetPtr& dataset);
    void onDatasetFailed(const QString& folder, const QString& message);
    void onRunStarted(int id, const airbench::RunPlan& plan);
    void onEpochFinished(int id, const airbench::EpochMetrics& metrics);
    void onRunFinished(int id, const airbench::RunSummary& summary);
    void onProgress(const airbench::ui::TrainingProgress& progress);
    void onTrainingFinished(int batch);

    TrainingSession* session_;
    TrainingController* controller_;
    AnalysisController* analysis_;
    DataContext context_;
    TrainedModelPtr inferred_;      // the last network whose test-set predictions were asked for
    bool trainWhenLoaded_ = false;  // Train was pressed while the dataset was still loading
    bool headerPrinted_ = false;    // the table header of the current batch

    DatasetPanel* dataset_;
    RecipePicker* recipes_;
    HyperparameterForm* form_;
    ErrorBanner* banner_;
    QProgressBar* progress_;
    LossPlot* lossPlot_;
    AccuracyPlot* accuracyPlot_;
    SummaryPanel* summary_;
    LogPane* log_;
    QLabel* device_;
    QPushButton* trainButton_;
    QPushButton* stopButton_;
    QSplitter* mainSplitter_;
    QSplitter* rightSplitter_;
    QSplitter* plotSplitter_;
    QSplitter* bottomSplitter_;
    QTabWidget* tabs_;
    ExplorerPanel* explorer_;
    SelectionPanel* selection_;

    QAction* openAction_;
    QAction* trainAction_;
    QAction* stopAction_;
    QAction* resetFormAction_;
    QAction* clearAction_;
    QAction* resetViewsAction_;
};

}  // namespace airbench::ui
