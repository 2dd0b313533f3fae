// Preview data for the GUI: the first examples of each class, and whether a dataset's own pixel
// statistics stray from the CIFAR-10 ones the loader normalises with.

#include <airbench/dataio/preview.h>
#include <airbench/loader.h>

#include "support/test_data.h"

#include <QtTest/QtTest>

using namespace airbench;
using airbench::dataio::DatasetPreview;
using airbench::dataio::previewDataset;

namespace {

// Labels 2,0,2,1,0,2,... and flat grey images of value `grey`.
Dataset flatDataset(uint8_t grey) {
    Dataset d;
    d.classNames = {"a", "b", "c"};
    const std::vector<int64_t> labels = {2, 0, 2, 1, 0, 2, 2, 0, 1, 1};
    for (int64_t label : labels) {
        d.train.labels.push_back(label);
        d.train.pixels.insert(d.train.pixels.end(), kImageBytes, grey);
    }
    d.test = d.train.head(4);
    return d;
}

}  // namespace

class TestDataioPreview : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void firstExamplesOfEachClass() {
        const DatasetPreview p = previewDataset(flatDataset(128), 2);
        QCOMPARE(p.classNames.size(), size_t{3});
        QCOMPARE(p.trainSamples, (std::vector<std::vector<int64_t>>{{1, 4}, {3, 8}, {0, 2}}));
        QCOMPARE(p.testSamples, (std::vector<std::vector<int64_t>>{{1}, {3}, {0, 2}}));
    }

    void flatGreyDiffersFromCifar() {
        const DatasetPreview p = previewDataset(flatDataset(128), 4);
        QCOMPARE(p.trainStats.mean[0], 128.0);
        QCOMPARE(p.trainStats.std[1], 0.0);
        QVERIFY(p.differsFromCifar);
        // The largest gap is the std: 0.2616 (blue) against 0.
        QVERIFY(std::abs(p.largestDifference - kCifarStd[2]) < 1e-6);
        QVERIFY(std::abs(p.normalizeMean[0] - 255.0 * kCifarMean[0]) < 1e-9);
        QVERIFY2(p.note.find("differ") != std::string::npos, p.note.c_str());
        // A loose enough tolerance accepts it.
        QVERIFY(!previewDataset(flatDataset(128), 4, 0.5).differsFromCifar);
    }

    void realCifarMatches() {
        AIRBENCH_REQUIRE_CIFAR();
        const DatasetPreview p = previewDataset(test::cifar(), 8);
        QVERIFY2(!p.differsFromCifar, p.note.c_str());
        QVERIFY(p.largestDifference < 0.001);
        for (size_t c = 0; c < 10; ++c) {
            QCOMPARE(p.trainSamples[c].size(), size_t{8});
            for (int64_t i : p.trainSamples[c]) {
                QCOMPARE(test::cifar().train.labels[static_cast<size_t>(i)], int64_t(c));
            }
        }
    }

    void fashionMnistDiffers() {
        AIRBENCH_REQUIRE_FASHION();
        const DatasetPreview p = previewDataset(test::fashion(), 1);
        QVERIFY(p.differsFromCifar);
        // loadDataset gave it its own normalisation, and the preview shows that one.
        QVERIFY(std::abs(p.normalizeMean[0] - p.trainStats.mean[0]) < 1e-3);
        QVERIFY2(p.note.find("dataset's own") != std::string::npos, p.note.c_str());
    }
};

QTEST_GUILESS_MAIN(TestDataioPreview)
#include "test_dataio_preview.moc"
