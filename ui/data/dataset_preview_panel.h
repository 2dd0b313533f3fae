#pragma once
// The Dataset tab: what the loaded dataset looks like before anyone trains on it. A grid of the
// first training images of every class with the class's counts (DatasetPreviewModel), and the
// per-channel mean and std the loader normalises with (CIFAR-10's, or the dataset's own when
// loadDataset found them too different) next to the dataset's own statistics, with a clear
// warning when they differ from CIFAR-10's (dataio::previewDataset's note).
//
// The statistics read every training pixel (150 MB for CIFAR-10): computed on Qt's thread pool,
// and only once the tab is shown, so that a dataset nobody previews costs nothing.

#include "common/engine_types.h"

#include <QWidget>

class QLabel;
class QTableView;
template <typename T>
class QFutureWatcher;

namespace airbench::ui {

class DatasetPreviewModel;

class DatasetPreviewPanel : public QWidget {
    Q_OBJECT

public:
    explicit DatasetPreviewPanel(QWidget* parent = nullptr);
    ~DatasetPreviewPanel() override;

    DatasetPreviewModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    // The normalisation and statistics lines, and the note (plain text, for tests).
    QString statisticsText() const;
    QString noteText() const;
    bool differsFromCifar() const;
    // True while the preview of the current dataset is being computed.
    bool isComputing() const { return watcher_ != nullptr; }

public slots:
    void setDataset(airbench::ui::DatasetPtr dataset);

signals:
    // The preview of the current dataset is in the model.
    void previewReady();

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Outcome;
    void compute();
    void onComputed();

    DatasetPtr dataset_;
    bool stale_ = false;  // dataset_ changed since the last preview
    QFutureWatcher<Outcome>* watcher_ = nullptr;

    QLabel* header_;
    DatasetPreviewModel* model_;
    QTableView* table_;
    QLabel* statistics_;
    QLabel* note_;
};

}  // namespace airbench::ui
