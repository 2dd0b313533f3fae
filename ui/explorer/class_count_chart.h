#pragma once
// A mask's examples per class as bars, with a dashed line at the balanced count (kept / classes)
// and the whole training set's counts as grey outlines, so that a selection that starves a class
// shows before anyone trains on it.

#include <QStringList>

#include <qcustomplot.h>

#include <cstdint>
#include <vector>

namespace airbench::ui {

class ClassCountChart : public QCustomPlot {
    Q_OBJECT

public:
    explicit ClassCountChart(QWidget* parent = nullptr);

    // `counts` of the mask, `all` of the whole training set in use (same length as `names`).
    void setCounts(const QString& title, const std::vector<int64_t>& counts,
                   const std::vector<int64_t>& all, const QStringList& names);
    void clearCounts(const QString& message);
    // What the bars show (tests).
    std::vector<double> barValues() const;

private:
    QCPBars* all_;
    QCPBars* kept_;
    QCPItemStraightLine* balanced_;
    QCPTextElement* title_;
};

}  // namespace airbench::ui
