#include "main_window.h"

#include "about_dialog.h"
#include "analysis/analysis_controller.h"
#include "common/error_banner.h"
#include "common/format.h"
#include "common/log_pane.h"
#include "data/data_job_bar.h"
#include "data/data_job_controller.h"
#include "data/dataset_panel.h"
#include "data/dataset_preview_panel.h"
#include "data/start_dataset.h"
#include "explorer/explorer_panel.h"
#include "explorer/mask_panel.h"
#include "runs/history_controller.h"
#include "runs/kept_network.h"
#include "runs/runs_panel.h"
#include "selection/selection_panel.h"
#include "training/accuracy_plot.h"
#include "training/loss_plot.h"
#include "training/recipe_picker.h"
#include "training/run_config_form.h"
#include "training/run_settings.h"
#include "training/summary_panel.h"
#include "training/training_controller.h"
#include "training/training_session.h"
#include "window_settings.h"

#include <airbench/device.h>
#include <airbench/history.h>
#include <airbench/recipe.h>
#include <airbench/resources.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

namespace airbench::ui {
MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent) : QMainWindow(parent) {
    registerEngineMetaTypes();
    setWindowTitle(tr("Airbench Workbench"));
    setWindowIcon(resources::applicationIcon());
    session_ = new TrainingSession(this);
    controller_ = new TrainingController(session_, this);
    analysis_ = new AnalysisController(this);
    dataJobs_ = new DataJobController(this);
    historyPath_ = options.historyPath.isEmpty()
                       ? QString::fromStdString(history::Database::defaultPath())
                       : options.historyPath;
    history_ = new HistoryController(historyPath_, this);

    createLayout();
    createActions();

    connect(recipes_, &RecipePicker::recipeChanged, this, &MainWindow::onRecipeChanged);
    connect(dataset_, &DatasetPanel::datasetChanged, this, &MainWindow::onDatasetChanged);
    connect(dataset_, &DatasetPanel::loadFailed, this, &MainWindow::onDatasetFailed);
    connect(dataset_, &DatasetPanel::loadStarted, this, [this](const QString& folder) {
        statusBar()->showMessage(tr("Loading %1…").arg(folder));
    });
    connect(controller_, &TrainingController::deviceReady, this,
            [this](const QString& device) { device_->setText(tr("Device: %1").arg(device)); });
    connect(controller_, &TrainingController::runStarted, this, &MainWindow::onRunStarted);
    connect(controller_, &TrainingController::epochFinished, this, &MainWindow::onEpochFinished);
    connect(controller_, &TrainingController::runFinished, this, &MainWindow::onRunFinished);
    connect(controller_, &TrainingController::progressChanged, this, &MainWindow::onProgress);
    connect(controller_, &TrainingController::note, this,
            [this](const QString& text) { log_->appendLine(tr("note: %1").arg(text)); });
    connect(controller_, &TrainingController::failed, this, &MainWindow::showError);
    connect(controller_, &TrainingController::finished, this, &MainWindow::onTrainingFinished);
    connect(controller_, &TrainingController::modelReady, explorer_,
            [this](int, const TrainedModelPtr& model) { explorer_->setLastModel(model); });

    // The run history (Runs tab) and getting data in (Dataset menu, the dataset panel's offer).
    connect(runs_, &RunsPanel::errorOccurred, this, &MainWindow::showError);
    connect(runs_, &RunsPanel::openNetworkRequested, this, &MainWindow::openNetwork);
    connect(runs_, &RunsPanel::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 5000); });
    connect(dataset_, &DatasetPanel::getCifar10Requested, this, &MainWindow::getCifar10);
    connect(dataset_, &DatasetPanel::importFileRequested, this, &MainWindow::importFile);
    connect(dataset_, &DatasetPanel::importFolderRequested, this, &MainWindow::importFolder);
    connect(dataJobBar_, &DataJobBar::importFileRequested, this, &MainWindow::importFile);
    connect(dataJobs_, &DataJobController::started, this, [this] {
        log_->appendLine(dataJobs_->title() + QStringLiteral("…"));
        getCifarAction_->setEnabled(false);
        importFileAction_->setEnabled(false);
        importFolderAction_->setEnabled(false);
    });
    connect(dataJobs_, &DataJobController::finished, this, [this] {
        getCifarAction_->setEnabled(true);
        importFileAction_->setEnabled(true);
        importFolderAction_->setEnabled(true);
    });
    connect(dataJobs_, &DataJobController::succeeded, this, &MainWindow::onDataJobSucceeded);
    connect(dataJobs_, &DataJobController::failed, this,
            [this](const QString& message) { log_->appendError(message); });
    connect(dataJobs_, &DataJobController::cancelled, this, [this] {
        log_->appendLine(tr("%1: cancelled").arg(dataJobs_->title()));
        statusBar()->showMessage(tr("Cancelled"), 5000);
    });

    // Analysis: scores, the test set's predictions, the selection experiment.
    const auto config = [this] { return currentConfig(); };
    explorer_->setRunConfigProvider(config);
    selection_->setRunConfigProvider(config);
    connect(explorer_, &ExplorerPanel::trainOnMaskRequested, this,
            &MainWindow::startTrainingOnMask);
    connect(explorer_, &ExplorerPanel::errorOccurred, this, &MainWindow::showError);
    connect(selection_, &SelectionPanel::maskCreated, this, [this](const Mask& mask) {
        explorer_->masks()->addMask(mask);
        tabs_->setCurrentWidget(explorer_);
    });
    connect(analysis_, &AnalysisController::started, this,
            [this](AnalysisJob, const QString& what) { log_->appendLine(what); });
    connect(analysis_, &AnalysisController::failed, this,
            [this](AnalysisJob, const QString& message) { showError(message); });
    connect(analysis_, &AnalysisController::heavyBusyChanged, this,
            [this] { setTraining(controller_->isRunning()); });

    form_->setRecipe(findRecipe(recipes_->currentRecipe().toStdString()));
    readSettings(options);
    setTraining(false);
}

