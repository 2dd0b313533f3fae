#pragma once
// The workbench window: dataset, recipe and hyperparameters on the left; progress, live curves,
// the summary and the log on the right. It wires the widgets to the TrainingController and the
// TrainingSession and keeps the user's choices in QSettings; it computes nothing itself.

#include "engine_types.h"

#include <QMainWindow>
#include <QString>

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;

namespace airbench::ui {

class AccuracyPlot;
class DatasetPanel;
class ErrorBanner;
class HyperparameterForm;
class LogPane;
class LossPlot;
class RecipePicker;
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

    QAction* openAction_;
    QAction* trainAction_;
    QAction* stopAction_;
    QAction* resetFormAction_;
    QAction* clearAction_;
    QAction* resetViewsAction_;
};

}  // namespace airbench::ui
