#pragma once
// What the user asked for in the form, as data: a recipe name, the overrides of its table (an
// unset std::optional keeps the recipe's value), runs and device. Stored with QSettings so that
// the next start of the workbench shows the same configuration.

#include <airbench/device.h>
#include <airbench/train.h>

#include <QString>

#include <string>

class QSettings;

namespace airbench::ui {

struct RunSettings {
    std::string recipe;    // registry name; empty: the registry's first recipe
    TrainOptions options;  // overrides, plus width multiplier, seed of the first run, compiled
    int runs = 1;          // seeds options.seed, options.seed + 1, ...
    DeviceRequest device = DeviceRequest::Auto;
};

QString deviceRequestName(DeviceRequest request);  // "auto", "cpu", "cuda"

// Under the group "run/"; overrides that are unset are removed, so the recipe's value returns.
void saveRunSettings(QSettings& settings, const RunSettings& run);
// Anything missing or unreadable falls back to the defaults above.
RunSettings loadRunSettings(QSettings& settings);

}  // namespace airbench::ui
