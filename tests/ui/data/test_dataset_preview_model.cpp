// The Dataset tab on a small synthetic dataset whose every number is known: one row per class
// with its train and test counts, the class's first training images scaled 2x without smoothing
// (the exact pixels), the statistics line and the "differs from CIFAR-10" warning; the panel
// computes only once shown and follows dataset changes. On real CIFAR-10 (when found), the
// statistics match CIFAR-10's and no warning shows.

#include "data/dataset_preview_model.h"
#include "data/dataset_preview_panel.h"
#include "ui_test_support.h"

#include <airbench/dataio/preview.h>

#include <QImage>
#include <QLocale>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest/QtTest>

#include <memory>

using namespace airbench;
using namespace airbench::ui;

namespace {

// Image i of a split: red plane 10 * i, green 100, blue 200, everywhere.
void addImage(ImageSet& set, int64_t label) {
    const auto i = static_cast<uint8_t>(10 * set.size());
    const size_t at = set.pixels.size();
    set.pixels.resize(at + kImageBytes);
    constexpr int kPlane = kImageSide * kImageSide;
    std::fill_n(set.pixels.begin() + static_cast<long>(at), kPlane, i);
    std::fill_n(set.pixels.begin() + static_cast<long>(at) + kPlane, kPlane, uint8_t{100});
    std::fill_n(set.pixels.begin() + static_cast<long>(at) + 2 * kPlane, kPlane, uint8_t{200});
    set.labels.push_back(label);
}

// Train labels 0 1 0 0 1 2 0 1 0: cat 5 (images 0 2 3 6 8), dog 3 (1 4 7), frog 1 (5).
// Test labels 2 2 1 0: cat 1, dog 1, frog 2.
DatasetPtr syntheticDataset(const std::string& name = "synthetic") {
    auto d = std::make_shared<Dataset>();
    d->name = name;
    d->path = "/nowhere/" + name;
    d->classNames = {"cat", "dog", "frog"};
    for (int64_t label : {0, 1, 0, 0, 1, 2, 0, 1, 0}) {
        addImage(d->train, label);
    }
    for (int64_t label : {2, 2, 1, 0}) {
        addImage(d->test, label);
    }
    return d;
}

void fillModel(DatasetPreviewModel& model, const DatasetPtr& d) {
    model.setPreview(d, dataio::previewDataset(*d, DatasetPreviewModel::kSamples),
                     classCounts(d->train, d->numClasses()), classCounts(d->test, d->numClasses()));
}

}  // namespace

class TestDatasetPreviewModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        test::setUpGuiTests();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void oneRowPerClassWithItsCounts() {
        DatasetPreviewModel model;
        QCOMPARE(model.rowCount(), 0);
        const DatasetPtr d = syntheticDataset();
        fillModel(model, d);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(),
                 DatasetPreviewModel::FirstSampleColumn + DatasetPreviewModel::kSamples);
        QCOMPARE(model.dataset(), d);
        const QStringList names{"cat", "dog", "frog"};
        const int64_t train[] = {5, 3, 1};
        const int64_t test[] = {1, 1, 2};
        for (int c = 0; c < 3; ++c) {
            QCOMPARE(model.index(c, DatasetPreviewModel::ClassColumn).data().toString(), names[c]);
            QCOMPARE(model.index(c, DatasetPreviewModel::TrainCountColumn)
                         .data(Qt::UserRole)
                         .toLongLong(),
                     train[c]);
            QCOMPARE(model.index(c, DatasetPreviewModel::TestCountColumn)
                         .data(Qt::UserRole)
                         .toLongLong(),
                     test[c]);
            QCOMPARE(model.index(c, DatasetPreviewModel::TrainCountColumn).data().toString(),
                     QString::number(train[c]));
            QCOMPARE(model.trainCount(c), train[c]);
            QCOMPARE(model.testCount(c), test[c]);
        }
        QCOMPARE(model.trainCount(7), int64_t(0));
        QCOMPARE(model.headerData(DatasetPreviewModel::TrainCountColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Train"));
    }

    void samplesAreTheClassesFirstImagesUnsmoothed() {
        DatasetPreviewModel model;
        fillModel(model, syntheticDataset());
        const int side = kImageSide * DatasetPreviewModel::kScale;
        // cat: images 0 2 3 6 8, then nothing.
        const int cat[] = {0, 2, 3, 6, 8};
        for (int s = 0; s < 5; ++s) {
            const QModelIndex index = model.index(0, DatasetPreviewModel::FirstSampleColumn + s);
            const QImage image = index.data(Qt::DecorationRole).value<QImage>();
            QCOMPARE(image.size(), QSize(side, side));
            // Every pixel of the 2x image is the source pixel (no smoothing at the corners).
            QCOMPARE(image.pixelColor(0, 0), QColor(10 * cat[s], 100, 200));
            QCOMPARE(image.pixelColor(side - 1, side - 1), QColor(10 * cat[s], 100, 200));
            QCOMPARE(index.data(Qt::ToolTipRole).toString(),
                     QStringLiteral("training image %1").arg(cat[s]));
        }
        QVERIFY(!model.index(0, DatasetPreviewModel::FirstSampleColumn + 5)
                     .data(Qt::DecorationRole)
                     .isValid());
        // frog: only image 5.
        QCOMPARE(model.index(2, DatasetPreviewModel::FirstSampleColumn)
                     .data(Qt::DecorationRole)
                     .value<QImage>()
                     .pixelColor(5, 5),
                 QColor(50, 100, 200));
        QVERIFY(!model.index(2, DatasetPreviewModel::FirstSampleColumn + 1)
                     .data(Qt::DecorationRole)
                     .isValid());
        QCOMPARE(model.preview().trainSamples[1], (std::vector<int64_t>{1, 4, 7}));

        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.dataset());
    }

    void panelComputesWhenShownAndWarnsAboutOddStatistics() {
        DatasetPreviewPanel panel;
        panel.resize(900, 600);
        const DatasetPtr d = syntheticDataset();
        panel.setDataset(d);
        // Hidden: nothing computed yet.
        QVERIFY(!panel.isComputing());
        QCOMPARE(panel.model()->rowCount(), 0);

        QSignalSpy ready(&panel, &DatasetPreviewPanel::previewReady);
        panel.show();
        QVERIFY(ready.wait(10000));
        QCOMPARE(panel.model()->rowCount(), 3);
        QCOMPARE(panel.table()->model()->rowCount(), 3);
        QCOMPARE(panel.model()->trainCount(0), int64_t(5));
        // Training pixels: red 0, 10, ..., 80 (mean 40, population std 25.8), green 100,
        // blue 200 (std 0).
        const QString stats = panel.statisticsText();
        QVERIFY2(stats.contains(QStringLiteral("mean (40.0, 100.0, 200.0), std (25.8, 0.0, 0.0)")),
                 qPrintable(stats));
        // Normalised with CIFAR-10's (the synthetic set keeps the default), which it says.
        QVERIFY2(
            stats.contains(QStringLiteral("CIFAR-10's per-channel mean (125.3, 123.0, 113.9)")),
            qPrintable(stats));
        QVERIFY(panel.differsFromCifar());
        QVERIFY2(panel.noteText().contains(QStringLiteral("differ from CIFAR-10's")),
                 qPrintable(panel.noteText()));

        // A dataset with its own normalisation (as loadDataset gives Fashion-MNIST) says so.
        auto own = std::make_shared<Dataset>(*syntheticDataset("own"));
        own->train.normalization.mean = {40.0f / 255, 100.0f / 255, 200.0f / 255};
        own->train.normalization.std = {0.1f, 0.1f, 0.1f};
        panel.setDataset(own);
        QVERIFY(ready.wait(10000));
        QVERIFY2(panel.statisticsText().contains(
                     QStringLiteral("this dataset's own per-channel mean (40.0, 100.0, 200.0)")),
                 qPrintable(panel.statisticsText()));
        QVERIFY2(panel.noteText().contains(QStringLiteral("the dataset's own")),
                 qPrintable(panel.noteText()));

        panel.setDataset(nullptr);
        QCOMPARE(panel.model()->rowCount(), 0);
        QVERIFY(panel.statisticsText().isEmpty());
        QVERIFY(!panel.differsFromCifar());
    }

    void panelFollowsADatasetChangedMidComputation() {
        DatasetPreviewPanel panel;
        panel.show();
        QSignalSpy ready(&panel, &DatasetPreviewPanel::previewReady);
        const DatasetPtr first = syntheticDataset("first");
        const DatasetPtr second = syntheticDataset("second");
        panel.setDataset(first);
        panel.setDataset(second);  // while the first may still be computing
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isComputing() && panel.model()->dataset() == second, 10000);
        QVERIFY(ready.count() >= 1);
        QCOMPARE(panel.model()->rowCount(), 3);
    }

    void realCifarMatchesItsOwnNormalisation() {
        AIRBENCH_REQUIRE_CIFAR();
        const DatasetPtr d = test::sharedData();
        DatasetPreviewPanel panel;
        QSignalSpy ready(&panel, &DatasetPreviewPanel::previewReady);
        panel.show();
        panel.setDataset(d);
        QVERIFY(ready.wait(60000));
        QCOMPARE(panel.model()->rowCount(), 10);
        const std::vector<int64_t> counts = classCounts(d->train, 10);
        for (int c = 0; c < 10; ++c) {
            QCOMPARE(panel.model()->trainCount(c), counts[size_t(c)]);
        }
        QCOMPARE(panel.model()->index(0, 0).data().toString(), QStringLiteral("airplane"));
        QVERIFY(!panel.differsFromCifar());
        QVERIFY2(panel.noteText().startsWith(QStringLiteral("Pixel statistics match")),
                 qPrintable(panel.noteText()));
    }
};

QTEST_MAIN(TestDatasetPreviewModel)
#include "test_dataset_preview_model.moc"
