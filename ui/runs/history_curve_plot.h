#pragma once
// The curves of the runs being compared in the Runs tab (a RunComparison), one colour per run with
// a legend below the axes: training loss per optimizer step as recorded (the history keeps at most
// ~2000 points per run: bucket means on long runs), or validation accuracy per epoch (solid, with
// the final TTA accuracy as a diamond after the last epoch) and training accuracy (dashed).

#include "common/curve_plot.h"

#include <QVector>

namespace airbench::ui {

class RunComparison;

class HistoryCurvePlot : public CurvePlot {
    Q_OBJECT

public:
    enum class Kind { Loss, Accuracy };

    HistoryCurvePlot(RunComparison* runs, Kind kind, QWidget* parent = nullptr);

    Kind kind() const { return kind_; }
    // Runs drawn with at least one point (what the legend lists).
    int curveCount() const;
    // The main curve of compared run `index` (loss, or validation accuracy); null when none.
    QCPGraph* curveOf(int index) const { return curves_.value(index, nullptr); }

protected:
    void fitView() override;

private:
    void rebuild();

    RunComparison* runs_;
    Kind kind_;
    QVector<QCPGraph*> curves_;
    QCPItemText* hint_;  // "select runs...", while there are none
};

}  // namespace airbench::ui
