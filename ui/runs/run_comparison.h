#pragma once
// The runs of the history being compared: their records, epochs and step losses
// (HistoryController::details()), owned here rather than by the plots that draw them. Run i of the
// list is drawn in CurvePlot::runColor(i) everywhere (plots, the table's swatch).

#include <airbench/history_types.h>

#include <QColor>
#include <QObject>
#include <QString>

#include <vector>

namespace airbench::ui {

class RunComparison : public QObject {
    Q_OBJECT

public:
    explicit RunComparison(QObject* parent = nullptr);

    const std::vector<history::RunDetails>& runs() const { return runs_; }
    int count() const { return static_cast<int>(runs_.size()); }
    std::vector<int64_t> ids() const;
    static QColor colorOf(int index);
    // "#12 · airbench94 · seed 0" (+ " · mask NAME").
    static QString labelOf(const history::RunRecord& record);

    void setRuns(std::vector<history::RunDetails> runs);

signals:
    void changed();

private:
    std::vector<history::RunDetails> runs_;
};

}  // namespace airbench::ui
