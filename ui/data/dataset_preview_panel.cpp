#include "data/dataset_preview_panel.h"

#include "data/dataset_preview_model.h"

#include <airbench/dataio/preview.h>

#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace airbench::ui {

struct DatasetPreviewPanel::Outcome {
    DatasetPtr dataset;
    dataio::DatasetPreview preview;
    std::vector<int64_t> trainCounts, testCounts;
    QString error;
};

namespace {

QString triple(const std::array<double, 3>& v, int decimals) {
    return QStringLiteral("%1, %2, %3")
        .arg(v[0], 0, 'f', decimals)
        .arg(v[1], 0, 'f', decimals)
        .arg(v[2], 0, 'f', decimals);
}

}  // namespace

DatasetPreviewPanel::DatasetPreviewPanel(QWidget* parent) : QWidget(parent) {
    header_ = new QLabel(tr("No dataset loaded."));
    header_->setWordWrap(true);
    model_ = new DatasetPreviewModel(this);
    table_ = new QTableView;
    table_->setModel(model_);
    table_->verticalHeader()->setVisible(false);
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setShowGrid(false);
    const int side = kImageSide * DatasetPreviewModel::kScale;
    table_->setIconSize(QSize(side, side));
    table_->verticalHeader()->setDefaultSectionSize(side + 6);
    table_->horizontalHeader()->setDefaultSectionSize(side + 6);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    statistics_ = new QLabel;
    statistics_->setTextFormat(Qt::PlainText);
    statistics_->setWordWrap(true);
    statistics_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    note_ = new QLabel;
    note_->setTextFormat(Qt::PlainText);
    note_->setWordWrap(true);
    note_->setObjectName(QStringLiteral("statisticsNote"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(header_);
    layout->addWidget(table_, 1);
    layout->addWidget(statistics_);
    layout->addWidget(note_);
}

DatasetPreviewPanel::~DatasetPreviewPanel() {
    if (watcher_) {
        watcher_->waitForFinished();  // it reads dataset_
    }
}

QString DatasetPreviewPanel::statisticsText() const {
    return statistics_->text();
}

QString DatasetPreviewPanel::noteText() const {
    return note_->text();
}

bool DatasetPreviewPanel::differsFromCifar() const {
    return model_->dataset() && model_->preview().differsFromCifar;
}

void DatasetPreviewPanel::setDataset(DatasetPtr dataset) {
    if (dataset == dataset_) {
        return;
    }
    dataset_ = std::move(dataset);
    stale_ = true;
    model_->clear();
    statistics_->clear();
    note_->clear();
    if (!dataset_) {
        header_->setText(tr("No dataset loaded."));
        stale_ = false;
        return;
    }
    const QLocale locale;
    header_->setText(tr("%1 — %2 · %3 train / %4 test images · %5 classes")
                         .arg(QString::fromStdString(dataset_->name),
                              QString::fromStdString(dataset_->path),
                              locale.toString(static_cast<qlonglong>(dataset_->train.size())),
                              locale.toString(static_cast<qlonglong>(dataset_->test.size())))
                         .arg(dataset_->numClasses()));
    if (isVisible()) {
        compute();
    }
}

void DatasetPreviewPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_) {
        compute();
    }
}

void DatasetPreviewPanel::compute() {
    if (!dataset_ || watcher_) {
        return;  // a computation in flight starts the next one when it ends
    }
    stale_ = false;
    statistics_->setText(tr("Computing the pixel statistics…"));
    watcher_ = new QFutureWatcher<Outcome>(this);
    connect(watcher_, &QFutureWatcherBase::finished, this, &DatasetPreviewPanel::onComputed);
    const DatasetPtr data = dataset_;
    watcher_->setFuture(QtConcurrent::run([data] {
        Outcome out;
        out.dataset = data;
        try {
            out.preview = dataio::previewDataset(*data, DatasetPreviewModel::kSamples);
            out.trainCounts = classCounts(data->train, data->numClasses());
            out.testCounts = classCounts(data->test, data->numClasses());
        } catch (const std::exception& e) {
            out.error = QString::fromUtf8(e.what());
        }
        return out;
    }));
}

void DatasetPreviewPanel::onComputed() {
    Outcome out = watcher_->result();
    watcher_->deleteLater();
    watcher_ = nullptr;
    if (out.dataset != dataset_) {
        // The dataset changed meanwhile: preview the new one.
        if (stale_ && isVisible()) {
            compute();
        }
        return;
    }
    if (!out.error.isEmpty()) {
        statistics_->setText(out.error);
        return;
    }
    const dataio::DatasetPreview& p = out.preview;
    // The preview's normalisation is the dataset's (loadDataset gives a dataset far from
    // CIFAR-10 its own statistics): say whose numbers they are.
    const QString whose = out.dataset->train.normalization.isCifar()
                              ? tr("CIFAR-10's per-channel")
                              : tr("this dataset's own per-channel");
    statistics_->setText(
        tr("The loader normalises every image with %1 mean (%2) and std (%3), in pixel levels "
           "0..255. This dataset's training images: mean (%4), std (%5).")
            .arg(whose, triple(p.normalizeMean, 1), triple(p.normalizeStd, 1),
                 triple(p.trainStats.mean, 1), triple(p.trainStats.std, 1)));
    note_->setText(QString::fromStdString(p.note));
    note_->setStyleSheet(p.differsFromCifar
                             ? QStringLiteral("#statisticsNote { background: #fff4e5; color: "
                                              "#663c00; border: 1px solid #f0c36d; "
                                              "border-radius: 4px; padding: 4px; }")
                             : QStringLiteral("#statisticsNote { color: #1e4620; }"));
    model_->setPreview(out.dataset, std::move(out.preview), std::move(out.trainCounts),
                       std::move(out.testCounts));
    table_->resizeColumnToContents(DatasetPreviewModel::ClassColumn);
    table_->resizeColumnToContents(DatasetPreviewModel::TrainCountColumn);
    table_->resizeColumnToContents(DatasetPreviewModel::TestCountColumn);
    emit previewReady();
}

}  // namespace airbench::ui
