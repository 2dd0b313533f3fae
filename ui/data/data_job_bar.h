#pragma once
// A strip above the tabs while data comes in: what is happening ("Getting CIFAR-10 ·
// downloading"), a progress bar, bytes, rate and ETA, and Cancel. When a download fails it stays
// with the job's message (which names the URL) and offers "Import a local file…" instead (after a
// failed import, "Choose another file…"); after a success or a cancel it goes away. It draws a
// DataJobController and forwards the user's clicks.

#include <QFrame>

class QLabel;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace airbench::ui {

class DataJobController;

class DataJobBar : public QFrame {
    Q_OBJECT

public:
    explicit DataJobBar(DataJobController* jobs, QWidget* parent = nullptr);

    QString titleText() const;
    QString detailText() const;  // progress while running, the message after a failure
    QProgressBar* progressBar() const { return progress_; }
    QPushButton* cancelButton() const { return cancel_; }
    QPushButton* importButton() const { return import_; }

signals:
    // "Import a local file…" after a failed download, "Choose another file…" after a failed import.
    void importFileRequested();

private:
    void showState();

    DataJobController* jobs_;
    QLabel* title_;
    QLabel* detail_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QPushButton* import_;
    QToolButton* close_;
};

}  // namespace airbench::ui
