#pragma once
// Accuracy per epoch, in percent: validation accuracy without TTA (solid, dots) and the last
// batch's training accuracy (dashed, same colour), one pair of curves per run of the session.
// The final TTA accuracy is not an epoch's: it is in the summary.

#include "common/curve_plot.h"

#include <QHash>

namespace airbench::ui {

class AccuracyPlot : public CurvePlot {
    Q_OBJECT

public:
    explicit AccuracyPlot(TrainingSession* session, QWidget* parent = nullptr);

    QCPGraph* validationGraphOf(int id) const { return validation_.value(id, nullptr); }
    QCPGraph* trainGraphOf(int id) const { return train_.value(id, nullptr); }
    // Validation points of run `id` (one per epoch).
    int pointCount(int id) const;

protected:
    void fitView() override;

private:
    void rebuild();
    void addRun(int id);
    void appendEpoch(int id);

    QHash<int, QCPGraph*> validation_;
    QHash<int, QCPGraph*> train_;
};

}  // namespace airbench::ui
