#pragma once
// The names Qt files the workbench's settings under, shared by the GUI and its tests so that both
// read and write the same QSettings file.

namespace airbench::ui {

// Organisation and application "airbench-workbench": QSettings then live in
// $XDG_CONFIG_HOME/airbench-workbench/airbench-workbench.conf. (Datasets, the history and kept
// networks go to the engine's userDataDirectory(), not to Qt's AppDataLocation.)
// Settings an earlier build left under "Unknown Organization" (it had no organisation name) are
// carried over once, when the new file does not exist yet. Call before the first QSettings.
void setApplicationIdentity();

}  // namespace airbench::ui
