#pragma once
// Training loss per optimizer step (x: step of the run, y: mean per-example loss of the batch,
// label smoothing included), one curve per run of the session.

#include "common/curve_plot.h"

#include <QHash>

namespace airbench::ui {

class LossPlot : public CurvePlot {
    Q_OBJECT

public:
    explicit LossPlot(TrainingSession* session, QWidget* parent = nullptr);

    // The curve of session run `id` (null when it has none).
    QCPGraph* graphOf(int id) const { return graphs_.value(id, nullptr); }
    int pointCount(int id) const;

protected:
    void fitView() override;

private:
    void rebuild();
    void addRun(int id);
    void appendSteps(int id, int first, int count);

    QHash<int, QCPGraph*> graphs_;
};

}  // namespace airbench::ui
