#pragma once
// The data map (Swayamdipta et al., 2020): every training example as a dot at (variability,
// mean probability of its true label) over the scoring networks' runs and epochs; correct
// predictions blue, wrong ones red. Dragging a rectangle (rubber band) selects the examples
// under it: the plot reports the rectangle in data coordinates, the explorer filters the grid.

#include <qcustomplot.h>

#include <cstdint>
#include <vector>

namespace airbench::ui {

class DataMapPlot : public QCustomPlot {
    Q_OBJECT

public:
    explicit DataMapPlot(QWidget* parent = nullptr);

    // x = variability, y = mean p(true); `correct` colours the dots (may be empty). NaN points
    // are left out. `note` explains a degenerate map (one snapshot: variability is 0).
    void setPoints(const std::vector<float>& variability, const std::vector<float>& mean,
                   const std::vector<uint8_t>& correct, const QString& note = {});
    void clearPoints(const QString& message);
    int pointCount() const;
    // The selected rectangle, drawn until cleared.
    bool hasRegion() const { return region_->visible(); }
    QCPRange regionX() const { return regionX_; }
    QCPRange regionY() const { return regionY_; }
    // Pixel position of a data point (tests drag a rectangle with it).
    QPoint pixelOf(double variability, double mean) const;

public slots:
    void selectRegion(const QCPRange& variability, const QCPRange& mean);
    void clearRegion();

signals:
    void regionSelected(const QCPRange& variability, const QCPRange& mean);
    void regionCleared();

private:
    void onRubberBand(const QRect& rect);

    QCPGraph* correct_;
    QCPGraph* wrong_;
    QCPItemRect* region_;
    QCPItemText* note_;
    QCPRange regionX_, regionY_;
};

}  // namespace airbench::ui
