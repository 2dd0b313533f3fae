#pragma once
// A dismissable message strip at the top of the window for errors (bad dataset folder, CUDA out
// of memory, a diverged run). Not a modal dialog: training and tests never block on it.

#include <QFrame>

class QLabel;
class QToolButton;

namespace airbench::ui {

class ErrorBanner : public QFrame {
    Q_OBJECT

public:
    explicit ErrorBanner(QWidget* parent = nullptr);

    QString text() const;

public slots:
    void showError(const QString& message);
    void dismiss();

private:
    QLabel* icon_;
    QLabel* text_;
    QToolButton* close_;
};

}  // namespace airbench::ui
