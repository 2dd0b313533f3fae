#include "explorer/explorer_panel.h"

#include "analysis/analysis_controller.h"
#include "explorer/confusion_matrix_model.h"
#include "explorer/confusion_matrix_view.h"
#include "explorer/data_map_plot.h"
#include "explorer/example_detail_view.h"
#include "explorer/example_grid_model.h"
#include "explorer/mask_list_model.h"
#include "explorer/mask_panel.h"
#include "explorer/score_histogram.h"
#include "explorer/scoring_panel.h"
#include "explorer/thumbnail_delegate.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <airbench/recipe.h>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <exception>

namespace airbench::ui {
namespace {

QString countText(int64_t n) {
    return QLocale().toString(static_cast<qlonglong>(n));
}

// Sets a combo box from code without its signals reaching the explorer.
void selectData(QComboBox* box, const QVariant& data) {
    const int i = box->findData(data);
    box->setCurrentIndex(i >= 0 ? i : 0);
}

bool jobOfExplorer(AnalysisJob job) {
    return job != AnalysisJob::Selection;
}

// Combo boxes as wide as `chars` characters at least, not as their longest item: the filter rows
// must fit a laptop screen beside the form.
QComboBox* compact(QComboBox* box, int chars) {
    box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    box->setMinimumContentsLength(chars);
    return box;
}

// Forms taller than the tab scroll instead of making the window taller.
QScrollArea* scrolling(QWidget* page) {
    auto* area = new QScrollArea;
    area->setWidget(page);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

}  // namespace

ExplorerPanel::ExplorerPanel(AnalysisController* analysis, QWidget* parent)
    : QWidget(parent), analysis_(analysis) {
    createWidgets();
    connectAnalysis();
    rebuildSource();
}

void ExplorerPanel::createWidgets() {
    // The grid: one list model over index vectors, one delegate, crisp upscaled thumbnails.
    model_grid_ = new ExampleGridModel(this);
    delegate_ = new ThumbnailDelegate(this);
    grid_ = new QListView;
    grid_->setModel(model_grid_);
    grid_->setItemDelegate(delegate_);
    grid_->setViewMode(QListView::ListMode);
    grid_->setFlow(QListView::LeftToRight);
    grid_->setWrapping(true);
    grid_->setResizeMode(QListView::Adjust);
    grid_->setMovement(QListView::Static);
    grid_->setUniformItemSizes(true);
    grid_->setGridSize(delegate_->cellSize());
    grid_->setSpacing(0);
    grid_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    grid_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    grid_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    grid_->setMinimumWidth(4 * delegate_->cellSize().width() + 20);
    connect(grid_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ExplorerPanel::onCurrentChanged);
    connect(grid_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ExplorerPanel::updateCountLabel);

    splitBox_ = new QComboBox;
    splitBox_->addItem(tr("Training set"), int(Split::Train));
    splitBox_->addItem(tr("Test set"), int(Split::Test));
    splitBox_->setToolTip(tr("The test set shows the last run's predictions (confusion matrix)"));
    scoreBox_ = new QComboBox;
    for (ScoreKind kind : allScoreKinds()) {
        scoreBox_->addItem(QString::fromStdString(scoreTitle(kind)), int(kind));
    }
    scoreBox_->setToolTip(tr("The score the grid sorts by and the histogram shows"));
    sortBox_ = new QComboBox;
    sortBox_->addItem(tr("lowest first"), int(SortOrder::Ascending));
    sortBox_->addItem(tr("highest first"), int(SortOrder::Descending));
    sortBox_->addItem(tr("dataset order"), int(SortOrder::Index));
    zoomBox_ = new QComboBox;
    for (int side : {32, 64, 96, 128}) {
        zoomBox_->addItem(tr("%1 px").arg(side), side);
    }
    zoomBox_->setCurrentIndex(1);
    zoomBox_->setToolTip(tr("Thumbnail size (whole multiples of 32: pixels stay crisp)"));
    trueClassBox_ = new QComboBox;
    predictedBox_ = new QComboBox;
    correctnessBox_ = new QComboBox;
    correctnessBox_->addItem(tr("right or wrong"), int(ExampleFilter::Correctness::Any));
    correctnessBox_->addItem(tr("right only"), int(ExampleFilter::Correctness::Correct));
    correctnessBox_->addItem(tr("wrong only"), int(ExampleFilter::Correctness::Incorrect));
    maskBox_ = new QComboBox;
    maskBox_->setToolTip(tr("Training examples in (or not in) a mask"));
    for (auto [box, chars] : {std::pair{splitBox_, 5},
                              {scoreBox_, 8},
                              {sortBox_, 5},
                              {zoomBox_, 3},
                              {trueClassBox_, 5},
                              {predictedBox_, 5},
                              {correctnessBox_, 7},
                              {maskBox_, 5}}) {
        compact(box, chars);
    }
    clearFilters_ = new QPushButton(tr("Clear"));
    clearFilters_->setToolTip(
        tr("Clear every filter: classes, correctness, mask, threshold, "
           "data-map rectangle"));
    connect(clearFilters_, &QPushButton::clicked, this, &ExplorerPanel::clearFilters);
    count_ = new QLabel;
    provenance_ = new QLabel;
    provenance_->setWordWrap(true);
    provenance_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto refilter = [this] {
        if (!updating_) {
            refresh();
        }
    };
    connect(splitBox_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_) {
            setSplit(Split(splitBox_->currentData().toInt()));
        }
    });
    connect(scoreBox_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_) {
            updateScoreValues();
            refresh();
        }
    });
    connect(sortBox_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_) {
            query_.setOrder(sortOrder());
            refresh(false);
        }
    });
    connect(zoomBox_, &QComboBox::currentIndexChanged, this, [this] {
        delegate_->setImageSide(zoomBox_->currentData().toInt());
        grid_->setGridSize(delegate_->cellSize());
    });
    for (QComboBox* box : {trueClassBox_, predictedBox_, correctnessBox_, maskBox_}) {
        connect(box, &QComboBox::currentIndexChanged, this, refilter);
    }

    // Side tabs.
    histogram_ = new ScoreHistogram;
    thresholdBox_ = compact(new QComboBox, 10);
    thresholdBox_->addItem(tr("no threshold"), int(ExampleFilter::Threshold::Off));
    thresholdBox_->addItem(tr("keep scores ≤ threshold"), int(ExampleFilter::Threshold::AtMost));
    thresholdBox_->addItem(tr("keep scores ≥ threshold"), int(ExampleFilter::Threshold::AtLeast));
    connect(thresholdBox_, &QComboBox::currentIndexChanged, this, [this] {
        const auto side = ExampleFilter::Threshold(thresholdBox_->currentData().toInt());
        histogram_->setSide(side);
        if (!updating_) {
            refresh(false);
        }
    });
    connect(histogram_, &ScoreHistogram::thresholdMoved, this, &ExplorerPanel::onThresholdMoved);
    auto* histogramTab = new QWidget;
    auto* histogramLayout = new QVBoxLayout(histogramTab);
    histogramLayout->setContentsMargins(4, 4, 4, 4);
    auto* thresholdRow = new QHBoxLayout;
    thresholdRow->addWidget(new QLabel(tr("Threshold:")));
    thresholdRow->addWidget(thresholdBox_, 1);
    histogramLayout->addLayout(thresholdRow);
    histogramLayout->addWidget(histogram_, 1);

    dataMap_ = new DataMapPlot;
    clearRegion_ = new QPushButton(tr("Clear the rectangle"));
    clearRegion_->setEnabled(false);
    connect(clearRegion_, &QPushButton::clicked, dataMap_, &DataMapPlot::clearRegion);
    connect(dataMap_, &DataMapPlot::regionSelected, this, &ExplorerPanel::onRegionSelected);
    connect(dataMap_, &DataMapPlot::regionCleared, this, [this] {
        region_.reset();
        clearRegion_->setEnabled(false);
        if (!updating_) {
            refresh();
        }
    });
    auto* mapTab = new QWidget;
    auto* mapLayout = new QVBoxLayout(mapTab);
    mapLayout->setContentsMargins(4, 4, 4, 4);
    mapLayout->addWidget(dataMap_, 1);
    mapLayout->addWidget(clearRegion_, 0, Qt::AlignRight);

    confusion_ = new ConfusionMatrixView;
    connect(confusion_, &ConfusionMatrixView::cellChosen, this, &ExplorerPanel::showTestCell);
    connect(confusion_, &ConfusionMatrixView::classChosen, this,
            [this](int c) { showTestCell(c, -1); });

    masks_ = new MaskPanel;
    masks_->setSelectionProvider(
        [this] { return split_ == Split::Train ? selectedExamples() : std::vector<int64_t>(); });
    connect(masks_, &MaskPanel::trainRequested, this, &ExplorerPanel::trainOnMaskRequested);
    connect(masks_, &MaskPanel::errorOccurred, this, &ExplorerPanel::errorOccurred);
    connect(masks_, &MaskPanel::masksChanged, this, &ExplorerPanel::rebuildMaskBox);

    scoring_ = new ScoringPanel;
    connect(scoring_, &ScoringPanel::scoreWithModelRequested, this,
            &ExplorerPanel::scoreWithLastModel);
    connect(scoring_, &ScoringPanel::scoringJobRequested, this, &ExplorerPanel::runScoringJob);
    connect(scoring_, &ScoringPanel::stopRequested, analysis_, &AnalysisController::stop);
    connect(scoring_, &ScoringPanel::exportRequested, this, &ExplorerPanel::exportScoresWithDialog);

    tabs_ = new QTabWidget;
    tabs_->addTab(scrolling(scoring_), tr("Scores"));
    tabs_->addTab(histogramTab, tr("Histogram"));
    tabs_->addTab(mapTab, tr("Data map"));
    tabs_->addTab(confusion_, tr("Confusion"));
    tabs_->addTab(scrolling(masks_), tr("Masks"));
    detail_ = new ExampleDetailView;

    // Layout: filters on two rows over the grid; the detail and the tabs on the right.
    auto* row1 = new QHBoxLayout;
    row1->addWidget(splitBox_, 2);
    row1->addWidget(new QLabel(tr("by")));
    row1->addWidget(scoreBox_, 4);
    row1->addWidget(sortBox_, 2);
    row1->addWidget(clearFilters_);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(trueClassBox_, 1);
    row2->addWidget(predictedBox_, 1);
    row2->addWidget(correctnessBox_, 1);
    row2->addWidget(maskBox_, 1);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(count_, 1);
    bottom->addWidget(zoomBox_);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(provenance_);
    leftLayout->addLayout(row1);
    leftLayout->addLayout(row2);
    leftLayout->addWidget(grid_, 1);
    leftLayout->addLayout(bottom);

    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(detail_);
    right->addWidget(tabs_);
    right->setStretchFactor(0, 0);
    right->setStretchFactor(1, 1);
    right->setSizes({230, 470});
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({560, 480});
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    rebuildClassBoxes();
    rebuildMaskBox();
    updateDataMap();
}

