#pragma once
// One example, large: the image upscaled without smoothing, its true label, the three most
// probable classes with their probabilities, and every score.

#include "analysis/analysis_types.h"

#include <QWidget>

#include <vector>

class QLabel;

namespace airbench::ui {

class ExampleDetailView : public QWidget {
    Q_OBJECT

public:
    explicit ExampleDetailView(QWidget* parent = nullptr);

    // `scores` may be null (no scores yet): then only the image and the label.
    void showExample(const DataContext& context, Split split, const ScoresPtr& scores,
                     int64_t index);
    void showMessage(const QString& text);

    int64_t example() const { return example_; }  // -1 when not showing one example
    // Plain text of what is shown (for tests and accessibility).
    QString titleText() const;
    QString predictionsText() const;
    QString scoresText() const;
    QLabel* imageLabel() const { return image_; }

private:
    int64_t example_ = -1;
    QLabel* image_;
    QLabel* title_;
    QLabel* predictions_;
    QLabel* scores_;
};

}  // namespace airbench::ui