MainWindow::~MainWindow() {
    // First of all: join the training, analysis and data threads (closeEvent normally did
    // already), before the session and the widgets they report to go away.
    delete controller_;
    delete analysis_;
    delete dataJobs_;
}

void MainWindow::createLayout() {
    dataset_ = new DatasetPanel;
    recipes_ = new RecipePicker;
    form_ = new RunConfigForm;
    connect(form_, &RunConfigForm::overridesKept, this, [this](const QString& kept) {
        statusBar()->showMessage(tr("Kept your overrides: %1").arg(kept), 8000);
    });
    trainButton_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Train"));
    trainButton_->setToolTip(tr("Start training (Ctrl+Return)"));
    stopButton_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"));
    stopButton_->setToolTip(tr("Stop after the current step (Esc)"));
    connect(trainButton_, &QPushButton::clicked, this, &MainWindow::startTraining);
    connect(stopButton_, &QPushButton::clicked, this, &MainWindow::stopTraining);

    auto* controls = new QWidget;
    auto* controlsLayout = new QVBoxLayout(controls);
    controlsLayout->setContentsMargins(0, 0, 0, 0);
    controlsLayout->addWidget(dataset_);
    controlsLayout->addWidget(recipes_);
    controlsLayout->addWidget(form_);
    controlsLayout->addStretch(1);
    // The controls scroll on small screens instead of squeezing the form; Train and Stop stay
    // below them, always in view.
    auto* scroll = new QScrollArea;
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(controls->sizeHint().width() +
                            scroll->verticalScrollBar()->sizeHint().width());
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(trainButton_, 1);
    buttons->addWidget(stopButton_, 1);
    auto* leftColumn = new QWidget;
    auto* leftLayout = new QVBoxLayout(leftColumn);
    leftLayout->setContentsMargins(6, 6, 0, 6);
    leftLayout->addWidget(scroll, 1);
    leftLayout->addLayout(buttons);

    banner_ = new ErrorBanner;
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    progress_->setFormat(tr("idle"));
    lossPlot_ = new LossPlot(session_);
    accuracyPlot_ = new AccuracyPlot(session_);
    summary_ = new SummaryPanel(session_);
    log_ = new LogPane;

    plotSplitter_ = new QSplitter(Qt::Horizontal);
    plotSplitter_->addWidget(lossPlot_);
    plotSplitter_->addWidget(accuracyPlot_);
    bottomSplitter_ = new QSplitter(Qt::Horizontal);
    bottomSplitter_->addWidget(summary_);
    bottomSplitter_->addWidget(log_);
    bottomSplitter_->setStretchFactor(0, 1);
    bottomSplitter_->setStretchFactor(1, 1);
    rightSplitter_ = new QSplitter(Qt::Vertical);
    rightSplitter_->addWidget(plotSplitter_);
    rightSplitter_->addWidget(bottomSplitter_);
    rightSplitter_->setStretchFactor(0, 3);
    rightSplitter_->setStretchFactor(1, 2);
    rightSplitter_->setSizes({460, 280});  // the curves first (saved sizes win)

    explorer_ = new ExplorerPanel(analysis_);
    selection_ = new SelectionPanel(analysis_);
    preview_ = new DatasetPreviewPanel;
    runs_ = new RunsPanel(history_);
    tabs_ = new QTabWidget;
    tabs_->setDocumentMode(true);
    tabs_->addTab(rightSplitter_, tr("Training"));
    tabs_->addTab(preview_, tr("Dataset"));
    tabs_->addTab(explorer_, tr("Explorer"));
    tabs_->addTab(selection_, tr("Selection experiment"));
    tabs_->addTab(runs_, tr("Runs"));
    dataJobBar_ = new DataJobBar(dataJobs_);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 6, 6, 6);
    rightLayout->addWidget(dataJobBar_);
    rightLayout->addWidget(banner_);
    rightLayout->addWidget(progress_);
    rightLayout->addWidget(tabs_, 1);

    mainSplitter_ = new QSplitter(Qt::Horizontal);
    mainSplitter_->addWidget(leftColumn);
    mainSplitter_->addWidget(right);
    mainSplitter_->setStretchFactor(0, 0);
    mainSplitter_->setStretchFactor(1, 1);
    mainSplitter_->setCollapsible(1, false);
    // Names key the splitters' saved sizes in QSettings.
    mainSplitter_->setObjectName(QStringLiteral("mainSplitter"));
    rightSplitter_->setObjectName(QStringLiteral("rightSplitter"));
    plotSplitter_->setObjectName(QStringLiteral("plotSplitter"));
    bottomSplitter_->setObjectName(QStringLiteral("bottomSplitter"));
    setCentralWidget(mainSplitter_);

    device_ = new QLabel;
    statusBar()->addPermanentWidget(device_);
    try {
        device_->setText(
            tr("Device: %1")
                .arg(QString::fromStdString(describeDevice(resolveDevice(DeviceRequest::Auto)))));
    } catch (const std::exception& e) {
        device_->setText(tr("Device: unavailable (%1)").arg(e.what()));
    }
    auto* version = new QLabel(tr("LibTorch %1").arg(QString::fromStdString(libtorchVersion())));
    statusBar()->addPermanentWidget(version);
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    openAction_ = file->addAction(tr("&Open dataset…"), dataset_, &DatasetPanel::browse);
    openAction_->setShortcut(QKeySequence::Open);
    file->addSeparator();
    file->addAction(tr("Export loss plot as PNG…"), lossPlot_, &CurvePlot::exportPngWithDialog);
    file->addAction(tr("Export loss plot as PDF…"), lossPlot_, &CurvePlot::exportPdfWithDialog);
    file->addAction(tr("Export accuracy plot as PNG…"), accuracyPlot_,
                    &CurvePlot::exportPngWithDialog);
    file->addAction(tr("Export accuracy plot as PDF…"), accuracyPlot_,
                    &CurvePlot::exportPdfWithDialog);
    file->addSeparator();
    // Every run goes into the history the CLI also writes (see the Runs tab), unless this is off.
    recordRunsAction_ = file->addAction(tr("&Record runs in the history"));
    recordRunsAction_->setCheckable(true);
    recordRunsAction_->setChecked(true);
    recordRunsAction_->setToolTip(tr("Record every run in %1").arg(historyPath_));
    connect(recordRunsAction_, &QAction::toggled, this, [this](bool on) {
        WindowSettings().setRecordRuns(on);
        keepNetworksAction_->setEnabled(on);  // a kept network is found through its record
        analysis_->setHistoryPath(on ? historyPath_ : QString());
    });
    analysis_->setHistoryPath(historyPath_);
    keepNetworksAction_ = file->addAction(tr("&Keep trained networks"));
    keepNetworksAction_->setCheckable(true);
    keepNetworksAction_->setToolTip(
        tr("Save every finished run's network in %1, to reopen it from the Runs tab")
            .arg(networksFolder()));
    connect(keepNetworksAction_, &QAction::toggled, this,
            [](bool on) { WindowSettings().setKeepNetworks(on); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* data = menuBar()->addMenu(tr("&Dataset"));
    getCifarAction_ = data->addAction(tr("&Get CIFAR-10…"), this, &MainWindow::getCifar10);
    getCifarAction_->setToolTip(tr("Download the official CIFAR-10 (162 MB) and check its MD5"));
    importFileAction_ =
        data->addAction(tr("&Import an archive or file…"), this, &MainWindow::importFile);
    importFolderAction_ = data->addAction(tr("Import a &folder…"), this, &MainWindow::importFolder);
    data->addSeparator();
    data->addAction(tr("&Preview"), this, [this] { tabs_->setCurrentWidget(preview_); });

    QMenu* training = menuBar()->addMenu(tr("&Training"));
    trainAction_ = training->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Train"),
                                       this, &MainWindow::startTraining);
    trainAction_->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    stopAction_ = training->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("&Stop"),
                                      this, &MainWindow::stopTraining);
    stopAction_->setShortcuts(
        {QKeySequence(Qt::Key_Escape), QKeySequence(Qt::CTRL | Qt::Key_Period)});
    training->addSeparator();
    resetFormAction_ = training->addAction(tr("&Reset to recipe defaults"), form_,
                                           &RunConfigForm::resetToRecipeDefaults);
    clearAction_ =
        training->addAction(tr("&Clear the session's runs"), this, &MainWindow::clearSession);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    resetViewsAction_ = view->addAction(tr("&Reset plot views"), this, &MainWindow::resetPlotViews);
    resetViewsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About Airbench Workbench"), this, [this] {
        AboutDialog dialog(this);
        dialog.exec();
    });
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::readSettings(const MainWindowOptions& options) {
    const WindowSettings saved;
    if (!saved.restoreLayout(*this, splitters())) {
        resize(1280, 800);
    }
    recordRunsAction_->setChecked(saved.recordRuns());
    keepNetworksAction_->setChecked(saved.keepNetworks());
    keepNetworksAction_->setEnabled(recordRunsAction_->isChecked());

    // Recipe: --recipe, else the last one, else the registry's first. The saved overrides that
    // are knobs of the recipe shown carry over (the form keeps them and says so), the run
    // settings too.
    const RunConfig run = saved.runConfig();
    form_->setConfig(run);
    const QString wanted =
        options.recipe.isEmpty() ? QString::fromStdString(run.recipe) : options.recipe;
    if (!recipes_->setCurrentRecipe(wanted)) {
        showError(tr("Unknown recipe '%1'; showing %2.").arg(wanted, recipes_->currentRecipe()));
    }
    // The picker says nothing when it already showed that recipe; the form follows it anyway.
    onRecipeChanged(recipes_->currentRecipe());

    dataset_->setSubsets(saved.trainSubset(), saved.testSubset());
    if (!options.loadDataset) {
        return;
    }
    // The dataset panel offers to get CIFAR-10 when a fresh install would not find it, without
    // blocking the start.
    const StartDataset start = chooseStartDataset(options.dataPath, saved.datasetPath());
    dataset_->setCifarOfferEnabled(start.offerCifar10);
    if (start.folder.isEmpty()) {
        showError(start.error);
        return;
    }
    dataset_->loadFolder(start.folder);
}

