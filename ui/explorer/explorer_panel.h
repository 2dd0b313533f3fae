#pragma once
// The per-example explorer: a grid of training (or test) images sorted by a score and filtered
// by true class, predicted class, correct or not, mask membership, a threshold on the score's
// histogram and a rectangle of the data map; the clicked image large with its top-3 predictions;
// and, in side tabs, the histogram, the data map, the test set's confusion matrix, the masks and
// where the scores come from. It owns no engine work: jobs go to the AnalysisController, and
// "train on mask" goes to the window, which owns training.
//
//   AnalysisController --scoresReady / testPredictionsReady--> setTrainScores / setTestPredictions
//   filters, histogram, data map --> ExampleQuery (index vectors) --> ExampleGridModel --> grid
//   MaskPanel --trainRequested--> trainOnMaskRequested (MainWindow starts the run)

#include <airbench/run_config.h>
#include "analysis/analysis_types.h"
#include "explorer/example_query.h"

#include <QWidget>

#include <functional>
#include <vector>

class QComboBox;
class QLabel;
class QListView;
class QPushButton;
class QTabWidget;
class QCPRange;

namespace airbench::ui {

class AnalysisController;
class ConfusionMatrixView;
class DataMapPlot;
class ExampleDetailView;
class ExampleGridModel;
class MaskPanel;
class ScoreHistogram;
class ScoringPanel;
class ThumbnailDelegate;

class ExplorerPanel : public QWidget {
    Q_OBJECT

public:
    explicit ExplorerPanel(AnalysisController* analysis, QWidget* parent = nullptr);

    // The examples in use (the dataset panel's dataset and subsets). Scores and predictions of
    // other examples are dropped; masks stay, flagged when they no longer apply.
    void setContext(const DataContext& context);
    const DataContext& context() const { return context_; }
    // The last completed run's network (scores and the confusion matrix come from it).
    void setLastModel(const TrainedModelPtr& model);
    TrainedModelPtr lastModel() const { return model_; }
    // The form's recipe, overrides and device, read when a scoring job starts.
    // (While the window trains, jobs that train networks and training on a mask wait: the
    // analysis controller knows, AnalysisController::setTrainingRunning.)
    void setRunConfigProvider(std::function<RunConfig()> provider);

    // Scores of the training set (from a job, or handed in by tests); switches the context to
    // the scores' examples when they differ.
    void setTrainScores(const ScoreTable& table);
    // The test set's predictions by the last run's network: the confusion matrix.
    void setTestPredictions(const ScoreTable& table);
    const ScoreTable& trainScores() const { return train_; }
    const ScoreTable& testPredictions() const { return test_; }

    Split split() const { return split_; }
    ScoreKind scoreKind() const;
    SortOrder sortOrder() const;
    // What the grid shows, in order (example indices of split()).
    const std::vector<int64_t>& shownExamples() const;
    // The selected examples of split(), in grid order.
    std::vector<int64_t> selectedExamples() const;
    // Examples under the data map's rectangle (0 without one).
    int64_t regionCount() const;

    QListView* grid() const { return grid_; }
    ExampleGridModel* gridModel() const { return model_grid_; }
    QComboBox* splitBox() const { return splitBox_; }
    QComboBox* scoreBox() const { return scoreBox_; }
    QComboBox* sortBox() const { return sortBox_; }
    QComboBox* trueClassBox() const { return trueClassBox_; }
    QComboBox* predictedBox() const { return predictedBox_; }
    QComboBox* correctnessBox() const { return correctnessBox_; }
    QComboBox* maskFilterBox() const { return maskBox_; }
    QComboBox* thresholdBox() const { return thresholdBox_; }
    QLabel* countLabel() const { return count_; }
    ScoreHistogram* histogram() const { return histogram_; }
    DataMapPlot* dataMap() const { return dataMap_; }
    ConfusionMatrixView* confusion() const { return confusion_; }
    MaskPanel* masks() const { return masks_; }
    ScoringPanel* scoring() const { return scoring_; }
    ExampleDetailView* detail() const { return detail_; }

public slots:
    // Brings the side tab that holds `page` (histogram, data map, confusion, masks, scores)
    // to the front.
    void showSideTab(QWidget* page);
    void setSplit(airbench::ui::Split split);
    void setScoreKind(airbench::ScoreKind kind);
    void setSortOrder(airbench::ui::SortOrder order);
    // The test images of true class `trueClass` predicted as `predicted` (a confusion cell).
    void showTestCell(int trueClass, int predicted);
    void clearFilters();
    void scoreWithLastModel(int ttaLevel);
    void runScoringJob(int runs, int folds, bool perEpoch, int ttaLevel);
    bool exportScores(const QString& path);
    void exportScoresWithDialog();

signals:
    void trainOnMaskRequested(const airbench::ui::MaskPtr& mask);
    void errorOccurred(const QString& message);
    void rowsChanged();  // the grid's rows were recomputed

private:
    void createWidgets();
    void connectAnalysis();
    ScoresPtr scoresOf(Split split) const;
    // The source changed (split, scores, context): columns, score values, data map.
    void rebuildSource();
    void updateScoreValues();
    void rebuildClassBoxes();
    void rebuildMaskBox();
    void updateDataMap();
    ExampleFilter currentFilter() const;
    // Recomputes the rows (and the histogram, unless only the threshold moved).
    void refresh(bool histogramToo = true);
    void updateCountLabel();
    void onCurrentChanged();
    void onThresholdMoved(double value);
    void onRegionSelected(const QCPRange& variability, const QCPRange& mean);
    void updateJobButtons();

    AnalysisController* analysis_;
    DataContext context_;
    TrainedModelPtr model_;
    std::function<RunConfig()> config_;
    ScoreTable train_, test_;
    Split split_ = Split::Train;
    ExampleQuery query_;
    std::shared_ptr<const std::vector<uint8_t>> region_;
    ScoresPtr thresholdScores_;  // the values the threshold line was placed for
    ScoreKind thresholdKind_ = ScoreKind::Confidence;
    bool updating_ = false;  // setting widgets from code: their signals must not refresh

    QListView* grid_;
    ExampleGridModel* model_grid_;
    ThumbnailDelegate* delegate_;
    QComboBox* splitBox_;
    QComboBox* scoreBox_;
    QComboBox* sortBox_;
    QComboBox* trueClassBox_;
    QComboBox* predictedBox_;
    QComboBox* correctnessBox_;
    QComboBox* maskBox_;
    QComboBox* thresholdBox_;
    QComboBox* zoomBox_;
    QPushButton* clearRegion_;
    QPushButton* clearFilters_;
    QLabel* count_;
    QLabel* provenance_;
    ExampleDetailView* detail_;
    QTabWidget* tabs_;
    ScoreHistogram* histogram_;
    DataMapPlot* dataMap_;
    ConfusionMatrixView* confusion_;
    MaskPanel* masks_;
    ScoringPanel* scoring_;
};

}  // namespace airbench::ui
