// Dataset readers: real CIFAR-10 and Fashion-MNIST, and every bad-input case with its message.

#include <airbench/dataset.h>
#include <airbench/error.h>

#include "support/test_data.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>

#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace airbench;

namespace {

// A small CIFAR-layout folder: `batches` train files of `records` records, one test file.
void writeCifarFolder(const fs::path& dir, int batches, int records, int badLabelAt = -1) {
    fs::create_directories(dir);
    std::ofstream meta(dir / "batches.meta.txt");
    for (const char* name : {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                             "horse", "ship", "truck"}) {
        meta << name << "\n";
    }
    auto writeBatch = [&](const fs::path& file, int seed) {
        std::ofstream out(file, std::ios::binary);
        for (int r = 0; r < records; ++r) {
            const char label = static_cast<char>(r == badLabelAt ? 12 : (r + seed) % 10);
            out.put(label);
            for (int p = 0; p < kImageBytes; ++p) {
                out.put(static_cast<char>((p + r + seed) & 0xff));
            }
        }
    };
    for (int b = 1; b <= batches; ++b) {
        writeBatch(dir / ("data_batch_" + std::to_string(b) + ".bin"), b);
    }
    writeBatch(dir / "test_batch.bin", 0);
}

void writeBigEndian(std::string& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) {
        out.push_back(static_cast<char>((v >> s) & 0xff));
    }
}

std::string idxImages(uint32_t magic, uint32_t count, uint32_t side, size_t dataBytes) {
    std::string out;
    writeBigEndian(out, magic);
    writeBigEndian(out, count);
    writeBigEndian(out, side);
    writeBigEndian(out, side);
    for (size_t i = 0; i < dataBytes; ++i) {
        out.push_back(static_cast<char>(1 + i % 200));
    }
    return out;
}

std::string idxLabels(uint32_t count, uint8_t label = 3) {
    std::string out;
    writeBigEndian(out, 0x801);
    writeBigEndian(out, count);
    out.append(count, static_cast<char>(label));
    return out;
}

void writeFile(const fs::path& file, const std::string& bytes, bool gzip) {
    if (gzip) {
        gzFile f = gzopen(file.c_str(), "wb");
        gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
        gzclose(f);
    } else {
        std::ofstream(file, std::ios::binary) << bytes;
    }
}

// A small Fashion-MNIST-layout folder with `count` 28x28 images per split.
void writeIdxFolder(const fs::path& dir, uint32_t count, bool gzip) {
    fs::create_directories(dir);
    const std::string suffix = gzip ? ".gz" : "";
    for (const std::string prefix : {"train", "t10k"}) {
        writeFile(dir / (prefix + "-images-idx3-ubyte" + suffix),
                  idxImages(0x803, count, 28, size_t(count) * 28 * 28), gzip);
        writeFile(dir / (prefix + "-labels-idx1-ubyte" + suffix), idxLabels(count), gzip);
    }
}