void MainWindow::writeSettings() const {
    WindowSettings saved;
    saved.saveLayout(*this, splitters());
    if (dataset_->dataset()) {
        saved.setDatasetPath(QString::fromStdString(dataset_->dataset()->path));
    }
    saved.setSubsets(dataset_->trainSubset(), dataset_->testSubset());
    saved.setRunConfig(currentConfig());
}

QList<QSplitter*> MainWindow::splitters() const {
    return {mainSplitter_, rightSplitter_, plotSplitter_, bottomSplitter_};
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (controller_->isRunning()) {
        // The engine must not outlive the window's data: stop it and wait (one step at most).
        log_->appendLine(tr("stopping the run: the window is closing"));
        controller_->stopAndWait();
    }
    if (analysis_->isBusy()) {
        analysis_->stopAndWait();
    }
    dataJobs_->cancel();  // a partial download stays for the next start to resume
    writeSettings();
    event->accept();
}

void MainWindow::onRecipeChanged(const QString& name) {
    try {
        form_->setRecipe(findRecipe(name.toStdString()));
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
    }
}

void MainWindow::onDatasetChanged(const DatasetPtr& dataset) {
    if (!dataset) {
        return;
    }
    banner_->dismiss();
    statusBar()->showMessage(
        tr("Loaded %1 from %2")
            .arg(QString::fromStdString(dataset->name), QString::fromStdString(dataset->path)),
        5000);
    setWindowTitle(tr("Airbench Workbench — %1").arg(QString::fromStdString(dataset->name)));
    preview_->setDataset(dataset);
    updateDataContext();
    if (trainWhenLoaded_) {
        trainWhenLoaded_ = false;
        startTraining();
    }
}

