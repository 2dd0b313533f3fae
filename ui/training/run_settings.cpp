#include "training/run_settings.h"

#include <airbench/error.h>
#include <airbench/knobs.h>

#include <QSettings>

namespace airbench::ui {
namespace {

// Settings files written before the run configuration had one JSON form kept each field under
// its own key ("run/epochs", "run/widthMultiplier", ...). They still give the same start.
RunConfig readSeparateKeys(QSettings& settings) {
    RunConfig config;
    settings.beginGroup(QStringLiteral("run"));
    const QString recipe = settings.value(QStringLiteral("recipe")).toString();
    if (!recipe.isEmpty()) {
        config.recipe = recipe.toStdString();
    }
    const std::pair<const char*, const char*> fields[] = {
        {"epochs", "epochs"},
        {"batchSize", "batch_size"},
        {"labelSmoothing", "label_smoothing"},
        {"learningRate", "learning_rate"},
        {"weightDecay", "weight_decay"},
        {"ttaLevel", "tta_level"},
        {"widthMultiplier", "width_multiplier"},
        {"seed", "seed"},
        {"runs", "runs"},
        {"compiled", "compiled"},
        {"fusedNormActivation", "fused_norm"},
        {"compactPooling", "compact_pool"},
    };
    for (const auto& [old, key] : fields) {
        const QVariant value = settings.value(QLatin1String(old));
        bool ok = false;
        const double number =
            value.typeId() == QMetaType::Bool ? value.toBool() : value.toString().toDouble(&ok);
        if (!value.isValid() || (value.typeId() != QMetaType::Bool && !ok)) {
            continue;
        }
        const Knob& knob = findKnob(key);
        if (knob.isRunSetting()) {
            setKnobValue(knob, config.run, number);
        } else {
            config.overrides[key] = number;
        }
    }
    const QString device = settings.value(QStringLiteral("device")).toString();
    if (!device.isEmpty()) {
        try {
            config.run.device = parseDeviceRequest(device.toStdString());
        } catch (const Error&) {
        }
    }
    settings.endGroup();
    // Only what differs from the recipe's table is an override (the width was always saved).
    const Recipe& base = findRecipe(config.recipe);
    for (auto it = config.overrides.begin(); it != config.overrides.end();) {
        const Knob& knob = findKnob(it->first);
        const bool same = !knobApplies(knob, base) || it->second == knobValue(knob, base.hyp);
        it = same ? config.overrides.erase(it) : std::next(it);
    }
    return config;
}

}  // namespace

void saveRunConfig(QSettings& settings, const RunConfig& config) {
    settings.setValue(QStringLiteral("run/config"),
                      QString::fromStdString(runConfigToJson(config)));
}

RunConfig loadRunConfig(QSettings& settings) {
    const QString text = settings.value(QStringLiteral("run/config")).toString();
    try {
        if (!text.isEmpty()) {
            return runConfigFromJson(text.toStdString(), "the saved run configuration");
        }
        RunConfig config = readSeparateKeys(settings);
        validateRunConfig(config);
        return config;
    } catch (const Error&) {
        return {};  // a settings file from elsewhere: not worth an error
    }
}

}  // namespace airbench::ui
