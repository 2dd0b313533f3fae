#pragma once
// The selection experiment's two accuracy distributions side by side: one dot per run (spread a
// little sideways so equal values stay visible), and the mean with its 95% confidence interval
// as an error bar, for the selected arm and the random arm.

#include <airbench/stats.h>

#include <QString>

#include <qcustomplot.h>

#include <vector>

namespace airbench::ui {

class SelectionPlot : public QCustomPlot {
    Q_OBJECT

public:
    enum Arm { Selected = 0, Random = 1 };

    explicit SelectionPlot(QWidget* parent = nullptr);

    // Empties the plot and names the arms.
    void reset(const QString& selectedName, const QString& randomName);
    // One finished run (accuracy as a fraction), as it arrives.
    void addRun(Arm arm, double accuracy);
    // The means and 95% CIs once an arm is complete.
    void setSummary(Arm arm, const Summary& summary);
    const std::vector<double>& accuracies(Arm arm) const { return runs_[arm]; }
    bool hasSummary(Arm arm) const;

private:
    void fit();

    QCPGraph* dots_[2];
    QCPGraph* means_[2];
    QCPErrorBars* intervals_[2];
    std::vector<double> runs_[2];
    QSharedPointer<QCPAxisTickerText> ticker_;
};

}  // namespace airbench::ui
