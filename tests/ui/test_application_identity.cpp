// setApplicationIdentity(): where the settings file is, and the one-time carry-over of settings
// that builds without an organisation name left under "Unknown Organization".

#include "application_identity.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench::ui;

class TestApplicationIdentity : public QObject {
    Q_OBJECT

    QTemporaryDir config_;

    QString legacyFile() const {
        return config_.filePath(QStringLiteral("Unknown Organization/airbench-workbench.conf"));
    }

private slots:
    void initTestCase() {
        QVERIFY(config_.isValid());
        // Qt reads XDG_CONFIG_HOME once, at the first QSettings; this is before it.
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(config_.path()));
        QSettings legacy(legacyFile(), QSettings::NativeFormat);
        legacy.setValue(QStringLiteral("lastRecipe"), QStringLiteral("airbench95"));
        legacy.setValue(QStringLiteral("history/record"), false);
        legacy.sync();
        QCOMPARE(legacy.status(), QSettings::NoError);
    }

    void settingsLiveUnderTheApplicationsOwnFolder() {
        setApplicationIdentity();
        QCOMPARE(QCoreApplication::organizationName(), QStringLiteral("airbench-workbench"));
        QCOMPARE(QCoreApplication::applicationName(), QStringLiteral("airbench-workbench"));
        QCOMPARE(QSettings().fileName(),
                 config_.filePath(QStringLiteral("airbench-workbench/airbench-workbench.conf")));
    }

    void earlierSettingsAreCarriedOver() {
        QSettings settings;
        QVERIFY(QFile::exists(settings.fileName()));
        QCOMPARE(settings.value(QStringLiteral("lastRecipe")).toString(),
                 QStringLiteral("airbench95"));
        QCOMPARE(settings.value(QStringLiteral("history/record")).toBool(), false);
    }

    void carryOverHappensOnlyOnce() {
        QSettings(legacyFile(), QSettings::NativeFormat)
            .setValue(QStringLiteral("lastRecipe"), QStringLiteral("airbench96"));
        QSettings().setValue(QStringLiteral("history/record"), true);
        setApplicationIdentity();  // the next start: the new file exists, the old one is ignored
        QSettings settings;
        QCOMPARE(settings.value(QStringLiteral("lastRecipe")).toString(),
                 QStringLiteral("airbench95"));
        QCOMPARE(settings.value(QStringLiteral("history/record")).toBool(), true);
    }
};

QTEST_MAIN(TestApplicationIdentity)
#include "test_application_identity.moc"
