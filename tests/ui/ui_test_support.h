#pragma once
// What the GUI tests share: isolated settings, the real data loaded once per process, and a run
// small enough for two shared cores (2048 train / 512 test images, width 0.125, batch 256, TTA 0).

#include "common/engine_types.h"
#include "support/test_data.h"

#include <QString>

namespace airbench::ui {
class MainWindow;
class RunConfigForm;
}  // namespace airbench::ui

namespace airbench::test {

// A private XDG config/data/cache folder and run history for this process (QSettings, the user
// data directory and $AIRBENCH_HISTORY_DB land there, never in the user's own, and never shared
// with a GUI test running beside it), the
// application names main.cpp sets, cleared settings, one LibTorch thread. Call first in
// initTestCase(); it fails the test when the folder cannot be made.
void setUpGuiTests();

// CIFAR-10 when found, else Fashion-MNIST; null when neither is (see dataSkipReason()). Shared,
// never copied.
ui::DatasetPtr sharedData();
QString dataSkipReason();

// The tiny configuration in the window's form and dataset panel.
void configureTinyRun(ui::MainWindow& window, double epochs, int runs = 1);

// Sets a knob's editor in the form as a user would (a spin box's value, a check box, a list's
// entry by index), and reads it back.
void setKnob(ui::RunConfigForm& form, const char* key, double value);
double knob(const ui::RunConfigForm& form, const char* key);

}  // namespace airbench::test

#define AIRBENCH_REQUIRE_SOME_DATA()                             \
    do {                                                         \
        if (!airbench::test::sharedData())                       \
            QSKIP(qPrintable(airbench::test::dataSkipReason())); \
    } while (0)
