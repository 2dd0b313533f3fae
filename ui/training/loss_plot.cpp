#include "training/loss_plot.h"

#include "training/training_session.h"

namespace airbench::ui {

LossPlot::LossPlot(TrainingSession* session, QWidget* parent)
    : CurvePlot(session, tr("Training loss"), parent) {
    xAxis->setLabel(tr("step"));
    yAxis->setLabel(tr("loss (per example)"));
    // Losses fall from the top left: the top right stays free.
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    connect(session_, &TrainingSession::runAdded, this, &LossPlot::addRun);
    connect(session_, &TrainingSession::stepsAppended, this, &LossPlot::appendSteps);
    connect(session_, &TrainingSession::cleared, this, &LossPlot::rebuild);
    rebuild();
}

int LossPlot::pointCount(int id) const {
    const QCPGraph* graph = graphOf(id);
    return graph ? graph->dataCount() : 0;
}

void LossPlot::rebuild() {
    clearGraphs();
    graphs_.clear();
    for (int id = 0; id < session_->runCount(); ++id) {
        addRun(id);
        appendSteps(id, 0, session_->run(id).losses.size());
    }
    updateLegend();
    resetView();
}

void LossPlot::addRun(int id) {
    const RunRecord& run = session_->run(id);
    QCPGraph* graph = addGraph();
    graph->setName(run.label());
    graph->setPen(QPen(runColor(id), 1.5));
    graphs_.insert(id, graph);
    updateLegend();
    dataChanged();
}

void LossPlot::appendSteps(int id, int first, int count) {
    QCPGraph* graph = graphOf(id);
    if (!graph || count <= 0) {
        return;
    }
    const RunRecord& run = session_->run(id);
    // Steps arrive in order: sorted appends keep QCustomPlot's data container cheap.
    graph->addData(run.steps.mid(first, count), run.losses.mid(first, count), true);
    dataChanged();
}

void LossPlot::fitView() {
    fitLossView();
}

}  // namespace airbench::ui
