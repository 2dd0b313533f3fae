#pragma once
// The workbench window: dataset, recipe and hyperparameters on the left; on the right, progress
// and five tabs: the live curves, the summary and the log (Training); the dataset's classes and
// statistics (Dataset); the per-example explorer with its masks (Explorer); the data-selection
// experiment (Selection); every recorded run (Runs). It wires the widgets to the
// TrainingController, the AnalysisController, the DataJobController, the HistoryController, the
// TrainingSession and keeps the user's choices (WindowSettings); it computes nothing itself.

#include "analysis/analysis_types.h"
#include "common/engine_types.h"

#include <airbench/run_config.h>

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
class DataJobBar;
class DataJobController;
class DatasetPanel;
class DatasetPreviewPanel;
class ErrorBanner;
class ExplorerPanel;
class HistoryController;
class LogPane;
class LossPlot;
class RecipePicker;
class RunConfigForm;
class RunsPanel;
class SelectionPanel;
class SummaryPanel;
class TrainingController;
class TrainingSession;
struct TrainingProgress;

struct MainWindowOptions {
    QString dataPath;         // --data: wins over the saved and the default dataset
    QString recipe;           // --recipe: wins over the saved recipe
    bool loadDataset = true;  // false: start empty (tests hand in a loaded dataset)
    // The run history database; empty: history::Database::defaultPath() ($AIRBENCH_HISTORY_DB,
    // else ~/.local/share/airbench-workbench/history.sqlite).
    QString historyPath;
};

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    DatasetPanel* datasetPanel() const { return dataset_; }
    RecipePicker* recipePicker() const { return recipes_; }
    RunConfigForm* runConfigForm() const { return form_; }
    TrainingController* controller() const { return controller_; }
    AnalysisController* analysis() const { return analysis_; }
    ExplorerPanel* explorer() const { return explorer_; }
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
    RunsPanel* runsPanel() const { return runs_; }
    DatasetPreviewPanel* datasetPreview() const { return preview_; }
    DataJobController* dataJobs() const { return dataJobs_; }
    DataJobBar* dataJobBar() const { return dataJobBar_; }
    QString historyPath() const { return historyPath_; }
    // File > Record runs in the history (WindowSettings, on by default).
    QAction* recordRunsAction() const { return recordRunsAction_; }
    QAction* getCifarAction() const { return getCifarAction_; }
    // File > Keep trained networks (WindowSettings, off by default: about
    // 8 MB per airbench94 run). Kept networks go to networksFolder(), beside the history.
    QAction* keepNetworksAction() const { return keepNetworksAction_; }
    QString networksFolder() const;
    // The form's recipe, overrides and run settings with the dataset panel's data and subsets.
    RunConfig currentConfig() const;

public slots:
    void startTraining();
    // Trains the form's recipe (with its overrides) on the mask's examples only.
    void startTrainingOnMask(const airbench::ui::MaskPtr& mask);
    void stopTraining();
    void clearSession();
    void resetPlotViews();
    void writeSettings() const;
    // Dataset menu: download CIFAR-10, or import an archive / a folder (asks for it, then
    // importDataset). The new dataset is loaded when the job succeeds.
    void getCifar10();
    void importFile();
    void importFolder();
    void importDataset(const QString& source);
    // Loads a recorded run's kept network into the Explorer, on the examples in use now (its own
    // dataset or another one): the test set's predictions follow, and scoring can use it.
    // False (with the reason shown) when the file cannot be read or does not fit the dataset.
    bool openNetwork(qint64 historyId, const QString& path);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createLayout();
    void readSettings(const MainWindowOptions& options);
    QList<QSplitter*> splitters() const;  // their sizes are saved (keyed by their names)
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
    void onDataJobSucceeded(const QString& folder);

    TrainingSession* session_;
    TrainingController* controller_;
    AnalysisController* analysis_;
    DataContext context_;
    TrainedModelPtr inferred_;      // the last network whose test-set predictions were asked for
    bool trainWhenLoaded_ = false;  // Train was pressed while the dataset was still loading
    bool headerPrinted_ = false;    // the table header of the current batch
    QString historyPath_;
    HistoryController* history_;  // the GUI thread's connection to the run history
    QString pendingDataset_;      // a dataset that arrived while training: loaded after the batch

    DatasetPanel* dataset_;
    RecipePicker* recipes_;
    RunConfigForm* form_;
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
    DatasetPreviewPanel* preview_;
    RunsPanel* runs_;
    DataJobController* dataJobs_;
    DataJobBar* dataJobBar_;

    QAction* openAction_;
    QAction* trainAction_;
    QAction* stopAction_;
    QAction* resetFormAction_;
    QAction* clearAction_;
    QAction* resetViewsAction_;
    QAction* recordRunsAction_;
    QAction* keepNetworksAction_;
    QAction* getCifarAction_;
    QAction* importFileAction_;
    QAction* importFolderAction_;
};

}  // namespace airbench::ui