void ExplorerPanel::connectAnalysis() {
    connect(analysis_, &AnalysisController::started, this,
            [this](AnalysisJob job, const QString& what) {
                if (jobOfExplorer(job)) {
                    scoring_->showStatus(what + QStringLiteral("…"));
                    scoring_->showProgress(QString(), 0);
                }
            });
    connect(analysis_, &AnalysisController::progress, this,
            [this](AnalysisJob job, const QString& text, double fraction) {
                if (jobOfExplorer(job)) {
                    scoring_->showProgress(text, fraction);
                }
            });
    connect(analysis_, &AnalysisController::failed, this,
            [this](AnalysisJob job, const QString& message) {
                if (jobOfExplorer(job)) {
                    scoring_->showStatus(message);
                    scoring_->showProgress(tr("failed"), 0);
                }
            });
    connect(analysis_, &AnalysisController::scoresReady, this, &ExplorerPanel::setTrainScores);
    connect(analysis_, &AnalysisController::testPredictionsReady, this,
            &ExplorerPanel::setTestPredictions);
    connect(analysis_, &AnalysisController::busyChanged, this, &ExplorerPanel::updateJobButtons);
    connect(analysis_, &AnalysisController::heavyBusyChanged, this,
            &ExplorerPanel::updateJobButtons);
    connect(analysis_, &AnalysisController::trainingRunningChanged, this,
            &ExplorerPanel::updateJobButtons);
    updateJobButtons();
}

