#include "runs/kept_network.h"

#include <airbench/model.h>
#include <airbench/recipe.h>

#include <QJsonDocument>
#include <QJsonObject>
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
    for (const std::string& name : recipeNames()) {
        if (name == info.recipe) {
            const Recipe& recipe = findRecipe(name);
            model->labelSmoothing = recipe.hyp.labelSmoothing;
            model->epochs = recipe.hyp.epochs;
            model->ttaLevel = recipe.hyp.ttaLevel;
        }
    }
    if (record) {
        const QJsonObject config =
            QJsonDocument::fromJson(QByteArray::fromStdString(record->configJson)).object();
        model->ttaLevel = config.value(QStringLiteral("tta_level")).toInt(model->ttaLevel);
        model->epochs = config.value(QStringLiteral("epochs")).toDouble(model->epochs);
        model->labelSmoothing =
            config.value(QStringLiteral("label_smoothing")).toDouble(model->labelSmoothing);
        model->maskName = QString::fromStdString(record->maskName);
    }
    kept.sameData = info.datasetHash == context.hash;
    kept.model = std::move(model);
    return kept;
}

}  // namespace airbench::ui