void MainWindow::onDatasetFailed(const QString& folder, const QString& message) {
    trainWhenLoaded_ = false;
    statusBar()->clearMessage();
    showError(message);
}

void MainWindow::showError(const QString& message) {
    banner_->showError(message);
    log_->appendError(message);
}

void MainWindow::updateDataContext() {
    const DatasetPtr data = dataset_->dataset();
    if (!data) {
        return;
    }
    if (context_.dataset == data &&
        context_.trainCount == usedCount(dataset_->trainSubset(), data->train.size()) &&
        context_.testCount == usedCount(dataset_->testSubset(), data->test.size())) {
        return;
    }
    context_ = makeDataContext(data, dataset_->trainSubset(), dataset_->testSubset());
    explorer_->setContext(context_);
    selection_->setContext(context_);
}

void MainWindow::startTraining() {
    startTrainingWith(nullptr);
}

void MainWindow::startTrainingOnMask(const MaskPtr& mask) {
    if (mask) {
        tabs_->setCurrentIndex(0);  // the curves of the run appear like any other run's
    }
    startTrainingWith(mask);
}

void MainWindow::startTrainingWith(const MaskPtr& mask) {
    if (controller_->isRunning()) {
        return;
    }
    if (analysis_->isHeavyBusy()) {
        showError(tr("A scoring job or selection experiment is running: stop it or wait."));
        return;
    }
    banner_->dismiss();
    if (dataset_->isLoading()) {
        trainWhenLoaded_ = true;
        statusBar()->showMessage(tr("Training starts when the dataset has loaded…"));
        return;
    }
    if (!dataset_->dataset()) {
        showError(
            tr("No dataset is loaded: choose a CIFAR-10 or Fashion-MNIST folder with "
               "File > Open dataset."));
        return;
    }
    TrainRequest request;
    request.dataset = dataset_->dataset();
    request.config = currentConfig();
    request.mask = mask;
    if (recordRunsAction_->isChecked()) {
        request.historyPath = historyPath_;
        if (keepNetworksAction_->isChecked()) {
            request.networksDir = networksFolder();
        }
    }
    writeSettings();      // the configuration of the last run survives a crash
    updateDataContext();  // masks and scores refer to the examples this run uses

    const Dataset& data = *request.dataset;
    const RunConfig& config = request.config;
    const QLocale locale;
    auto used = [&](int64_t subset, int64_t all) {
        return locale.toString(static_cast<qlonglong>(usedCount(subset, all)));
    };
    if (!log_->document()->isEmpty()) {
        log_->appendLine(QString());
    }
    const std::string overrides = describeOverrides(config.overrides);
    log_->appendLine(
        tr("%1, %2: %3")
            .arg(QString::fromStdString(config.recipe),
                 formatCount(config.run.runs, tr("run"), tr("runs")),
                 overrides.empty() ? tr("the recipe's table") : QString::fromStdString(overrides)));
    log_->appendLine(tr("data: %1, %2 train / %3 test images")
                         .arg(QString::fromStdString(data.name),
                              used(config.data.trainSubset, data.train.size()),
                              used(config.data.testSubset, data.test.size())));
    if (mask) {
        log_->appendLine(tr("mask: %1, %2 of %3 training images")
                             .arg(QString::fromStdString(mask->name()),
                                  locale.toString(static_cast<qlonglong>(mask->count())),
                                  locale.toString(static_cast<qlonglong>(mask->size()))));
    }
    headerPrinted_ = false;
    controller_->start(request);
    setTraining(true);
    summary_->showMessage(tr("Training…"));
}