void ExplorerPanel::updateJobButtons() {
    const bool heavyAllowed = analysis_->canStartHeavy();
    scoring_->setBusy(analysis_->isBusy(), heavyAllowed);
    masks_->setTrainingEnabled(heavyAllowed);
}

void ExplorerPanel::setRunConfigProvider(std::function<RunConfig()> provider) {
    config_ = std::move(provider);
}

void ExplorerPanel::setLastModel(const TrainedModelPtr& model) {
    model_ = model;
    scoring_->setModel(model ? model->label() : QString());
}

void ExplorerPanel::setContext(const DataContext& context) {
    if (context.sameExamples(context_) && context.hash == context_.hash) {
        return;
    }
    const bool sameClasses = context_.valid() && context.valid() &&
                             context_.dataset->classNames == context.dataset->classNames;
    context_ = context;
    if (!train_.context.sameExamples(context_)) {
        train_ = ScoreTable{};
        scoring_->setProvenance(QString(), QString());
        provenance_->setText(tr("<b>No scores yet</b> for these examples (Scores tab)."));
    }
    if (!test_.context.sameExamples(context_)) {
        test_ = ScoreTable{};
        confusion_->showMessage(tr("The test set's confusion matrix appears after a run."));
    }
    {
        // The parts change one by one; the grid is rebuilt once, at the end.
        const QScopedValueRollback<bool> quiet(updating_, true);
        region_.reset();
        dataMap_->clearRegion();
        masks_->setContext(context_);
        if (!sameClasses) {
            rebuildClassBoxes();
        }
        updateDataMap();
    }
    rebuildSource();
}

