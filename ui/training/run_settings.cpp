#include "training/run_settings.h"

#include <QSettings>

#include <optional>

namespace airbench::ui {
namespace {

template <typename T>
void writeOptional(QSettings& s, const char* key, const std::optional<T>& value) {
    if (value) {
        s.setValue(QLatin1String(key), QVariant::fromValue(*value));
    } else {
        s.remove(QLatin1String(key));
    }
}

std::optional<double> readDouble(QSettings& s, const char* key) {
    bool ok = false;
    const double v = s.value(QLatin1String(key)).toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

std::optional<int> readInt(QSettings& s, const char* key) {
    bool ok = false;
    const int v = s.value(QLatin1String(key)).toInt(&ok);
    return ok ? std::optional<int>(v) : std::nullopt;
}

}  // namespace

QString deviceRequestName(DeviceRequest request) {
    switch (request) {
        case DeviceRequest::Cpu:
            return QStringLiteral("cpu");
        case DeviceRequest::Cuda:
            return QStringLiteral("cuda");
        case DeviceRequest::Auto:
            break;
    }
    return QStringLiteral("auto");
}

void saveRunSettings(QSettings& s, const RunSettings& run) {
    const TrainOptions& o = run.options;
    s.beginGroup(QStringLiteral("run"));
    s.setValue(QStringLiteral("recipe"), QString::fromStdString(run.recipe));
    writeOptional(s, "epochs", o.epochs);
    writeOptional(s, "batchSize", o.batchSize);
    writeOptional(s, "labelSmoothing", o.labelSmoothing);
    writeOptional(s, "learningRate", o.learningRate);
    writeOptional(s, "weightDecay", o.weightDecay);
    writeOptional(s, "ttaLevel", o.ttaLevel);
    s.setValue(QStringLiteral("widthMultiplier"), o.widthMultiplier);
    s.setValue(QStringLiteral("seed"), QVariant::fromValue<qulonglong>(o.seed));
    s.setValue(QStringLiteral("compiled"), o.compiled);
    s.setValue(QStringLiteral("fusedNormActivation"), o.fusedNormActivation);
    s.setValue(QStringLiteral("compactPooling"), o.compactPooling);
    s.setValue(QStringLiteral("runs"), run.runs);
    s.setValue(QStringLiteral("device"), deviceRequestName(run.device));
    s.endGroup();
}

RunSettings loadRunSettings(QSettings& s) {
    RunSettings run;
    TrainOptions& o = run.options;
    s.beginGroup(QStringLiteral("run"));
    run.recipe = s.value(QStringLiteral("recipe")).toString().toStdString();
    o.epochs = readDouble(s, "epochs");
    o.batchSize = readInt(s, "batchSize");
    o.labelSmoothing = readDouble(s, "labelSmoothing");
    o.learningRate = readDouble(s, "learningRate");
    o.weightDecay = readDouble(s, "weightDecay");
    o.ttaLevel = readInt(s, "ttaLevel");
    o.widthMultiplier = readDouble(s, "widthMultiplier").value_or(1.0);
    o.seed = s.value(QStringLiteral("seed"), 0).toULongLong();
    o.compiled = s.value(QStringLiteral("compiled"), false).toBool();
    o.fusedNormActivation = s.value(QStringLiteral("fusedNormActivation"), false).toBool();
    o.compactPooling = s.value(QStringLiteral("compactPooling"), false).toBool();
    run.runs = qMax(1, s.value(QStringLiteral("runs"), 1).toInt());
    try {
        run.device = parseDeviceRequest(s.value(QStringLiteral("device")).toString().toStdString());
    } catch (const std::exception&) {
        run.device = DeviceRequest::Auto;  // a settings file from elsewhere: not worth an error
    }
    s.endGroup();
    return run;
}

}  // namespace airbench::ui
