#include "runs/history_curve_plot.h"

#include "runs/run_comparison.h"

#include <cmath>

namespace airbench::ui {

HistoryCurvePlot::HistoryCurvePlot(RunComparison* runs, Kind kind, QWidget* parent)
    : CurvePlot(nullptr, kind == Kind::Loss ? tr("Training loss") : tr("Accuracy"), parent),
      runs_(runs),
      kind_(kind) {
    if (kind_ == Kind::Loss) {
        xAxis->setLabel(tr("step"));
        yAxis->setLabel(tr("loss (per example)"));
    } else {
        xAxis->setLabel(tr("epoch"));
        yAxis->setLabel(tr("accuracy (%)"));
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        xAxis->setTicker(ticker);
    }
    // Up to kMaxCompared runs whose curves end anywhere: the legend goes below the axes, two
    // entries a row, rather than over the data in a corner.
    axisRect()->insetLayout()->take(legend);
    plotLayout()->addElement(plotLayout()->rowCount(), 0, legend);
    plotLayout()->setRowStretchFactor(plotLayout()->rowCount() - 1, 0.001);
    legend->setFillOrder(QCPLegend::foColumnsFirst);
    legend->setWrap(2);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setMargins(QMargins(4, 0, 4, 2));
    hint_ = new QCPItemText(this);
    hint_->position->setType(QCPItemPosition::ptAxisRectRatio);
    hint_->position->setCoords(0.5, 0.5);
    hint_->setText(tr("Select runs in the table to compare their curves"));
    hint_->setColor(QColor(120, 120, 120));
    connect(runs_, &RunComparison::changed, this, &HistoryCurvePlot::rebuild);
    rebuild();
}

int HistoryCurvePlot::curveCount() const {
    int n = 0;
    for (const QCPGraph* g : curves_) {
        n += g && g->dataCount() > 0;
    }
    return n;
}

void HistoryCurvePlot::rebuild() {
    clearGraphs();
    curves_.clear();
    const auto& runs = runs_->runs();
    for (int i = 0; i < static_cast<int>(runs.size()); ++i) {
        const history::RunDetails& run = runs[static_cast<size_t>(i)];
        const QColor colour = RunComparison::colorOf(i);
        const QString label = RunComparison::labelOf(run.record);
        QCPGraph* curve = addGraph();
        curve->setName(label);
        curves_.push_back(curve);
        if (kind_ == Kind::Loss) {
            curve->setPen(QPen(colour, 1.5));
            QVector<double> steps, losses;
            steps.reserve(static_cast<int>(run.steps.size()));
            losses.reserve(static_cast<int>(run.steps.size()));
            for (const history::StepPoint& p : run.steps) {
                steps << double(p.step);
                losses << p.loss;
            }
            curve->setData(steps, losses, true);
            continue;
        }
        curve->setPen(QPen(colour, 2));
        curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 6));
        QCPGraph* train = addGraph();
        train->setName(tr("%1, train").arg(label));
        train->setPen(QPen(colour.lighter(130), 1.2, Qt::DashLine));
        train->removeFromLegend();
        for (const EpochMetrics& m : run.epochs) {
            if (std::isfinite(m.valAccuracy)) {
                curve->addData(m.epoch + 1, 100 * m.valAccuracy);
            }
            if (std::isfinite(m.trainAccuracy)) {
                train->addData(m.epoch + 1, 100 * m.trainAccuracy);
            }
        }
        const double tta = run.record.ttaValAccuracy;
        if (std::isfinite(tta) && !run.epochs.empty()) {
            QCPGraph* ttaPoint = addGraph();
            ttaPoint->setName(tr("%1, final TTA").arg(label));
            ttaPoint->setLineStyle(QCPGraph::lsNone);
            ttaPoint->setScatterStyle(
                QCPScatterStyle(QCPScatterStyle::ssDiamond, colour, Qt::white, 9));
            ttaPoint->addData(run.epochs.back().epoch + 1, 100 * tta);
            ttaPoint->removeFromLegend();
        }
    }
    legend->setVisible(!runs.empty());
    hint_->setVisible(runs.empty());
    resetView();
}

void HistoryCurvePlot::fitView() {
    if (kind_ == Kind::Loss) {
        fitLossView();
        return;
    }
    QCPRange keys, values;
    if (!dataRange(keys, values)) {
        xAxis->setRange(0.5, 1.5);
        yAxis->setRange(0, 100);
        return;
    }
    xAxis->setRange(0.5, qMax(1.0, keys.upper) + 0.5);
    const double margin = qMax(2.0, 0.08 * values.size());
    yAxis->setRange(qMax(0.0, values.lower - margin), qMin(100.0, values.upper + margin));
}

}  // namespace airbench::ui
