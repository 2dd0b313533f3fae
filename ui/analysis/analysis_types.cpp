#include "analysis/analysis_types.h"

#include <algorithm>

namespace airbench::ui {

std::vector<int64_t> DataContext::labels(Split split) const {
    if (!dataset) {
        return {};
    }
    const std::vector<int64_t>& all = images(split).labels;
    return {all.begin(), all.begin() + count(split)};
}

ImageSet DataContext::subset(Split split) const {
    return dataset ? images(split).head(count(split)) : ImageSet{};
}

QString DataContext::className(int64_t c) const {
    if (dataset && c >= 0 && c < dataset->numClasses()) {
        return QString::fromStdString(dataset->classNames[static_cast<size_t>(c)]);
    }
    return QStringLiteral("?");
}

int64_t usedCount(int64_t subset, int64_t all) {
    return subset > 0 ? std::min(subset, all) : all;
}

DataContext makeDataContext(DatasetPtr dataset, int64_t trainSubset, int64_t testSubset) {
    DataContext c;
    if (!dataset) {
        return c;
    }
    const Dataset& d = *dataset;
    c.trainCount = usedCount(trainSubset, d.train.size());
    c.testCount = usedCount(testSubset, d.test.size());
    // The training worker's rule: a subset has the hash of its own examples.
    const bool whole = c.trainCount == d.train.size() && c.testCount == d.test.size();
    c.hash =
        whole ? d.hash : computeDatasetHash(d.train.head(c.trainCount), d.test.head(c.testCount));
    c.dataset = std::move(dataset);
    return c;
}

QString TrainedModel::label() const {
    // A network reopened from the history has no session run number; its history id names it.
    const bool recorded = runId < 0 && historyId > 0;
    QString text = (recorded ? QStringLiteral("recorded run #%1 · %2 · seed %3")
                             : QStringLiteral("run %1 · %2 · seed %3"))
                       .arg(recorded ? historyId : runId + 1)
                       .arg(QString::fromStdString(recipe))
                       .arg(seed);
    if (!maskName.isEmpty()) {
        text += QStringLiteral(" · mask %1").arg(maskName);
    }
    return text;
}

void registerAnalysisMetaTypes() {
    registerEngineMetaTypes();
    qRegisterMetaType<Mask>();
    qRegisterMetaType<AnalysisJob>();
    qRegisterMetaType<DataContext>();
    qRegisterMetaType<TrainedModelPtr>();
    qRegisterMetaType<ScoreTable>();
    qRegisterMetaType<SelectionResultPtr>();
    qRegisterMetaType<MaskPtr>();
}

}  // namespace airbench::ui