void MainWindow::stopTraining() {
    if (controller_->isRunning()) {
        controller_->stop();
        statusBar()->showMessage(tr("Stopping after the current step…"));
    } else if (trainWhenLoaded_) {
        trainWhenLoaded_ = false;
        statusBar()->clearMessage();
    }
}

void MainWindow::clearSession() {
    if (!controller_->isRunning()) {
        session_->clear();
        summary_->showMessage(tr("No runs yet."));
    }
}

void MainWindow::resetPlotViews() {
    lossPlot_->resetView();
    accuracyPlot_->resetView();
}

void MainWindow::setTraining(bool training) {
    // A scoring job or selection experiment trains networks too: one at a time.
    const bool canTrain = !training && !analysis_->isHeavyBusy();
    trainAction_->setEnabled(canTrain);
    trainButton_->setEnabled(canTrain);
    analysis_->setTrainingRunning(training);  // the Explorer and Selection tabs follow it
    stopAction_->setEnabled(training);
    stopButton_->setEnabled(training);
    form_->setEditable(!training);
    recipes_->setEnabled(!training);
    dataset_->setEnabled(!training);
    openAction_->setEnabled(!training);
    resetFormAction_->setEnabled(!training);
    clearAction_->setEnabled(!training);
}

void MainWindow::onRunStarted(int id, const RunPlan& plan) {
    const RunRecord& run = session_->run(id);
    if (!headerPrinted_) {
        log_->appendLine(tr("plan: %1 steps per run (%2 epochs of %3), %4 PFLOP; %5")
                             .arg(plan.totalSteps)
                             .arg(plan.epochs)
                             .arg(plan.stepsPerEpoch)
                             .arg(plan.totalFlops() / 1e15, 0, 'g', 3)
                             .arg(run.device));
        log_->appendLine(tableHeader());
        headerPrinted_ = true;
    }
    statusBar()->showMessage(tr("Training %1").arg(run.label()));
}

