#pragma once
// What this build is: the project version and, for a build configured from a git checkout, the
// commit. Fixed when CMake configures (it configures again after each commit). Plain C++: the
// CLI links it too.

#include <string>

namespace airbench::build {

// CMake's PROJECT_VERSION, e.g. "0.1.0".
const char* version();

// The abbreviated commit hash, e.g. "dd2080e1f3a2"; "" when built from sources outside git.
const char* gitCommit();

// "0.1.0 (git dd2080e1f3a2)", or "0.1.0" outside git.
std::string describe();

// The desktop entry's id without ".desktop" (CMake's AIRBENCH_APP_ID), for
// QGuiApplication::setDesktopFileName: Wayland matches the window to its entry and icon by it.
const char* appId();

}  // namespace airbench::build