void ExplorerPanel::setTrainScores(const ScoreTable& table) {
    if (!table.valid() || table.split != Split::Train) {
        return;
    }
    if (!table.context.sameExamples(context_)) {
        setContext(table.context);
    }
    train_ = table;
    const QString provenance = QString::fromStdString(table.scores->provenance.describe());
    scoring_->setProvenance(table.source, provenance);
    scoring_->showStatus(tr("Scored %1 training examples.").arg(countText(table.scores->size)));
    provenance_->setText(
        tr("<b>Scores</b> (%1): %2").arg(table.source.toHtmlEscaped(), provenance.toHtmlEscaped()));
    {
        const QScopedValueRollback<bool> quiet(updating_, true);
        region_.reset();
        updateDataMap();
    }
    if (split_ == Split::Train) {
        rebuildSource();
    } else {
        updateScoreValues();
    }
}

void ExplorerPanel::setTestPredictions(const ScoreTable& table) {
    if (!table.valid() || table.split != Split::Test) {
        return;
    }
    if (!table.context.sameExamples(context_)) {
        setContext(table.context);
    }
    test_ = table;
    QStringList names;
    for (int c = 0; c < context_.classes(); ++c) {
        names << context_.className(c);
    }
    confusion_->model()->setPredictions(context_.labels(Split::Test), table.scores->predicted,
                                        names);
    confusion_->setHeadline(table.source);
    if (split_ == Split::Test) {
        rebuildSource();
    }
}

ScoresPtr ExplorerPanel::scoresOf(Split split) const {
    const ScoreTable& t = split == Split::Train ? train_ : test_;
    return t.valid() && t.context.sameExamples(context_) ? t.scores : nullptr;
}

ScoreKind ExplorerPanel::scoreKind() const {
    return ScoreKind(scoreBox_->currentData().toInt());
}

SortOrder ExplorerPanel::sortOrder() const {
    return SortOrder(sortBox_->currentData().toInt());
}

const std::vector<int64_t>& ExplorerPanel::shownExamples() const {
    return model_grid_->rows();
}

std::vector<int64_t> ExplorerPanel::selectedExamples() const {
    std::vector<int64_t> out;
    const QItemSelection selection = grid_->selectionModel()->selection();
    for (const QItemSelectionRange& range : selection) {
        for (int r = range.top(); r <= range.bottom(); ++r) {
            out.push_back(model_grid_->exampleAt(r));
        }
    }
    std::sort(out.begin(), out.end(), [this](int64_t a, int64_t b) {
        return model_grid_->rowOf(a) < model_grid_->rowOf(b);
    });
    return out;
}

