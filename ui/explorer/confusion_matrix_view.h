#pragma once
// The confusion matrix of the last run's network on the test set, with per-class accuracy and
// the overall accuracy above it. Clicking a cell asks the explorer to show those test images.

#include <QWidget>

class QLabel;
class QTableView;

namespace airbench::ui {

class ConfusionMatrixModel;

class ConfusionMatrixView : public QWidget {
    Q_OBJECT

public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    ConfusionMatrixModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QString headline() const;

public slots:
    // `source` names the network ("run 3 · airbench94 · seed 2").
    void setHeadline(const QString& source);
    void showMessage(const QString& text);

signals:
    void cellChosen(int trueClass, int predictedClass);
    void classChosen(int trueClass);  // the accuracy column

private:
    ConfusionMatrixModel* model_;
    QTableView* table_;
    QLabel* headline_;
};

}  // namespace airbench::ui
