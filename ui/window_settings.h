#pragma once
// What the workbench remembers between sessions, in the QSettings file that
// setApplicationIdentity() names (~/.config/airbench-workbench/airbench-workbench.conf): the
// window's geometry and splitter sizes, the dataset folder and its subsets, the history switches
// (File > Record runs, Keep trained networks) and the form's run configuration (run_settings.h's
// "run/config"). Every key the window uses is here, so that the window itself only assembles.

#include "training/run_settings.h"

#include <QList>
#include <QSettings>
#include <QString>

#include <cstdint>
#include <string>

class QMainWindow;
class QSplitter;

namespace airbench::ui {

class WindowSettings {
public:
    // The application's settings file.
    WindowSettings() = default;

    // Geometry, state and the sizes of `splitters`, each keyed by its objectName(). False when
    // no geometry was saved (a first start): the caller picks a size.
    bool restoreLayout(QMainWindow& window, const QList<QSplitter*>& splitters) const;
    void saveLayout(const QMainWindow& window, const QList<QSplitter*>& splitters);

    // File > Record runs in the history: on unless turned off.
    bool recordRuns() const;
    void setRecordRuns(bool on);
    // File > Keep trained networks: off unless turned on (about 8 MB per airbench94 run).
    bool keepNetworks() const;
    void setKeepNetworks(bool on);

    // The dataset folder loaded last (empty: none yet) and the subsets of the splits (-1: all).
    QString datasetPath() const;
    int64_t trainSubset() const;
    int64_t testSubset() const;
    void setDatasetPath(const QString& path);
    void setSubsets(int64_t trainSubset, int64_t testSubset);

    // The form's run configuration (recipe, overrides, run settings; run_settings.h).
    RunConfig runConfig() const;
    void setRunConfig(const RunConfig& config);

private:
    mutable QSettings settings_;  // mutable: loadRunConfig() reads older files by group
};

}  // namespace airbench::ui
