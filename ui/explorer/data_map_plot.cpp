#include "explorer/data_map_plot.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace airbench::ui {

DataMapPlot::DataMapPlot(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(200, 180);
    xAxis->setLabel(tr("variability (std of p(true label))"));
    yAxis->setLabel(tr("mean p(true label)"));
    correct_ = addGraph();
    wrong_ = addGraph();
    for (auto [graph, colour, name] :
         {std::tuple{correct_, QColor(31, 119, 180, 110), tr("correct")},
          std::tuple{wrong_, QColor(214, 39, 40, 160), tr("wrong")}}) {
        graph->setLineStyle(QCPGraph::lsNone);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 3));
        graph->setName(name);
        graph->setAdaptiveSampling(true);
    }
    legend->setVisible(true);
    legend->setBrush(QColor(255, 255, 255, 210));
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

    region_ = new QCPItemRect(this);
    region_->setPen(QPen(QColor(255, 127, 14), 1.5));
    region_->setBrush(QColor(255, 127, 14, 40));
    region_->setVisible(false);
    note_ = new QCPItemText(this);
    note_->position->setType(QCPItemPosition::ptAxisRectRatio);
    note_->position->setCoords(0.5, 0.03);
    note_->setPositionAlignment(Qt::AlignTop | Qt::AlignHCenter);
    note_->setColor(QColor(90, 90, 90));
    note_->setClipToAxisRect(true);

    setSelectionRectMode(QCP::srmCustom);
    selectionRect()->setPen(QPen(QColor(255, 127, 14), 1, Qt::DashLine));
    selectionRect()->setBrush(QColor(255, 127, 14, 30));
    connect(selectionRect(), &QCPSelectionRect::accepted, this,
            [this](const QRect& rect, QMouseEvent*) { onRubberBand(rect); });
    setToolTip(tr("Drag a rectangle to select the examples under it; right-click clears it"));
    connect(this, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        if (e->button() == Qt::RightButton) {
            clearRegion();
        }
    });
}

void DataMapPlot::setPoints(const std::vector<float>& variability, const std::vector<float>& mean,
                            const std::vector<uint8_t>& correct, const QString& note) {
    QVector<double> cx, cy, wx, wy;
    const size_t n = std::min(variability.size(), mean.size());
    cx.reserve(static_cast<int>(n));
    cy.reserve(static_cast<int>(n));
    double top = 0.05;
    for (size_t i = 0; i < n; ++i) {
        if (std::isnan(variability[i]) || std::isnan(mean[i])) {
            continue;
        }
        top = std::max(top, double(variability[i]));
        const bool ok = i >= correct.size() || correct[i];
        (ok ? cx : wx).push_back(variability[i]);
        (ok ? cy : wy).push_back(mean[i]);
    }
    correct_->setData(cx, cy);
    wrong_->setData(wx, wy);
    xAxis->setRange(-0.02 * top, top * 1.05);
    yAxis->setRange(-0.03, 1.03);
    note_->setText(note);
    clearRegion();
    replot(rpQueuedReplot);
}

void DataMapPlot::clearPoints(const QString& message) {
    correct_->data()->clear();
    wrong_->data()->clear();
    note_->setText(message);
    clearRegion();
    replot(rpQueuedReplot);
}

int DataMapPlot::pointCount() const {
    return correct_->dataCount() + wrong_->dataCount();
}

QPoint DataMapPlot::pixelOf(double variability, double mean) const {
    return {qRound(xAxis->coordToPixel(variability)), qRound(yAxis->coordToPixel(mean))};
}

void DataMapPlot::onRubberBand(const QRect& rect) {
    QCPRange x(xAxis->pixelToCoord(rect.left()), xAxis->pixelToCoord(rect.right()));
    QCPRange y(yAxis->pixelToCoord(rect.bottom()), yAxis->pixelToCoord(rect.top()));
    x.normalize();
    y.normalize();
    selectRegion(x, y);
}

void DataMapPlot::selectRegion(const QCPRange& variability, const QCPRange& mean) {
    regionX_ = variability;
    regionY_ = mean;
    region_->topLeft->setCoords(variability.lower, mean.upper);
    region_->bottomRight->setCoords(variability.upper, mean.lower);
    region_->setVisible(true);
    replot(rpQueuedReplot);
    emit regionSelected(variability, mean);
}

void DataMapPlot::clearRegion() {
    const bool had = region_->visible();
    region_->setVisible(false);
    replot(rpQueuedReplot);
    if (had) {
        emit regionCleared();
    }
}

}  // namespace airbench::ui
