#include "explorer/scoring_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace airbench::ui {

ScoringPanel::ScoringPanel(QWidget* parent) : QWidget(parent) {
    provenance_ = new QLabel;
    provenance_->setWordWrap(true);
    provenance_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    model_ = new QLabel;
    model_->setWordWrap(true);

    tta_ = new QComboBox;
    tta_->addItem(tr("0 (the image)"), 0);
    tta_->addItem(tr("1 (+ mirror)"), 1);
    tta_->addItem(tr("2 (+ shifts)"), 2);
    tta_->setToolTip(tr("Test-time augmentation when scoring the training set"));

    scoreWithModel_ = new QPushButton(tr("Score the training set with it"));
    scoreWithModel_->setToolTip(
        tr("One inference pass over the training set with the last run's network: in-sample "
           "scores (the network trained on these examples)"));
    connect(scoreWithModel_, &QPushButton::clicked, this,
            [this] { emit scoreWithModelRequested(ttaLevel()); });

    runs_ = new QSpinBox;
    runs_->setRange(1, 64);
    runs_->setToolTip(tr("Networks per fold (seeds seed, seed+1, ...); probabilities averaged"));
    folds_ = new QSpinBox;
    folds_->setRange(0, 20);
    folds_->setSpecialValueText(tr("in-sample"));
    folds_->setToolTip(
        tr("K >= 2: held-out scores, each example scored by networks that did "
           "not train on it (K folds)"));
    connect(folds_, &QSpinBox::valueChanged, this, [this](int v) {
        if (v == 1) {
            folds_->setValue(2);  // one fold would be in-sample under another name
        }
        perEpoch_->setEnabled(v < 2);
    });
    perEpoch_ = new QCheckBox(tr("every epoch (data map, forgetting)"));
    perEpoch_->setToolTip(
        tr("In-sample only: record p(true label) after every epoch, for the "
           "data map's mean and variability and the forgetting counts"));
    runJob_ = new QPushButton(tr("Run scoring job"));
    runJob_->setToolTip(tr("Trains the networks with the recipe and overrides of the form"));
    connect(runJob_, &QPushButton::clicked, this, [this] {
        emit scoringJobRequested(runs_->value(), folds_->value(), perEpoch_->isChecked(),
                                 ttaLevel());
    });
    stop_ = new QPushButton(tr("Stop"));
    connect(stop_, &QPushButton::clicked, this, &ScoringPanel::stopRequested);
    export_ = new QPushButton(tr("Export CSV…"));
    connect(export_, &QPushButton::clicked, this, &ScoringPanel::exportRequested);

    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setTextVisible(true);
    progress_->setFormat(tr("idle"));
    status_ = new QLabel;
    status_->setWordWrap(true);

    auto* modelBox = new QGroupBox(tr("Last run's network"));
    auto* modelLayout = new QVBoxLayout(modelBox);
    modelLayout->setContentsMargins(6, 4, 6, 4);
    modelLayout->addWidget(model_);
    modelLayout->addWidget(scoreWithModel_);

    auto* jobBox = new QGroupBox(tr("Scoring job (trains its own networks)"));
    auto* jobForm = new QFormLayout(jobBox);
    jobForm->setContentsMargins(6, 4, 6, 4);
    jobForm->addRow(tr("Runs"), runs_);
    jobForm->addRow(tr("Folds"), folds_);
    jobForm->addRow(perEpoch_);
    auto* jobButtons = new QHBoxLayout;
    jobButtons->addWidget(runJob_, 1);
    jobButtons->addWidget(stop_);
    jobForm->addRow(jobButtons);

    auto* ttaRow = new QFormLayout;
    ttaRow->addRow(tr("TTA when scoring"), tta_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(provenance_);
    layout->addLayout(ttaRow);
    layout->addWidget(modelBox);
    layout->addWidget(jobBox);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(export_, 0, Qt::AlignLeft);
    layout->addStretch(1);

    setModel(QString());
    setProvenance(QString(), QString());
}

int ScoringPanel::ttaLevel() const {
    return tta_->currentData().toInt();
}

QString ScoringPanel::provenanceText() const {
    return provenance_->text();
}

QString ScoringPanel::modelText() const {
    return model_->text();
}

void ScoringPanel::setModel(const QString& label) {
    hasModel_ = !label.isEmpty();
    model_->setText(hasModel_ ? label : tr("No run has finished yet."));
    updateButtons();
}

void ScoringPanel::setProvenance(const QString& source, const QString& provenance) {
    hasScores_ = !provenance.isEmpty();
    provenance_->setText(hasScores_ ? tr("<b>Scores</b> from %1:<br>%2")
                                          .arg(source.toHtmlEscaped(), provenance.toHtmlEscaped())
                                    : tr("<b>No scores yet.</b> Score the training set with the "
                                         "last run's network, or run a scoring job."));
    updateButtons();
}

void ScoringPanel::setBusy(bool busy, bool heavyAllowed) {
    busy_ = busy;
    heavyAllowed_ = heavyAllowed;
    updateButtons();
}

void ScoringPanel::showProgress(const QString& text, double fraction) {
    progress_->setValue(qRound(fraction * 1000));
    progress_->setFormat(text.isEmpty() ? QStringLiteral("%p%") : text);
}

void ScoringPanel::showStatus(const QString& text) {
    status_->setText(text);
}

void ScoringPanel::updateButtons() {
    scoreWithModel_->setEnabled(hasModel_);
    runJob_->setEnabled(heavyAllowed_);
    stop_->setEnabled(busy_);
    export_->setEnabled(hasScores_);
}

}  // namespace airbench::ui
