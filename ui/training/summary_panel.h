#pragma once
// After (and during) training: the headline of the latest batch (TTA accuracy and time; mean and
// standard deviation over several runs, from airbench::summarize) and the table of every run.

#include <QWidget>

class QLabel;
class QTableView;

namespace airbench::ui {

class RunTableModel;
class TrainingSession;

class SummaryPanel : public QWidget {
    Q_OBJECT

public:
    explicit SummaryPanel(TrainingSession* session, QWidget* parent = nullptr);

    // The headline as plain text (what tests read).
    QString summaryText() const;
    RunTableModel* model() const { return model_; }

public slots:
    // Summarises batch `batch` of the session (its completed runs so far).
    void showBatch(int batch);
    void showMessage(const QString& text);

private:
    TrainingSession* session_;
    QLabel* headline_;
    RunTableModel* model_;
    QTableView* table_;
};

}  // namespace airbench::ui
