#include "data/dataset_panel.h"

#include <airbench/dataio.h>
#include <airbench/error.h>

#include <QApplication>
#include <QFileDialog>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace airbench::ui {

struct DatasetPanel::LoadOutcome {
    DatasetPtr dataset;
    QString error;
};

namespace {

QSpinBox* makeSubsetBox(const QString& tip) {
    auto* box = new QSpinBox;
    // 0 reads "all": the spin box cannot hold "unset", and an empty split is never useful.
    box->setRange(0, 10'000'000);
    box->setSingleStep(1024);
    box->setSpecialValueText(QObject::tr("all"));
    box->setGroupSeparatorShown(true);
    box->setToolTip(tip);
    return box;
}

}  // namespace

DatasetPanel::DatasetPanel(QWidget* parent) : QGroupBox(tr("Dataset"), parent) {
    name_ = new QLabel(tr("No dataset"));
    QFont bold = name_->font();
    bold.setBold(true);
    name_->setFont(bold);
    folder_ = new QLabel;
    folder_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    folder_->setMinimumWidth(50);
    counts_ = new QLabel;
    status_ = new QLabel;
    status_->setWordWrap(true);
    status_->setVisible(false);
    auto* browse = new QPushButton(tr("Browse…"));
    browse->setToolTip(tr("Choose a CIFAR-10 (binary) or Fashion-MNIST (IDX) folder"));
    connect(browse, &QPushButton::clicked, this, &DatasetPanel::browse);

    trainSubset_ = makeSubsetBox(tr("Train on the first N training images only (quick runs)"));
    testSubset_ = makeSubsetBox(tr("Evaluate on the first N test images only (quick runs)"));

    auto* top = new QHBoxLayout;
    top->addWidget(name_, 1);
    top->addWidget(browse);
    auto* subsets = new QHBoxLayout;
    subsets->addWidget(new QLabel(tr("Subsets: train")));
    subsets->addWidget(trainSubset_, 1);
    subsets->addWidget(new QLabel(tr("test")));
    subsets->addWidget(testSubset_, 1);
    // Offered where the dataset is chosen, never as a dialog: the window stays usable with
    // Fashion-MNIST meanwhile.
    offer_ = new QFrame;
    offer_->setObjectName(QStringLiteral("cifarOffer"));
    offer_->setStyleSheet(QStringLiteral(
        "#cifarOffer { background: #eef4fb; border: 1px solid #b6cbe2; border-radius: 4px; }"));
    auto* offerText = new QLabel(
        tr("CIFAR-10 is not on this machine yet. Download it (162 MB, checked against its "
           "published MD5) or import a copy you have."));
    offerText->setWordWrap(true);
    getCifar_ = new QPushButton(tr("Get CIFAR-10"));
    getCifar_->setToolTip(tr("Download the official CIFAR-10 binary archive into %1")
                              .arg(QString::fromStdString(dataio::defaultCifar10Directory())));
    connect(getCifar_, &QPushButton::clicked, this, &DatasetPanel::getCifar10Requested);
    auto* importButton = new QPushButton(tr("Import…"));
    auto* importMenu = new QMenu(importButton);
    importMenu->addAction(tr("An archive or file…"), this, &DatasetPanel::importFileRequested);
    importMenu->addAction(tr("A folder…"), this, &DatasetPanel::importFolderRequested);
    importButton->setMenu(importMenu);
    auto* offerButtons = new QHBoxLayout;
    offerButtons->addWidget(getCifar_);
    offerButtons->addWidget(importButton);
    offerButtons->addStretch(1);
    auto* offerLayout = new QVBoxLayout(offer_);
    offerLayout->setContentsMargins(6, 4, 6, 4);
    offerLayout->addWidget(offerText);
    offerLayout->addLayout(offerButtons);
    offer_->setVisible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(folder_);
    layout->addWidget(counts_);
    layout->addWidget(status_);
    layout->addLayout(subsets);
    layout->addWidget(offer_);
}

DatasetPanel::~DatasetPanel() {
    // A load still in flight finishes on the pool and its result is dropped with the watcher.
    setBusy(false);
}

