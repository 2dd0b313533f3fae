#include "application_identity.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QString>

namespace airbench::ui {

namespace {

const QString kName = QStringLiteral("airbench-workbench");

void carryOverSettingsWithoutOrganisation() {
    QSettings settings;
    if (QFileInfo::exists(settings.fileName())) {
        return;
    }
    // Where Qt put them while the organisation name was empty.
    const QString legacy =
        QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
            .filePath(QStringLiteral("Unknown Organization/%1.conf").arg(kName));
    if (!QFileInfo::exists(legacy)) {
        return;
    }
    QSettings old(legacy, QSettings::NativeFormat);
    for (const QString& key : old.allKeys()) {
        settings.setValue(key, old.value(key));
    }
    settings.sync();
}

}  // namespace

void setApplicationIdentity() {
    QCoreApplication::setOrganizationName(kName);
    QCoreApplication::setOrganizationDomain(QString());
    QCoreApplication::setApplicationName(kName);
    carryOverSettingsWithoutOrganisation();
}

}  // namespace airbench::ui
