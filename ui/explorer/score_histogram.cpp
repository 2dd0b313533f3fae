#include "explorer/score_histogram.h"

#include <algorithm>
#include <cmath>

namespace airbench::ui {

ScoreHistogram::ScoreHistogram(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(200, 160);
    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, QString(),
                                QFont(font().family(), font().pointSize(), QFont::Bold));
    plotLayout()->addElement(0, 0, title_);
    other_ = new QCPBars(xAxis, yAxis);
    other_->setPen(Qt::NoPen);
    other_->setBrush(QColor(190, 190, 190));
    kept_ = new QCPBars(xAxis, yAxis);
    kept_->setPen(Qt::NoPen);
    kept_->setBrush(QColor(31, 119, 180));
    yAxis->setLabel(tr("examples"));

    line_ = new QCPItemStraightLine(this);
    line_->setPen(QPen(QColor(214, 39, 40), 2));
    line_->point1->setCoords(0, 0);
    line_->point2->setCoords(0, 1);
    line_->setVisible(false);

    count_ = new QCPItemText(this);
    count_->setPositionAlignment(Qt::AlignTop | Qt::AlignRight);
    count_->position->setType(QCPItemPosition::ptAxisRectRatio);
    count_->position->setCoords(0.98, 0.04);
    count_->setPadding(QMargins(4, 2, 4, 2));
    count_->setBrush(QColor(255, 255, 255, 220));
    count_->setClipToAxisRect(true);

    setCursor(Qt::SizeHorCursor);
    setToolTip(tr("Drag to move the threshold: the grid keeps the examples on the coloured side"));
}

void ScoreHistogram::setValues(const std::vector<float>& values, const QString& title) {
    title_->setText(title);
    xAxis->setLabel(title);
    min_ = HUGE_VAL;
    max_ = -HUGE_VAL;
    for (float v : values) {
        if (std::isfinite(v)) {
            min_ = std::min(min_, double(v));
            max_ = std::max(max_, double(v));
        }
    }
    if (min_ > max_) {
        min_ = max_ = 0;
        centers_.clear();
        counts_.clear();
    } else {
        // All equal (a data map of one snapshot): one bin of unit width around the value.
        const double span = max_ > min_ ? max_ - min_ : 1.0;
        const double lo = max_ > min_ ? min_ : min_ - 0.5;
        const double width = span / kBins;
        centers_.assign(kBins, 0);
        counts_.assign(kBins, 0);
        for (int b = 0; b < kBins; ++b) {
            centers_[static_cast<size_t>(b)] = lo + (b + 0.5) * width;
        }
        for (float v : values) {
            if (std::isfinite(v)) {
                const int b = std::clamp(int((double(v) - lo) / width), 0, kBins - 1);
                counts_[static_cast<size_t>(b)] += 1;
            }
        }
        kept_->setWidth(width);
        other_->setWidth(width);
        xAxis->setRange(lo - width, lo + span + width);
    }
    const double top = counts_.empty() ? 1.0 : *std::max_element(counts_.begin(), counts_.end());
    yAxis->setRange(0, top * 1.08 + 1);
    recolour();
}

void ScoreHistogram::setSide(ExampleFilter::Threshold side) {
    side_ = side;
    line_->setVisible(side != ExampleFilter::Threshold::Off);
    recolour();
}

void ScoreHistogram::setCountText(const QString& text) {
    count_->setText(text);
    count_->setVisible(!text.isEmpty());
    replot(rpQueuedReplot);
}

QString ScoreHistogram::countText() const {
    return count_->text();
}

int ScoreHistogram::pixelOf(double x) const {
    return qRound(xAxis->coordToPixel(x));
}

void ScoreHistogram::setThreshold(double value) {
    if (!std::isfinite(value)) {
        return;
    }
    line_->point1->setCoords(value, 0);
    line_->point2->setCoords(value, 1);
    if (value == threshold_) {
        return;
    }
    threshold_ = value;
    recolour();
    emit thresholdMoved(value);
}

void ScoreHistogram::recolour() {
    QVector<double> keptX, keptY, otherX, otherY;
    for (size_t b = 0; b < centers_.size(); ++b) {
        const double c = centers_[b];
        const bool kept =
            side_ == ExampleFilter::Threshold::Off ||
            (side_ == ExampleFilter::Threshold::AtMost ? c <= threshold_ : c >= threshold_);
        (kept ? keptX : otherX).push_back(c);
        (kept ? keptY : otherY).push_back(counts_[b]);
    }
    kept_->setData(keptX, keptY, true);
    other_->setData(otherX, otherY, true);
    replot(rpQueuedReplot);
}

void ScoreHistogram::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && axisRect()->rect().contains(event->pos()) &&
        !centers_.empty()) {
        dragging_ = true;
        setThreshold(xAxis->pixelToCoord(event->pos().x()));
        event->accept();
        return;
    }
    QCustomPlot::mousePressEvent(event);
}

void ScoreHistogram::mouseMoveEvent(QMouseEvent* event) {
    if (dragging_) {
        setThreshold(xAxis->pixelToCoord(event->pos().x()));
        event->accept();
        return;
    }
    QCustomPlot::mouseMoveEvent(event);
}

void ScoreHistogram::mouseReleaseEvent(QMouseEvent* event) {
    if (dragging_) {
        dragging_ = false;
        setThreshold(xAxis->pixelToCoord(event->pos().x()));
        event->accept();
        return;
    }
    QCustomPlot::mouseReleaseEvent(event);
}

}  // namespace airbench::ui