// The error message of loading `dir`, or "" if it loaded.
QString loadError(const fs::path& dir, DatasetFormat format = DatasetFormat::Auto) {
    try {
        loadDataset(dir.string(), format);
    } catch (const DatasetError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestDataset : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void realCifar10MatchesItsReadme() {
        AIRBENCH_REQUIRE_CIFAR();
        const Dataset& d = test::cifar();
        QCOMPARE(d.name, std::string("CIFAR-10"));
        QCOMPARE(d.train.size(), int64_t(50000));
        QCOMPARE(d.test.size(), int64_t(10000));
        QCOMPARE(d.classNames.size(), size_t(10));
        QCOMPARE(d.classNames[0], std::string("airplane"));
        QCOMPARE(d.classNames[9], std::string("truck"));
        for (int64_t count : classCounts(d.train, 10))
            QCOMPARE(count, int64_t(5000));
        for (int64_t count : classCounts(d.test, 10))
            QCOMPARE(count, int64_t(1000));
        // The figures its README reports.
        const ChannelStats s = computeChannelStats(d.train);
        QVERIFY(std::abs(s.mean[0] - 125.307) < 1e-3 && std::abs(s.mean[2] - 113.865) < 1e-3);
        QVERIFY(std::abs(s.std[0] - 62.992) < 1e-3 && std::abs(s.std[2] - 66.705) < 1e-3);
        QCOMPARE(d.hash.size(), size_t(64));
        QCOMPARE(d.hash, computeDatasetHash(d.train, d.test));
        // Its own statistics are CIFAR-10's: the recipe constants stay, and nothing is noted.
        QVERIFY(d.train.normalization.isCifar() && d.test.normalization.isCifar());
        QVERIFY(d.normalizationNote.empty());
    }

    void parentFolderIsAccepted() {
        QTemporaryDir tmp;
        writeCifarFolder(fs::path(tmp.path().toStdString()) / "cifar-10-batches-bin", 2, 7);
        const Dataset d = loadDataset(tmp.path().toStdString());
        QCOMPARE(d.train.size(), int64_t(14));
        QCOMPARE(d.test.size(), int64_t(7));
        QVERIFY(QString::fromStdString(d.path).endsWith("cifar-10-batches-bin"));
        // Record layout: label byte, then the pixels in order.
        QCOMPARE(d.train.labels[1], int64_t(2));
        QCOMPARE(int(d.train.image(1)[0]), 2);
        QCOMPARE(int(d.train.image(1)[3071]), (3071 + 2) & 0xff);
    }

    void realFashionMnistIsPaddedAndReplicated() {
        AIRBENCH_REQUIRE_FASHION();
        const Dataset& d = test::fashion();
        QCOMPARE(d.train.size(), int64_t(60000));
        QCOMPARE(d.test.size(), int64_t(10000));
        QCOMPARE(d.classNames[9], std::string("Ankle boot"));
        for (int64_t count : classCounts(d.train, 10))
            QCOMPARE(count, int64_t(6000));
        for (int64_t i : {0, 1234, 59999}) {
            const uint8_t* img = d.train.image(i);
            int borderSum = 0, inside = 0;
            for (int y = 0; y < 32; ++y) {
                for (int x = 0; x < 32; ++x) {
                    const int v = img[y * 32 + x];
                    QCOMPARE(int(img[1024 + y * 32 + x]), v);  // G = R
                    QCOMPARE(int(img[2048 + y * 32 + x]), v);  // B = R
                    const bool border = y < 2 || y >= 30 || x < 2 || x >= 30;
                    (border ? borderSum : inside) += v;
                }
            }
            QCOMPARE(borderSum, 0);
            QVERIFY(inside > 0);
        }
        // Far from CIFAR-10's statistics: both splits (and subsets) use the training split's own,
        // and the note says so.
        const ChannelStats s = computeChannelStats(d.train);
        for (const Normalization& n :
             {d.train.normalization, d.test.normalization, d.test.head(10).normalization}) {
            QVERIFY(!n.isCifar());
            QVERIFY(std::abs(n.mean[0] * 255.0 - s.mean[0]) < 1e-3);
            QVERIFY(std::abs(n.std[2] * 255.0 - s.std[2]) < 1e-3);
        }
        QVERIFY2(d.normalizationNote.find("own statistics") != std::string::npos,
                 d.normalizationNote.c_str());
    }

    void normalizationRuleUsesTheTolerance() {
        ImageSet flat;  // every pixel 125, 125, 114: CIFAR-10's means, but no spread at all
        flat.labels = {0, 1};
        flat.pixels.resize(2 * kImageBytes);
        for (int i = 0; i < 2; ++i)
            for (int c = 0; c < 3; ++c)
                std::fill_n(flat.pixels.begin() + i * kImageBytes + c * 1024, 1024,
                            uint8_t(c == 2 ? 114 : 125));
        std::string why;
        const Normalization own = chooseNormalization(flat, &why);
        QVERIFY(!own.isCifar());
        QVERIFY(std::abs(own.mean[0] - 125.0f / 255) < 1e-6);
        QCOMPARE(own.std[0], 1.0f / 255);  // a constant channel stays finite
        QVERIFY(!why.empty());
        // Within a loose tolerance, the CIFAR-10 constants and no note.
        QVERIFY(chooseNormalization(flat, &why, 0.3).isCifar());
        QVERIFY(why.empty());
    }

    void idxGzippedAndPlainReadTheSame() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        writeIdxFolder(root / "gz", 5, true);
        writeIdxFolder(root / "plain", 5, false);
        const Dataset a = loadDataset((root / "gz").string());
        const Dataset b = loadDataset((root / "plain").string());
        QCOMPARE(a.format, DatasetFormat::FashionMnist);
        QCOMPARE(a.train.size(), int64_t(5));
        QCOMPARE(a.hash, b.hash);
        QVERIFY(a.train.pixels == b.train.pixels);
    }

    void missingFolderIsNamed() {
        const QString msg = loadError("/nonexistent/airbench-data");
        QVERIFY2(msg.contains("/nonexistent/airbench-data") && msg.contains("does not exist"),
                 qPrintable(msg));
    }

    void folderWithoutDatasetSaysWhatWasExpected() {
        QTemporaryDir tmp;
        const QString msg = loadError(tmp.path().toStdString());
        QVERIFY2(msg.contains("data_batch_1.bin") && msg.contains("train-images-idx3-ubyte"),
                 qPrintable(msg));
    }

    void missingBatchFileIsNamed() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeCifarFolder(dir, 5, 3);
        fs::remove(dir / "data_batch_3.bin");
        QString msg = loadError(dir);
        QVERIFY2(msg.contains((dir / "data_batch_3.bin").c_str()) && msg.contains("Missing"),
                 qPrintable(msg));
        writeCifarFolder(dir, 5, 3);
        fs::remove(dir / "test_batch.bin");
        msg = loadError(dir);
        QVERIFY2(msg.contains("test_batch.bin"), qPrintable(msg));
        writeCifarFolder(dir, 5, 3);
        fs::remove(dir / "batches.meta.txt");
        msg = loadError(dir);
        QVERIFY2(msg.contains("batches.meta.txt"), qPrintable(msg));
    }

    void wrongSizeNamesFileFoundAndExpected() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeCifarFolder(dir, 2, 3);
        fs::resize_file(dir / "data_batch_2.bin", 3 * 3073 - 100);
        const QString msg = loadError(dir);
        QVERIFY2(msg.contains("data_batch_2.bin") &&
                     msg.contains(QString::number(3 * 3073 - 100)) && msg.contains("3073") &&
                     msg.contains("30730000"),
                 qPrintable(msg));
    }

    void labelOutOfRangeNamesTheRecord() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeCifarFolder(dir, 1, 6, /*badLabelAt=*/4);
        const QString msg = loadError(dir);
        QVERIFY2(msg.contains("data_batch_1.bin") && msg.contains("record 4") &&
                     msg.contains("label 12"),
                 qPrintable(msg));
    }

    void pickleLayoutIsRefused() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        std::ofstream(dir / "data_batch_1") << "pickle";
        const QString msg = loadError(dir);
        QVERIFY2(msg.contains("Python") && msg.contains("binary"), qPrintable(msg));
    }

    void idxWrongMagicSaysSo() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeIdxFolder(dir, 4, false);
        writeFile(dir / "train-images-idx3-ubyte", idxImages(0x801, 4, 28, 4 * 28 * 28), false);
        const QString msg = loadError(dir);
        QVERIFY2(msg.contains("train-images-idx3-ubyte") && msg.contains("magic") &&
                     msg.contains("0x00000801") && msg.contains("0x00000803"),
                 qPrintable(msg));
    }

    void idxInconsistentDimsSaySo() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeIdxFolder(dir, 4, true);
        writeFile(dir / "t10k-labels-idx1-ubyte.gz", idxLabels(3), true);
        QString msg = loadError(dir);
        QVERIFY2(msg.contains("3 labels") && msg.contains("4 images"), qPrintable(msg));
        // Header promises more than the file holds.
        writeIdxFolder(dir, 4, true);
        writeFile(dir / "train-images-idx3-ubyte.gz", idxImages(0x803, 4, 28, 3 * 28 * 28), true);
        msg = loadError(dir);
        QVERIFY2(msg.contains("truncated") && msg.contains(QString::number(4 * 28 * 28)),
                 qPrintable(msg));
        // Images larger than 32x32 cannot be padded.
        writeIdxFolder(dir, 4, true);
        writeFile(dir / "train-images-idx3-ubyte.gz", idxImages(0x803, 4, 40, 4 * 40 * 40), true);
        msg = loadError(dir);
        QVERIFY2(msg.contains("40x40"), qPrintable(msg));
    }

    void idxLabelOutOfRangeNamesTheRecord() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeIdxFolder(dir, 4, false);
        writeFile(dir / "train-labels-idx1-ubyte", idxLabels(4, 11), false);
        const QString msg = loadError(dir);
        QVERIFY2(msg.contains("record 0") && msg.contains("label 11"), qPrintable(msg));
    }

    void subsetsTakeTheFirstExamplesAndRehash() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeCifarFolder(dir, 1, 9);
        const Dataset full = loadDataset(dir.string());
        const Dataset part = takeSubsets(full, 4, 2);
        QCOMPARE(part.train.size(), int64_t(4));
        QCOMPARE(part.test.size(), int64_t(2));
        QVERIFY(std::equal(part.train.pixels.begin(), part.train.pixels.end(),
                           full.train.pixels.begin()));
        QVERIFY(part.hash != full.hash);
        QCOMPARE(takeSubsets(full, -1, 100).hash, full.hash);  // larger than the split: unchanged
    }
};

QTEST_GUILESS_MAIN(TestDataset)
#include "test_dataset.moc"
