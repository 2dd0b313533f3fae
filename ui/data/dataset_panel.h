#pragma once
// The dataset in use: what it is (name, folder, counts), a Browse action that validates a folder
// by loading it with the engine, and optional subsets for quick runs. Loading runs on Qt's thread
// pool (CIFAR-10 takes about a second), so the window stays responsive meanwhile. On a machine
// without CIFAR-10 it offers, without blocking anything, to get it or import a copy (the window
// does the work).

#include "common/engine_types.h"

#include <QGroupBox>
#include <QString>

#include <cstdint>

class QLabel;
class QPushButton;
class QSpinBox;
template <typename T>
class QFutureWatcher;

namespace airbench::ui {

class DatasetPanel : public QGroupBox {
    Q_OBJECT

public:
    explicit DatasetPanel(QWidget* parent = nullptr);
    ~DatasetPanel() override;

    // The dataset last loaded successfully (null before the first one).
    DatasetPtr dataset() const { return dataset_; }
    bool isLoading() const { return loading_ != nullptr; }
    // The folder shown: the dataset's, or the one being loaded.
    QString path() const { return path_; }

    // Examples to keep from the start of each split; -1 keeps the whole split.
    int64_t trainSubset() const;
    int64_t testSubset() const;
    void setSubsets(int64_t train, int64_t test);

    // The "Get CIFAR-10 / Import…" offer: shown while enabled and no CIFAR-10 dataset is loaded.
    void setCifarOfferEnabled(bool enabled);
    bool isCifarOfferShown() const;
    QWidget* cifarOffer() const { return offer_; }
    QPushButton* getCifarButton() const { return getCifar_; }

public slots:
    // Loads `folder` off the GUI thread; ends in datasetChanged or loadFailed. A newer call wins.
    void loadFolder(const QString& folder);
    // Takes a dataset that is already in memory (the workbench's tests share one).
    void setDataset(airbench::ui::DatasetPtr dataset);
    // Asks for a folder (QFileDialog), then loadFolder.
    void browse();

signals:
    void loadStarted(const QString& folder);
    void datasetChanged(airbench::ui::DatasetPtr dataset);
    // `message` is the engine's DatasetError text, which names the file at fault.
    void loadFailed(const QString& folder, const QString& message);
    // The offer's buttons.
    void getCifar10Requested();
    void importFileRequested();
    void importFolderRequested();

private:
    struct LoadOutcome;
    void finishLoad();
    void showDataset();
    void setBusy(bool busy);
    void updateOffer();

    DatasetPtr dataset_;
    QString path_;
    QFutureWatcher<LoadOutcome>* loading_ = nullptr;  // the newest load in flight
    bool busyCursor_ = false;
    bool offerEnabled_ = false;

    QLabel* name_;
    QLabel* folder_;
    QLabel* counts_;
    QLabel* status_;
    QSpinBox* trainSubset_;
    QSpinBox* testSubset_;
    QWidget* offer_;
    QPushButton* getCifar_;
};

}  // namespace airbench::ui
