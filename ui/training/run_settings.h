#pragma once
// The run configuration the workbench starts with: kept in the settings file (QSettings, group
// "run") as the run configuration's one JSON form (airbench/run_config.h), so that the next
// start shows the same recipe, overrides and run settings.

#include <airbench/run_config.h>

class QSettings;

namespace airbench::ui {

void saveRunConfig(QSettings& settings, const RunConfig& config);
// Anything missing or unreadable (a settings file from another version) gives the defaults.
RunConfig loadRunConfig(QSettings& settings);

}  // namespace airbench::ui