int64_t ExplorerPanel::regionCount() const {
    if (!region_) {
        return 0;
    }
    int64_t n = 0;
    for (uint8_t v : *region_) {
        n += v != 0;
    }
    return n;
}

void ExplorerPanel::showSideTab(QWidget* page) {
    for (int i = 0; i < tabs_->count(); ++i) {
        if (tabs_->widget(i) == page || tabs_->widget(i)->isAncestorOf(page)) {
            tabs_->setCurrentIndex(i);
            return;
        }
    }
}

void ExplorerPanel::setSplit(Split split) {
    split_ = split;
    {
        const QScopedValueRollback<bool> quiet(updating_, true);
        selectData(splitBox_, int(split));
    }
    maskBox_->setEnabled(split == Split::Train);
    rebuildSource();
}

void ExplorerPanel::setScoreKind(ScoreKind kind) {
    selectData(scoreBox_, int(kind));  // its signal refreshes
}

void ExplorerPanel::setSortOrder(SortOrder order) {
    selectData(sortBox_, int(order));
}

void ExplorerPanel::showTestCell(int trueClass, int predicted) {
    {
        const QScopedValueRollback<bool> quiet(updating_, true);
        selectData(trueClassBox_, trueClass);
        selectData(predictedBox_, predicted);
        selectData(correctnessBox_, int(ExampleFilter::Correctness::Any));
        selectData(thresholdBox_, int(ExampleFilter::Threshold::Off));
    }
    setSplit(Split::Test);
}

void ExplorerPanel::clearFilters() {
    {
        const QScopedValueRollback<bool> quiet(updating_, true);
        for (QComboBox* box :
             {trueClassBox_, predictedBox_, correctnessBox_, maskBox_, thresholdBox_}) {
            box->setCurrentIndex(0);
        }
    }
    dataMap_->clearRegion();  // refreshes when a rectangle was set
    refresh();
}

void ExplorerPanel::rebuildSource() {
    const ScoresPtr scores = scoresOf(split_);
    model_grid_->setSource(context_, split_, scores);
    ExampleColumns columns;
    if (context_.valid()) {
        columns.count = context_.count(split_);
        columns.labels = &context_.images(split_).labels;
        if (scores) {
            columns.predicted = &scores->predicted;
            columns.correct = &scores->correct;
        }
    }
    query_.setColumns(columns);
    query_.setOrder(sortOrder());
    updateScoreValues();
    predictedBox_->setEnabled(scores != nullptr);
    correctnessBox_->setEnabled(scores != nullptr);
    refresh();
}

void ExplorerPanel::updateScoreValues() {
    const ScoreKind kind = scoreKind();
    const ScoresPtr train = scoresOf(Split::Train);
    std::vector<float> trainValues = train ? train->values(kind) : std::vector<float>();
    if (split_ == Split::Train) {
        query_.setScoreValues(trainValues);  // the same values: computed once
    } else {
        const ScoresPtr scores = scoresOf(split_);
        query_.setScoreValues(scores ? scores->values(kind) : std::vector<float>());
    }
    masks_->setScoreValues(std::move(trainValues), QString::fromStdString(scoreName(kind)));
}

void ExplorerPanel::rebuildClassBoxes() {
    const QScopedValueRollback<bool> quiet(updating_, true);
    for (QComboBox* box : {trueClassBox_, predictedBox_}) {
        const QVariant current = box->currentData();
        box->clear();
        box->addItem(box == trueClassBox_ ? tr("any true class") : tr("any prediction"), -1);
        for (int c = 0; c < context_.classes(); ++c) {
            box->addItem(box == trueClassBox_ ? tr("true: %1").arg(context_.className(c))
                                              : tr("predicted: %1").arg(context_.className(c)),
                         c);
        }
        selectData(box, current.isValid() ? current : QVariant(-1));
    }
}

