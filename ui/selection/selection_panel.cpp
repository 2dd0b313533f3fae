#include "selection/selection_panel.h"

#include "analysis/analysis_controller.h"
#include "common/format.h"
#include "selection/selection_plot.h"

#include <airbench/recipe.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTextDocument>
#include <QVBoxLayout>

namespace airbench::ui {

SelectionPanel::SelectionPanel(AnalysisController* analysis, QWidget* parent)
    : QWidget(parent), analysis_(analysis) {
    keep_ = new QDoubleSpinBox;
    keep_->setRange(1, 99);
    keep_->setDecimals(1);
    keep_->setSuffix(QStringLiteral(" %"));
    keep_->setValue(60);
    keep_->setToolTip(tr("Share of the training set both arms train on"));
    score_ = new QComboBox;
    for (ScoreKind kind : allScoreKinds()) {
        // Data-map scores and forgetting need more than one final network: not offered here.
        if (kind == ScoreKind::MeanTrueProbability || kind == ScoreKind::Variability ||
            kind == ScoreKind::Forgetting) {
            continue;
        }
        score_->addItem(QString::fromStdString(scoreTitle(kind)), int(kind));
    }
    score_->setToolTip(tr("Scored by one network trained on everything without label smoothing"));
    direction_ = new QComboBox;
    direction_->addItem(tr("lowest"), true);
    direction_->addItem(tr("highest"), false);
    epochs_ = new QDoubleSpinBox;
    epochs_->setRange(0.1, 200);
    epochs_->setDecimals(1);
    epochs_->setValue(16);
    epochs_->setToolTip(tr("Training budget of every run of both arms (the seed: 16)"));
    recipe_ = new QComboBox;
    for (const std::string& name : recipeNames()) {
        recipe_->addItem(QString::fromStdString(name));
    }
    runs_ = new QSpinBox;
    runs_->setRange(1, 100);
    runs_->setValue(4);
    runs_->setToolTip(tr("Seeded runs per arm"));
    classMix_ = new QCheckBox(tr("random arm keeps the selection's class mix"));
    run_ = new QPushButton(tr("Run experiment"));
    QFont bold = run_->font();
    bold.setBold(true);
    run_->setFont(bold);
    stop_ = new QPushButton(tr("Stop"));
    mask_ = new QPushButton(tr("Keep the selection as a mask"));
    mask_->setEnabled(false);
    connect(run_, &QPushButton::clicked, this, &SelectionPanel::start);
    connect(stop_, &QPushButton::clicked, this, &SelectionPanel::stop);
    connect(mask_, &QPushButton::clicked, this, [this] {
        if (result_) {
            emit maskCreated(result_->selection);
        }
    });
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setTextVisible(true);
    progress_->setFormat(tr("idle"));
    status_ = new QLabel;
    status_->setWordWrap(true);
    result_text_ = new QLabel;
    result_text_->setWordWrap(true);
    result_text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    result_text_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    plot_ = new SelectionPlot;

    auto* keepRow = new QHBoxLayout;
    keepRow->addWidget(direction_);
    keepRow->addWidget(keep_, 1);
    auto* form = new QGroupBox(tr("Experiment"));
    auto* formLayout = new QFormLayout(form);
    formLayout->addRow(tr("Keep"), keepRow);
    formLayout->addRow(tr("by score"), score_);
    formLayout->addRow(tr("Recipe"), recipe_);
    formLayout->addRow(tr("Epochs"), epochs_);
    formLayout->addRow(tr("Runs per arm"), runs_);
    formLayout->addRow(classMix_);
    auto* note = new QLabel(tr(
        "Width, batch size, seed and device come from the form on the "
        "left. Every network, the scoring one included, trains for the epochs above; the scoring "
        "network without label smoothing."));
    note->setWordWrap(true);
    note->setStyleSheet(QStringLiteral("color: #666;"));
    formLayout->addRow(note);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(run_, 1);
    buttons->addWidget(stop_);
    auto* leftColumn = new QVBoxLayout;
    leftColumn->addWidget(form);
    leftColumn->addLayout(buttons);
    leftColumn->addWidget(progress_);
    leftColumn->addWidget(status_);
    leftColumn->addWidget(result_text_, 1);
    leftColumn->addWidget(mask_);
    auto* left = new QWidget;
    left->setLayout(leftColumn);
    left->setMaximumWidth(420);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(left);
    layout->addWidget(plot_, 1);

    connect(analysis_, &AnalysisController::started, this,
            [this](AnalysisJob job, const QString& what) {
                if (job == AnalysisJob::Selection) {
                    status_->setText(what + QStringLiteral("…"));
                }
            });
    connect(analysis_, &AnalysisController::progress, this,
            [this](AnalysisJob job, const QString& text, double fraction) {
                if (job == AnalysisJob::Selection) {
                    progress_->setValue(qRound(1000 * fraction));
                    progress_->setFormat(text.isEmpty() ? QStringLiteral("%p%") : text);
                }
            });
    connect(analysis_, &AnalysisController::armRunFinished, this, &SelectionPanel::onArmRun);
    connect(analysis_, &AnalysisController::selectionReady, this, &SelectionPanel::onResult);
    connect(analysis_, &AnalysisController::failed, this,
            [this](AnalysisJob job, const QString& message) {
                if (job == AnalysisJob::Selection) {
                    status_->setText(message);
                    progress_->setFormat(tr("stopped or failed"));
                }
            });
    connect(analysis_, &AnalysisController::jobFinished, this, [this](AnalysisJob job) {
        if (job == AnalysisJob::Selection) {
            running_ = false;
            updateButtons();
        }
    });
    connect(analysis_, &AnalysisController::heavyBusyChanged, this, &SelectionPanel::updateButtons);
    connect(analysis_, &AnalysisController::trainingRunningChanged, this,
            &SelectionPanel::updateButtons);
    result_text_->setText(
        tr("The seed's figures (CIFAR-10, 16 epochs): random subsets ~93%, "
           "the 60% with the lowest confidence ~94%."));
    updateButtons();
}

void SelectionPanel::setContext(const DataContext& context) {
    context_ = context;
}

void SelectionPanel::setRunConfigProvider(std::function<RunConfig()> provider) {
    config_ = std::move(provider);
    if (config_) {
        setRecipe(QString::fromStdString(config_().recipe));
    }
}

QString SelectionPanel::recipe() const {
    return recipe_->currentText();
}

void SelectionPanel::setRecipe(const QString& name) {
    const int i = recipe_->findText(name);
    if (i >= 0) {
        recipe_->setCurrentIndex(i);
    }
}

SelectionOptions SelectionPanel::options() const {
    SelectionOptions o;
    o.keep = keep_->value() / 100.0;
    o.score = ScoreKind(score_->currentData().toInt());
    o.lowest = direction_->currentData().toBool();
    o.runs = runs_->value();
    o.epochs = epochs_->value();
    o.matchClassMix = classMix_->isChecked();
    return o;
}

QString SelectionPanel::resultText() const {
    QTextDocument doc;
    doc.setHtml(result_text_->text());
    return doc.toPlainText();
}

bool SelectionPanel::start() {
    if (running_ || !analysis_->canStartHeavy()) {
        status_->setText(tr("Another job that trains networks is running: stop it or wait."));
        return false;
    }
    if (!context_.valid()) {
        status_->setText(tr("No dataset is loaded."));
        return false;
    }
    SelectionRequest request;
    request.context = context_;
    const RunConfig form = config_ ? config_() : RunConfig{};
    RunConfig& c = request.config;
    c.recipe = recipe().toStdString();
    c.run = form.run;
    c.data = form.data;
    if (form.recipe == c.recipe) {
        c.overrides = form.overrides;  // every override of the form applies to its own recipe
    } else {
        // Another recipe's values would mean something else here; its size carries over.
        for (const char* key : {"width_multiplier", "batch_size"}) {
            if (form.overrides.count(key)) {
                c.overrides[key] = form.overrides.at(key);
            }
        }
    }
    request.options = options();
    c.overrides["epochs"] =
        request.options.epochs;  // the scoring network trains as long as the arms
    request.options.scoringTtaLevel = 0;
    if (!analysis_->runSelection(request)) {
        status_->setText(tr("Another job that trains networks is running: stop it or wait."));
        return false;
    }
    running_ = true;
    result_.reset();
    mask_->setEnabled(false);
    const SelectionOptions& o = request.options;
    plot_->reset(tr("%1 %2% %3")
                     .arg(o.lowest ? tr("lowest") : tr("highest"))
                     .arg(100 * o.keep, 0, 'g', 3)
                     .arg(QString::fromStdString(scoreName(o.score))),
                 o.matchClassMix ? tr("random (same class mix)") : tr("random"));
    result_text_->setText(
        tr("Running: the scoring network, then %1 runs of each arm.").arg(o.runs));
    progress_->setValue(0);
    updateButtons();
    return true;
}

void SelectionPanel::stop() {
    if (running_) {
        analysis_->stop();
        status_->setText(tr("Stopping after the current step…"));
    }
}

void SelectionPanel::onArmRun(const QString& phase, int run, double accuracy) {
    plot_->addRun(
        phase == QLatin1String("selected") ? SelectionPlot::Selected : SelectionPlot::Random,
        accuracy);
}

void SelectionPanel::onResult(const SelectionResultPtr& result, const DataContext& context) {
    result_ = result;
    const SelectionResult& r = *result;
    plot_->setSummary(SelectionPlot::Selected, r.selected.summary);
    plot_->setSummary(SelectionPlot::Random, r.random.summary);
    const QLocale locale;
    auto arm = [&](const SelectionArm& a) {
        return tr("<b>%1</b>: mean %2 ± %3 (95% CI), n = %4")
            .arg(QString::fromStdString(a.name).toHtmlEscaped(), formatPercent(a.summary.mean),
                 formatPercent(a.summary.ci95))
            .arg(a.summary.count);
    };
    const WelchTest& w = r.test;
    result_text_->setText(
        tr("%1<br>%2<br>Kept %3 of %4 training examples.<br><b>Difference</b> (selected − "
           "random): %5 points<br><b>Welch's t-test</b>: t = %6, dof = %7, p = %8")
            .arg(arm(r.selected), arm(r.random),
                 locale.toString(static_cast<qlonglong>(r.keptExamples)),
                 locale.toString(static_cast<qlonglong>(context.trainCount)))
            .arg(100 * w.difference, 0, 'f', 2)
            .arg(w.t, 0, 'f', 3)
            .arg(w.dof, 0, 'f', 2)
            .arg(w.pValue, 0, 'g', 3));
    status_->setText(tr("Done."));
    mask_->setEnabled(true);
}

void SelectionPanel::updateButtons() {
    run_->setEnabled(!running_ && analysis_->canStartHeavy());
    stop_->setEnabled(running_);
}

}  // namespace airbench::ui