void MainWindow::onEpochFinished(int id, const EpochMetrics& metrics) {
    log_->appendLine(tableEpochRow(id + 1, metrics));
}

void MainWindow::onRunFinished(int id, const RunSummary& summary) {
    log_->appendLine(tableFinalRow(id + 1, summary));
    summary_->showBatch(session_->run(id).batch);
}

void MainWindow::onProgress(const TrainingProgress& p) {
    progress_->setValue(qRound(p.fraction * 1000));
    progress_->setFormat(p.text());
}

void MainWindow::onTrainingFinished(int batch) {
    setTraining(false);
    // The confusion matrix: the test set inferred by the batch's last completed network.
    const TrainedModelPtr model = controller_->lastModel();
    if (model && model != inferred_) {
        inferred_ = model;
        analysis_->inferTestSet(model);
    }
    const BatchSummary b = session_->summarizeBatch(batch);
    if (b.runs > 0) {
        summary_->showBatch(batch);
    } else {
        summary_->showMessage(tr("No run started."));
    }
    if (b.completed > 0) {
        // The CLI's closing line.
        log_->appendLine(tr("%1: tta_val_acc mean %2 std %3 (95% CI +-%4), time mean %5 s std %6 s")
                             .arg(formatCount(b.completed, tr("run"), tr("runs")))
                             .arg(b.ttaAccuracy.mean, 0, 'f', 4)
                             .arg(b.ttaAccuracy.stddev, 0, 'f', 4)
                             .arg(b.ttaAccuracy.ci95, 0, 'f', 4)
                             .arg(b.seconds.mean, 0, 'f', 2)
                             .arg(b.seconds.stddev, 0, 'f', 2));
    }
    const TrainingProgress& p = controller_->progress();
    if (b.failed > 0 || (b.runs == 0 && !banner_->text().isEmpty())) {
        progress_->setFormat(tr("failed"));
    } else if (b.stopped > 0 || b.completed < p.runs) {
        progress_->setFormat(
            tr("stopped: %1 completed").arg(formatCount(b.completed, tr("run"), tr("runs"))));
    } else {
        progress_->setValue(1000);
        progress_->setFormat(tr("done: %1").arg(formatCount(b.completed, tr("run"), tr("runs"))));
    }
    statusBar()->showMessage(tr("Training finished"), 5000);

    std::vector<qint64> recorded;
    for (int id : session_->runsOfBatch(batch)) {
        if (session_->run(id).historyId > 0) {
            recorded.push_back(session_->run(id).historyId);
        }
    }
    if (!recorded.empty()) {
        log_->appendLine(recorded.size() == 1
                             ? tr("recorded run #%1 in %2").arg(recorded.front()).arg(historyPath_)
                             : tr("recorded %1 runs (#%2 to #%3) in %4")
                                   .arg(recorded.size())
                                   .arg(recorded.front())
                                   .arg(recorded.back())
                                   .arg(historyPath_));
    }
    history_->refresh(true);  // the Runs tab lists the batch's runs at once
    if (!pendingDataset_.isEmpty()) {
        dataset_->loadFolder(pendingDataset_);
        pendingDataset_.clear();
    }
}