int64_t DatasetPanel::trainSubset() const {
    return trainSubset_->value() > 0 ? trainSubset_->value() : -1;
}

int64_t DatasetPanel::testSubset() const {
    return testSubset_->value() > 0 ? testSubset_->value() : -1;
}

void DatasetPanel::setSubsets(int64_t train, int64_t test) {
    trainSubset_->setValue(train > 0 ? static_cast<int>(train) : 0);
    testSubset_->setValue(test > 0 ? static_cast<int>(test) : 0);
}

void DatasetPanel::loadFolder(const QString& folder) {
    delete loading_;  // an older load's result is no longer wanted
    path_ = folder;
    loading_ = new QFutureWatcher<LoadOutcome>(this);
    connect(loading_, &QFutureWatcherBase::finished, this, &DatasetPanel::finishLoad);
    const std::string path = folder.toStdString();
    loading_->setFuture(QtConcurrent::run([path] {
        LoadOutcome out;
        try {
            out.dataset = std::make_shared<const Dataset>(loadDataset(path));
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
    status_->setText(tr("Loading %1…").arg(folder));
    status_->setVisible(true);
    setBusy(true);
    emit loadStarted(folder);
}

void DatasetPanel::finishLoad() {
    // Only the newest load reports; older watchers were deleted when it started.
    QFutureWatcher<LoadOutcome>* watcher = loading_;
    if (!watcher || sender() != watcher) {
        return;
    }
    const LoadOutcome out = watcher->result();
    loading_ = nullptr;
    watcher->deleteLater();
    setBusy(false);
    const QString folder = path_;
    if (!out.error.isEmpty()) {
        // Keep showing (and training on) the previous dataset.
        path_ = dataset_ ? QString::fromStdString(dataset_->path) : QString();
        showDataset();
        status_->setText(tr("Could not load %1").arg(folder));
        status_->setVisible(true);
        emit loadFailed(folder, out.error);
        return;
    }
    setDataset(out.dataset);
}

void DatasetPanel::setDataset(DatasetPtr dataset) {
    dataset_ = std::move(dataset);
    path_ = dataset_ ? QString::fromStdString(dataset_->path) : QString();
    status_->setVisible(false);
    showDataset();
    emit datasetChanged(dataset_);
}

void DatasetPanel::setCifarOfferEnabled(bool enabled) {
    offerEnabled_ = enabled;
    updateOffer();
}

bool DatasetPanel::isCifarOfferShown() const {
    return offerEnabled_ && !(dataset_ && dataset_->format == DatasetFormat::Cifar10);
}

void DatasetPanel::updateOffer() {
    offer_->setVisible(isCifarOfferShown());
}

void DatasetPanel::showDataset() {
    updateOffer();
    if (!dataset_) {
        name_->setText(tr("No dataset"));
        folder_->clear();
        counts_->setText(tr("Browse for a CIFAR-10 or Fashion-MNIST folder."));
        return;
    }
    const QLocale locale;
    name_->setText(QString::fromStdString(dataset_->name));
    const QString path = QString::fromStdString(dataset_->path);
    folder_->setText(folder_->fontMetrics().elidedText(path, Qt::ElideMiddle, 320));
    folder_->setToolTip(path);
    counts_->setText(tr("%1 train · %2 test · %3 classes")
                         .arg(locale.toString(static_cast<qlonglong>(dataset_->train.size())),
                              locale.toString(static_cast<qlonglong>(dataset_->test.size())))
                         .arg(dataset_->numClasses()));
}

void DatasetPanel::browse() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Choose a dataset folder"),
                                                             path_, QFileDialog::ShowDirsOnly);
    if (!folder.isEmpty()) {
        loadFolder(folder);
    }
}

void DatasetPanel::setBusy(bool busy) {
    if (busy == busyCursor_) {
        return;
    }
    busyCursor_ = busy;
    if (busy) {
        QApplication::setOverrideCursor(Qt::BusyCursor);
    } else {
        QApplication::restoreOverrideCursor();
    }
}

}  // namespace airbench::ui
