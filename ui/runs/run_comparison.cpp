#include "runs/run_comparison.h"

#include "common/curve_plot.h"

namespace airbench::ui {

RunComparison::RunComparison(QObject* parent) : QObject(parent) {}

std::vector<int64_t> RunComparison::ids() const {
    std::vector<int64_t> out;
    out.reserve(runs_.size());
    for (const history::RunDetails& r : runs_) {
        out.push_back(r.record.id);
    }
    return out;
}

QColor RunComparison::colorOf(int index) {
    return CurvePlot::runColor(index);
}

QString RunComparison::labelOf(const history::RunRecord& r) {
    QString text = QStringLiteral("#%1 · %2 · seed %3")
                       .arg(r.id)
                       .arg(QString::fromStdString(r.recipe))
                       .arg(r.seed);
    if (!r.maskName.empty()) {
        text += QStringLiteral(" · mask %1").arg(QString::fromStdString(r.maskName));
    }
    return text;
}

void RunComparison::setRuns(std::vector<history::RunDetails> runs) {
    runs_ = std::move(runs);
    emit changed();
}

}  // namespace airbench::ui
