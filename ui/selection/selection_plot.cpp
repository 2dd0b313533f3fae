#include "selection/selection_plot.h"

#include <algorithm>
#include <cmath>

namespace airbench::ui {
namespace {

const QColor kArmColour[2] = {QColor(44, 160, 44), QColor(127, 127, 127)};

}  // namespace

SelectionPlot::SelectionPlot(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(260, 200);
    plotLayout()->insertRow(0);
    plotLayout()->addElement(
        0, 0,
        new QCPTextElement(this, tr("One dot per run; the bar: mean and 95% confidence interval"),
                           QFont(font().family(), font().pointSize(), QFont::Bold)));
    ticker_ = QSharedPointer<QCPAxisTickerText>::create();
    xAxis->setTicker(ticker_);
    xAxis->setRange(-0.6, 1.6);
    xAxis->grid()->setVisible(false);
    yAxis->setLabel(tr("TTA test accuracy (%)"));
    for (int a = 0; a < 2; ++a) {
        dots_[a] = addGraph();
        dots_[a]->setLineStyle(QCPGraph::lsNone);
        QColor fill = kArmColour[a];
        fill.setAlpha(120);
        dots_[a]->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, kArmColour[a], fill, 7));
        means_[a] = addGraph();
        means_[a]->setLineStyle(QCPGraph::lsNone);
        means_[a]->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssPlus, QPen(Qt::black, 2), Qt::NoBrush, 18));
        intervals_[a] = new QCPErrorBars(xAxis, yAxis);
        intervals_[a]->setDataPlottable(means_[a]);
        intervals_[a]->setPen(QPen(Qt::black, 1.5));
        intervals_[a]->setWhiskerWidth(14);
    }
    reset(tr("selected"), tr("random"));
}

void SelectionPlot::reset(const QString& selectedName, const QString& randomName) {
    ticker_->clear();
    ticker_->addTick(Selected, selectedName);
    ticker_->addTick(Random, randomName);
    for (int a = 0; a < 2; ++a) {
        runs_[a].clear();
        dots_[a]->data()->clear();
        means_[a]->data()->clear();
        intervals_[a]->data()->clear();
    }
    yAxis->setRange(0, 100);
    replot(rpQueuedReplot);
}

void SelectionPlot::addRun(Arm arm, double accuracy) {
    runs_[arm].push_back(accuracy);
    // A deterministic sideways spread: run k at +-0.04 * (k mod 5).
    const int k = static_cast<int>(runs_[arm].size()) - 1;
    const double offset = 0.04 * ((k % 5) - 2) + 0.22;
    dots_[arm]->addData(static_cast<int>(arm) + offset, 100 * accuracy);
    fit();
}

void SelectionPlot::setSummary(Arm arm, const Summary& summary) {
    means_[arm]->data()->clear();
    means_[arm]->addData(arm, 100 * summary.mean);
    intervals_[arm]->setData(QVector<double>{100 * summary.ci95});
    fit();
}

bool SelectionPlot::hasSummary(Arm arm) const {
    return means_[arm]->dataCount() > 0;
}

void SelectionPlot::fit() {
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (int a = 0; a < 2; ++a) {
        for (double v : runs_[a]) {
            lo = std::min(lo, 100 * v);
            hi = std::max(hi, 100 * v);
        }
        for (auto it = means_[a]->data()->constBegin(); it != means_[a]->data()->constEnd(); ++it) {
            const double ci =
                intervals_[a]->dataCount() > 0 ? intervals_[a]->data()->at(0).errorPlus : 0;
            lo = std::min(lo, it->value - ci);
            hi = std::max(hi, it->value + ci);
        }
    }
    if (lo <= hi) {
        const double pad = std::max(0.25, 0.15 * (hi - lo));
        yAxis->setRange(lo - pad, hi + pad);
    }
    replot(rpQueuedReplot);
}

}  // namespace airbench::ui
