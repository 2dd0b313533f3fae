#include "runs/kept_network.h"

#include <airbench/model.h>
#include <airbench/recipe.h>
#include <airbench/run_config.h>

#include <QObject>

#include <exception>
#include <memory>
#include <string>
#include <utility>

namespace airbench::ui {

KeptNetwork openKeptNetwork(qint64 historyId, const QString& path, const DataContext& context,
                            DeviceRequest device, const std::optional<history::RunRecord>& record) {
    KeptNetwork kept;
    auto model = std::make_shared<TrainedModel>();
    try {
        model->model = Model::load(path.toStdString(), resolveDevice(device));
    } catch (const std::exception& e) {
        kept.error =
            QObject::tr("Could not open the network of run #%1: %2").arg(historyId).arg(e.what());
        return kept;
    }
    const ModelInfo& info = model->model.info();
    if (info.network.numClasses != context.classes()) {
        kept.error = QObject::tr("The network of run #%1 predicts %2 classes; %3 has %4.")
                         .arg(historyId)
                         .arg(info.network.numClasses)
                         .arg(QString::fromStdString(context.dataset->name))
                         .arg(context.classes());
        return kept;
    }
    model->context = context;
    model->historyId = historyId;
    model->recipe = info.recipe;
    model->seed = info.seed;
    // The table the run used: its recorded configuration, else its recipe's (a file from
    // elsewhere, or a record this version cannot read).
    std::optional<Recipe> table;
    if (record) {
        try {
            table = resolvedRecipe(runConfigFromJson(record->configJson));
        } catch (const std::exception&) {
        }
        model->maskName = QString::fromStdString(record->maskName);
    }
    if (!table) {
        for (const Recipe& r : recipes()) {
            if (r.name == info.recipe) {
                table = r;
            }
        }
    }
    if (table) {
        model->labelSmoothing = table->hyp.labelSmoothing;
        model->epochs = table->hyp.epochs;
        model->ttaLevel = table->hyp.ttaLevel;
    }
    kept.sameData = info.datasetHash == context.hash;
    kept.model = std::move(model);
    return kept;
}

}  // namespace airbench::ui
