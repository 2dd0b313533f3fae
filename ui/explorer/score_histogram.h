#pragma once
// A histogram of one score over the examples the explorer's other filters leave, with a vertical
// threshold line the user drags (press anywhere in the plot, drag left and right). The bins on
// the kept side of the threshold are drawn in colour, the others in grey, and the number kept is
// printed in the corner. The plot only reports the threshold; the explorer does the filtering.

#include "explorer/example_query.h"

#include <QString>

#include <qcustomplot.h>

#include <vector>

namespace airbench::ui {

class ScoreHistogram : public QCustomPlot {
    Q_OBJECT

public:
    static constexpr int kBins = 60;

    explicit ScoreHistogram(QWidget* parent = nullptr);

    // Bins the finite values; `title` names the score.
    void setValues(const std::vector<float>& values, const QString& title);
    // Which side of the threshold is kept (Off: no line, all bins in colour).
    void setSide(ExampleFilter::Threshold side);
    ExampleFilter::Threshold side() const { return side_; }
    double threshold() const { return threshold_; }
    // The lowest and highest finite value binned (0, 0 when none).
    double minimum() const { return min_; }
    double maximum() const { return max_; }
    // "1,234 kept (24.7%)", in the plot's corner.
    void setCountText(const QString& text);
    QString countText() const;
    // Where value `x` is on screen (tests drag the line with it).
    int pixelOf(double x) const;

public slots:
    // Moves the line; emits thresholdMoved when the value changes.
    void setThreshold(double value);

signals:
    // Live while the line is dragged.
    void thresholdMoved(double value);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    void recolour();

    QCPBars* kept_;
    QCPBars* other_;
    QCPItemStraightLine* line_;
    QCPItemText* count_;
    QCPTextElement* title_;
    std::vector<double> centers_, counts_;
    double min_ = 0, max_ = 0;
    double threshold_ = 0;
    ExampleFilter::Threshold side_ = ExampleFilter::Threshold::Off;
    bool dragging_ = false;
};

}  // namespace airbench::ui