void ExplorerPanel::rebuildMaskBox() {
    const QString name = maskBox_->currentData(Qt::UserRole).toString();
    const bool outside = maskBox_->currentData(Qt::UserRole + 1).toBool();
    {
        const QScopedValueRollback<bool> quiet(updating_, true);
        maskBox_->clear();
        maskBox_->addItem(tr("any mask"));
        int keep = 0;
        const MaskListModel* masks = masks_->model();
        for (int r = 0; r < masks->maskCount(); ++r) {
            if (!masks->applies(r)) {
                continue;
            }
            const QString n = QString::fromStdString(masks->mask(r)->name());
            for (bool out : {false, true}) {
                maskBox_->addItem(out ? tr("not in %1").arg(n) : tr("in %1").arg(n));
                const int i = maskBox_->count() - 1;
                maskBox_->setItemData(i, n, Qt::UserRole);
                maskBox_->setItemData(i, out, Qt::UserRole + 1);
                if (n == name && out == outside) {
                    keep = i;
                }
            }
        }
        maskBox_->setCurrentIndex(keep);
    }
    if (!name.isEmpty() && !updating_) {
        refresh();  // the mask may have changed or gone
    }
}

void ExplorerPanel::updateDataMap() {
    const ScoresPtr train = scoresOf(Split::Train);
    if (!train || train->variability.empty()) {
        dataMap_->clearPoints(tr("The data map needs scores of the training set."));
        return;
    }
    bool spread = false;
    for (float v : train->variability) {
        spread |= std::isfinite(v) && v > 0;
    }
    dataMap_->setPoints(
        train->variability, train->meanTrueProbability, train->correct,
        spread ? QString()
               : tr("One snapshot: variability is 0. For a real data map, run a scoring job "
                    "with several runs or every epoch."));
}

ExampleFilter ExplorerPanel::currentFilter() const {
    ExampleFilter f;
    f.trueClass =
        trueClassBox_->currentData().isValid() ? trueClassBox_->currentData().toInt() : -1;
    f.predictedClass =
        predictedBox_->currentData().isValid() ? predictedBox_->currentData().toInt() : -1;
    f.correctness = ExampleFilter::Correctness(correctnessBox_->currentData().toInt());
    if (split_ == Split::Train) {
        const QString name = maskBox_->currentData(Qt::UserRole).toString();
        const int row = name.isEmpty() ? -1 : masks_->model()->rowOf(name);
        if (row >= 0 && masks_->model()->applies(row)) {
            f.mask = masks_->model()->mask(row);
            f.outsideMask = maskBox_->currentData(Qt::UserRole + 1).toBool();
        }
        f.region = region_;
    }
    f.threshold = ExampleFilter::Threshold(thresholdBox_->currentData().toInt());
    f.thresholdValue = float(histogram_->threshold());
    return f;
}

void ExplorerPanel::refresh(bool histogramToo) {
    query_.setFilter(currentFilter());
    if (histogramToo) {
        std::vector<float> v = query_.valuesBeforeThreshold();
        histogram_->setValues(v, QString::fromStdString(scoreTitle(scoreKind())));
        const ScoresPtr scores = scoresOf(split_);
        if (scores != thresholdScores_ || scoreKind() != thresholdKind_) {
            // New values: the line starts at their median.
            thresholdScores_ = scores;
            thresholdKind_ = scoreKind();
            v.erase(std::remove_if(v.begin(), v.end(), [](float x) { return std::isnan(x); }),
                    v.end());
            if (!v.empty()) {
                std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
                histogram_->blockSignals(true);
                histogram_->setThreshold(v[v.size() / 2]);
                histogram_->blockSignals(false);
                query_.setFilter(currentFilter());  // with the new threshold
            }
        }
    }
    model_grid_->setRows(query_.rows());  // once, after the threshold settled
    if (grid_->model()->rowCount() > 0 && !grid_->currentIndex().isValid()) {
        detail_->showMessage(tr("Click an image to see it large."));
    }
    updateCountLabel();
    emit rowsChanged();
}

