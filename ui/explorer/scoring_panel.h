#pragma once
// Where scores come from: score the training set with the last run's network (in-sample, one
// inference pass), or run a scoring job that trains its own networks with the form's recipe
// (runs, held-out folds, every epoch for the data map, TTA); what the current scores are (the
// engine's provenance line: in-sample or held-out, runs, epochs, TTA); progress and Stop; and
// export to CSV. A view: it asks through signals, the explorer does the work.

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace airbench::ui {

class ScoringPanel : public QWidget {
    Q_OBJECT

public:
    explicit ScoringPanel(QWidget* parent = nullptr);

    QPushButton* scoreWithModelButton() const { return scoreWithModel_; }
    QPushButton* runJobButton() const { return runJob_; }
    QSpinBox* runsBox() const { return runs_; }
    QSpinBox* foldsBox() const { return folds_; }
    QString provenanceText() const;
    QString modelText() const;

    int ttaLevel() const;

public slots:
    // "run 3 · airbench94 · seed 2", or empty when there is no network yet.
    void setModel(const QString& label);
    // What the scores in use are; empty: none.
    void setProvenance(const QString& source, const QString& provenance);
    void setBusy(bool busy, bool heavyAllowed);
    void showProgress(const QString& text, double fraction);
    void showStatus(const QString& text);

signals:
    void scoreWithModelRequested(int ttaLevel);
    void scoringJobRequested(int runs, int folds, bool perEpoch, int ttaLevel);
    void stopRequested();
    void exportRequested();

private:
    QLabel* provenance_;
    QLabel* model_;
    QPushButton* scoreWithModel_;
    QSpinBox* runs_;
    QSpinBox* folds_;
    QCheckBox* perEpoch_;
    QComboBox* tta_;
    QPushButton* runJob_;
    QPushButton* stop_;
    QPushButton* export_;
    QProgressBar* progress_;
    QLabel* status_;
    bool hasModel_ = false;
    bool hasScores_ = false;
    bool busy_ = false;
    bool heavyAllowed_ = true;

    void updateButtons();
};

}  // namespace airbench::ui
