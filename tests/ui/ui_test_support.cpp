#include "ui_test_support.h"

#include "dataset_panel.h"
#include "hyperparameter_form.h"
#include "main_window.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>

namespace airbench::test {

void setUpGuiTests() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setApplicationName(QStringLiteral("airbench-workbench"));
    QCoreApplication::setOrganizationName(QString());
    QSettings().clear();
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
    ui::HyperparameterForm* form = window.hyperparameterForm();
    form->epochsBox()->setValue(epochs);
    form->batchSizeBox()->setValue(256);
    form->widthBox()->setValue(0.125);
    form->ttaBox()->setCurrentIndex(0);  // the final evaluation: 1 forward instead of 6
    form->runsBox()->setValue(runs);
    form->deviceBox()->setCurrentIndex(
        form->deviceBox()->findData(static_cast<int>(DeviceRequest::Cpu)));
}

}  // namespace airbench::test
