#include "training/accuracy_plot.h"

#include "training/training_session.h"

#include <cmath>

namespace airbench::ui {

AccuracyPlot::AccuracyPlot(TrainingSession* session, QWidget* parent)
    : CurvePlot(session, tr("Accuracy"), parent) {
    xAxis->setLabel(tr("epoch"));
    yAxis->setLabel(tr("accuracy (%)"));
    // Whole epochs only: a tick at 1.5 would suggest a measurement that does not exist.
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    xAxis->setTicker(ticker);
    // Accuracy rises from the bottom left to the top right: the bottom right stays free.
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    connect(session_, &TrainingSession::runAdded, this, &AccuracyPlot::addRun);
    connect(session_, &TrainingSession::epochAppended, this, &AccuracyPlot::appendEpoch);
    connect(session_, &TrainingSession::cleared, this, &AccuracyPlot::rebuild);
    rebuild();
}

int AccuracyPlot::pointCount(int id) const {
    const QCPGraph* graph = validationGraphOf(id);
    return graph ? graph->dataCount() : 0;
}

void AccuracyPlot::rebuild() {
    clearGraphs();
    validation_.clear();
    train_.clear();
    // A data-less graph as the legend's key for the dashed lines: one entry instead of one per run.
    QCPGraph* key = addGraph();
    key->setName(tr("dashed: train accuracy (last batch)"));
    key->setPen(QPen(QColor(120, 120, 120), 1.2, Qt::DashLine));
    for (int id = 0; id < session_->runCount(); ++id) {
        addRun(id);
        const RunRecord& run = session_->run(id);
        for (const EpochMetrics& m : run.epochs) {
            if (std::isfinite(m.valAccuracy)) {
                validation_[id]->addData(m.epoch + 1, 100 * m.valAccuracy);
            }
            train_[id]->addData(m.epoch + 1, 100 * m.trainAccuracy);
        }
    }
    updateLegend();
    resetView();
}

void AccuracyPlot::addRun(int id) {
    const RunRecord& run = session_->run(id);
    const QColor colour = runColor(id);

    QCPGraph* val = addGraph();
    val->setName(run.label());
    val->setPen(QPen(colour, 2));
    val->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 6));
    validation_.insert(id, val);

    QCPGraph* tr_ = addGraph();
    tr_->setName(tr("%1, train (last batch)").arg(run.label()));
    tr_->setPen(QPen(colour.lighter(130), 1.2, Qt::DashLine));
    tr_->removeFromLegend();
    train_.insert(id, tr_);
    updateLegend();
    dataChanged();
}

void AccuracyPlot::appendEpoch(int id) {
    QCPGraph* val = validationGraphOf(id);
    QCPGraph* tr_ = trainGraphOf(id);
    const RunRecord& run = session_->run(id);
    if (!val || !tr_ || run.epochs.empty()) {
        return;
    }
    const EpochMetrics& m = run.epochs.back();
    // Without a test set the engine reports NaN: no point rather than a gap marker.
    if (std::isfinite(m.valAccuracy)) {
        val->addData(m.epoch + 1, 100 * m.valAccuracy);
    }
    tr_->addData(m.epoch + 1, 100 * m.trainAccuracy);
    dataChanged();
}

void AccuracyPlot::fitView() {
    int epochs = 1;
    double low = 100, high = 0;
    for (int id = 0; id < session_->runCount(); ++id) {
        const RunRecord& run = session_->run(id);
        epochs = qMax(epochs, run.plan.epochs);
        for (const EpochMetrics& m : run.epochs) {
            for (double a : {m.valAccuracy, m.trainAccuracy}) {
                if (std::isfinite(a)) {
                    low = qMin(low, 100 * a);
                    high = qMax(high, 100 * a);
                }
            }
        }
    }
    xAxis->setRange(0.5, epochs + 0.5);
    if (high < low) {
        yAxis->setRange(0, 100);
        return;
    }
    const double margin = qMax(2.0, 0.08 * (high - low));
    yAxis->setRange(qMax(0.0, low - margin), qMin(100.0, high + margin));
}

}  // namespace airbench::ui