void ExplorerPanel::updateCountLabel() {
    const int64_t shown = static_cast<int64_t>(model_grid_->rows().size());
    const int64_t all = context_.valid() ? context_.count(split_) : 0;
    qsizetype selected = 0;
    for (const QItemSelectionRange& range : grid_->selectionModel()->selection()) {
        selected += range.height();
    }
    const QString set = split_ == Split::Train ? tr("training") : tr("test");
    QString text = tr("%1 of %2 %3 examples shown · %4 selected")
                       .arg(countText(shown), countText(all), set, countText(selected));
    if (split_ == Split::Train && region_) {
        text += tr(" · data-map rectangle: %1").arg(countText(regionCount()));
    }
    count_->setText(text);
    const auto side = ExampleFilter::Threshold(thresholdBox_->currentData().toInt());
    if (side == ExampleFilter::Threshold::Off) {
        histogram_->setCountText(tr("%1 examples").arg(countText(shown)));
    } else {
        histogram_->setCountText(tr("%1 %2 %3")
                                     .arg(countText(shown))
                                     .arg(side == ExampleFilter::Threshold::AtMost ? "≤" : "≥")
                                     .arg(histogram_->threshold(), 0, 'g', 4));
    }
}

void ExplorerPanel::onCurrentChanged() {
    const int64_t i = model_grid_->exampleAt(grid_->currentIndex().row());
    if (i < 0) {
        detail_->showMessage(tr("Click an image to see it large."));
        return;
    }
    detail_->showExample(context_, split_, scoresOf(split_), i);
}

void ExplorerPanel::onThresholdMoved(double value) {
    if (updating_) {
        return;
    }
    if (ExampleFilter::Threshold(thresholdBox_->currentData().toInt()) ==
        ExampleFilter::Threshold::Off) {
        const QScopedValueRollback<bool> quiet(updating_, true);
        selectData(thresholdBox_, int(ExampleFilter::Threshold::AtMost));
    }
    refresh(false);
}

void ExplorerPanel::onRegionSelected(const QCPRange& variability, const QCPRange& mean) {
    const ScoresPtr train = scoresOf(Split::Train);
    if (!train) {
        return;
    }
    auto region = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(train->size), 0);
    for (size_t i = 0; i < region->size(); ++i) {
        const float v = train->variability[i], m = train->meanTrueProbability[i];
        (*region)[i] = variability.contains(v) && mean.contains(m);
    }
    region_ = std::move(region);
    clearRegion_->setEnabled(true);
    if (split_ != Split::Train) {
        setSplit(Split::Train);
    } else {
        refresh();
    }
    grid_->selectAll();
}

void ExplorerPanel::scoreWithLastModel(int ttaLevel) {
    if (!model_) {
        emit errorOccurred(tr("No run has finished yet: train first, then score."));
        return;
    }
    analysis_->scoreWithModel(model_, ttaLevel);
}

void ExplorerPanel::runScoringJob(int runs, int folds, bool perEpoch, int ttaLevel) {
    if (!context_.valid()) {
        emit errorOccurred(tr("No dataset is loaded."));
        return;
    }
    if (analysis_->isTrainingRunning()) {
        emit errorOccurred(tr("A training run is in progress: score when it has finished."));
        return;
    }
    ScoringRequest request;
    request.context = context_;
    request.config = config_ ? config_() : RunConfig{};
    request.config.run.runs = runs;
    request.folds = folds;
    request.perEpoch = perEpoch;
    request.ttaLevel = ttaLevel;
    if (!analysis_->scoreTrainingSet(request)) {
        emit errorOccurred(tr("Another job that trains networks is running: stop it or wait."));
    }
}

bool ExplorerPanel::exportScores(const QString& path) {
    if (!train_.valid()) {
        emit errorOccurred(tr("No scores to export: score the training set first."));
        return false;
    }
    try {
        writeScoresCsv(path.toStdString(), *train_.scores);
        scoring_->showStatus(tr("Wrote %1").arg(path));
        return true;
    } catch (const std::exception& e) {
        emit errorOccurred(QString::fromStdString(e.what()));
        return false;
    }
}

void ExplorerPanel::exportScoresWithDialog() {
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export scores"), QStringLiteral("scores.csv"), tr("CSV files (*.csv)"));
    if (path.isEmpty()) {
        return;
    }
    if (!path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)) {
        path += QLatin1String(".csv");
    }
    exportScores(path);
}

}  // namespace airbench::ui
