#include "window_settings.h"

#include <QMainWindow>
#include <QSplitter>

namespace airbench::ui {
namespace {

QString splitterKey(const QSplitter* splitter) {
    return QStringLiteral("window/") + splitter->objectName();
}

}  // namespace

bool WindowSettings::restoreLayout(QMainWindow& window, const QList<QSplitter*>& splitters) const {
    const bool restored =
        window.restoreGeometry(settings_.value(QStringLiteral("window/geometry")).toByteArray());
    window.restoreState(settings_.value(QStringLiteral("window/state")).toByteArray());
    for (QSplitter* s : splitters) {
        s->restoreState(settings_.value(splitterKey(s)).toByteArray());
    }
    return restored;
}

void WindowSettings::saveLayout(const QMainWindow& window, const QList<QSplitter*>& splitters) {
    settings_.setValue(QStringLiteral("window/geometry"), window.saveGeometry());
    settings_.setValue(QStringLiteral("window/state"), window.saveState());
    for (const QSplitter* s : splitters) {
        settings_.setValue(splitterKey(s), s->saveState());
    }
}

bool WindowSettings::recordRuns() const {
    return settings_.value(QStringLiteral("history/record"), true).toBool();
}

void WindowSettings::setRecordRuns(bool on) {
    settings_.setValue(QStringLiteral("history/record"), on);
}

bool WindowSettings::keepNetworks() const {
    return settings_.value(QStringLiteral("history/keep_networks"), false).toBool();
}

void WindowSettings::setKeepNetworks(bool on) {
    settings_.setValue(QStringLiteral("history/keep_networks"), on);
}

QString WindowSettings::datasetPath() const {
    return settings_.value(QStringLiteral("dataset/path")).toString();
}

int64_t WindowSettings::trainSubset() const {
    return settings_.value(QStringLiteral("dataset/trainSubset"), -1).toLongLong();
}

int64_t WindowSettings::testSubset() const {
    return settings_.value(QStringLiteral("dataset/testSubset"), -1).toLongLong();
}

void WindowSettings::setDatasetPath(const QString& path) {
    settings_.setValue(QStringLiteral("dataset/path"), path);
}

void WindowSettings::setSubsets(int64_t trainSubset, int64_t testSubset) {
    settings_.setValue(QStringLiteral("dataset/trainSubset"), static_cast<qlonglong>(trainSubset));
    settings_.setValue(QStringLiteral("dataset/testSubset"), static_cast<qlonglong>(testSubset));
}

RunConfig WindowSettings::runConfig() const {
    return loadRunConfig(settings_);
}

void WindowSettings::setRunConfig(const RunConfig& config) {
    saveRunConfig(settings_, config);
}

}  // namespace airbench::ui
