#include "ui_test_support.h"

#include "application_identity.h"
#include "data/dataset_panel.h"
#include "main_window.h"
#include "training/run_config_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

namespace airbench::test {

void setUpGuiTests() {
    // Each test process gets its own configuration, data and cache folders. QStandardPaths' test
    // mode is not enough: it sends every process to the same ~/.qttest, so two GUI tests that ctest
    // runs side by side (-j 2) overwrote each other's QSettings between closing a window and
    // opening the next one. The folder lives until the process exits; QSettings reads
    // XDG_CONFIG_HOME on first use, which is after this.
    static QTemporaryDir sandbox(QDir::tempPath() + QStringLiteral("/airbench-gui-test-XXXXXX"));
    QVERIFY2(sandbox.isValid(), qPrintable(sandbox.errorString()));
    for (const char* name : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"}) {
        const QString folder = sandbox.filePath(QString::fromLatin1(name).toLower());
        QVERIFY(QDir().mkpath(folder));
        qputenv(name, QFile::encodeName(folder));
    }
    // Windows made without a history path record there: a file of this process's own, not the
    // build folder's shared one that ctest names (two GUI tests at once would write into it).
    qputenv("AIRBENCH_HISTORY_DB",
            QFile::encodeName(sandbox.filePath(QStringLiteral("history.sqlite"))));
    ui::setApplicationIdentity();
    QSettings settings;
    QVERIFY2(settings.fileName().startsWith(sandbox.path()), qPrintable(settings.fileName()));
    settings.clear();
    ui::registerEngineMetaTypes();
    useOneThread();
}

ui::DatasetPtr sharedData() {
    // A non-owning pointer to the cached dataset: the window shares it like one it loaded itself.
    if (!cifarDir().empty()) {
        return ui::DatasetPtr(ui::DatasetPtr(), &cifar());
    }
    if (!fashionDir().empty()) {
        return ui::DatasetPtr(ui::DatasetPtr(), &fashion());
    }
    return nullptr;
}

QString dataSkipReason() {
    return QStringLiteral("neither CIFAR-10 (%1) nor Fashion-MNIST (%2) was found")
        .arg(QString::fromStdString(whereCifarWasSought()),
             QString::fromStdString(whereFashionWasSought()));
}

void configureTinyRun(ui::MainWindow& window, double epochs, int runs) {
    window.datasetPanel()->setSubsets(2048, 512);
    ui::RunConfigForm& form = *window.runConfigForm();
    setKnob(form, "epochs", epochs);
    setKnob(form, "batch_size", 256);
    setKnob(form, "width_multiplier", 0.125);
    setKnob(form, "tta_level", 0);  // the final evaluation: 1 forward instead of 6
    setKnob(form, "runs", runs);
    setKnob(form, "device", 1);  // cpu
}

void setKnob(ui::RunConfigForm& form, const char* key, double value) {
    QWidget* editor = form.editor(key);
    QVERIFY2(editor, key);
    if (auto* real = qobject_cast<QDoubleSpinBox*>(editor)) {
        real->setValue(value);
    } else if (auto* integer = qobject_cast<QSpinBox*>(editor)) {
        integer->setValue(int(value));
    } else if (auto* flag = qobject_cast<QCheckBox*>(editor)) {
        flag->setChecked(value != 0);
    } else if (auto* choice = qobject_cast<QComboBox*>(editor)) {
        choice->setCurrentIndex(int(value));
    }
}

double knob(const ui::RunConfigForm& form, const char* key) {
    QWidget* editor = form.editor(key);
    if (auto* real = qobject_cast<QDoubleSpinBox*>(editor)) {
        return real->value();
    }
    if (auto* integer = qobject_cast<QSpinBox*>(editor)) {
        return integer->value();
    }
    if (auto* flag = qobject_cast<QCheckBox*>(editor)) {
        return flag->isChecked();
    }
    if (auto* choice = qobject_cast<QComboBox*>(editor)) {
        return choice->currentIndex();
    }
    return std::nan("");
}

}  // namespace airbench::test