void MainWindow::getCifar10() {
    if (!dataJobs_->getCifar10()) {
        statusBar()->showMessage(tr("Another download or import is running."), 5000);
    }
}

void MainWindow::importFile() {
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Import a dataset"), QDir::homePath(),
        tr("Datasets (*.tar.gz *.tgz *.tar *.tar.bz2 *.tar.xz *.zip *-ubyte *-ubyte.gz);;"
           "All files (*)"));
    if (!file.isEmpty()) {
        importDataset(file);
    }
}

void MainWindow::importFolder() {
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Import a dataset folder (CIFAR-10 binary, IDX, or train/<class>/ images)"),
        QDir::homePath(), QFileDialog::ShowDirsOnly);
    if (!folder.isEmpty()) {
        importDataset(folder);
    }
}

void MainWindow::importDataset(const QString& source) {
    if (!dataJobs_->importSource(source)) {
        statusBar()->showMessage(tr("Another download or import is running."), 5000);
    }
}

void MainWindow::onDataJobSucceeded(const QString& folder) {
    log_->appendLine(dataJobs_->resultText());
    statusBar()->showMessage(dataJobs_->resultText(), 8000);
    if (controller_->isRunning()) {
        // The run keeps its data; the new dataset comes when the batch ends.
        pendingDataset_ = folder;
        return;
    }
    dataset_->loadFolder(folder);
}

RunConfig MainWindow::currentConfig() const {
    RunConfig config = form_->config();
    config.data.trainSubset = dataset_->trainSubset();
    config.data.testSubset = dataset_->testSubset();
    if (const DatasetPtr& data = dataset_->dataset()) {
        config.data.path = data->path;
        config.data.format = data->format;
    }
    return config;
}

QString MainWindow::networksFolder() const {
    return QFileInfo(historyPath_).absoluteDir().filePath(QStringLiteral("networks"));
}

bool MainWindow::openNetwork(qint64 historyId, const QString& path) {
    updateDataContext();
    if (!context_.valid()) {
        showError(tr("Load a dataset first: the network is evaluated on the examples in use."));
        return false;
    }
    const KeptNetwork kept = openKeptNetwork(historyId, path, context_, currentConfig().run.device,
                                             history_->run(historyId));
    if (!kept.model) {
        showError(kept.error);
        return false;
    }
    const TrainedModelPtr& opened = kept.model;
    explorer_->setLastModel(opened);
    inferred_ = opened;
    analysis_->inferTestSet(opened);
    tabs_->setCurrentWidget(explorer_);
    const QString recipe = QString::fromStdString(opened->recipe);
    const QString text =
        kept.sameData ? tr("Opened the network of run #%1 (%2) on the data it trained on")
                            .arg(historyId)
                            .arg(recipe)
                      : tr("Opened the network of run #%1 (%2) on %3, which it did not train on")
                            .arg(historyId)
                            .arg(recipe, QString::fromStdString(context_.dataset->name));
    log_->appendLine(text);
    statusBar()->showMessage(text, 8000);
    return true;
}

}  // namespace airbench::ui
