#pragma once
// Datasets as plain host memory: uint8 images (N, 3, 32, 32) and int64 labels. Loading needs no
// LibTorch, so the GUI can draw thumbnails straight from these bytes.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace airbench {

constexpr int kImageChannels = 3;
constexpr int kImageSide = 32;
constexpr int kImageBytes = kImageChannels * kImageSide * kImageSide;  // 3072

// The CIFAR-10 mean and standard deviation (0..1 units) every recipe normalises with.
constexpr float kCifarMean[3] = {0.4914f, 0.4822f, 0.4465f};
constexpr float kCifarStd[3] = {0.2470f, 0.2435f, 0.2616f};
// A dataset whose own per-channel mean or std is further than this (0..1 units) from CIFAR-10's
// is normalised with its own statistics instead. 0.02 is about 5 pixel levels, or 0.08 of
// CIFAR-10's std: a JPEG-decoded copy of CIFAR-10 (std lower by ~0.002) stays on the CIFAR
// constants; Fashion-MNIST (mean ~0.26) gets its own.
constexpr double kNormalizationTolerance = 0.02;

// What the loader subtracts and divides by, per channel, in 0..1 units.
struct Normalization {
    std::array<float, 3> mean{kCifarMean[0], kCifarMean[1], kCifarMean[2]};
    std::array<float, 3> std{kCifarStd[0], kCifarStd[1], kCifarStd[2]};
    bool isCifar() const;
};

// One split. Image i occupies pixels[i*3072, (i+1)*3072): the R plane, then G, then B, each
// 32x32 row-major (the CIFAR-10 binary record layout without its label byte).
struct ImageSet {
    std::vector<uint8_t> pixels;
    std::vector<int64_t> labels;
    // Set by loadDataset for both splits from the training split (see chooseNormalization);
    // subsets keep it, so that a subset is normalised like its dataset.
    Normalization normalization;

    int64_t size() const { return static_cast<int64_t>(labels.size()); }
    const uint8_t* image(int64_t i) const { return pixels.data() + i * kImageBytes; }
    // The first n examples (all of them when n >= size()).
    ImageSet head(int64_t n) const;
    // The examples at the given indices, in that order.
    ImageSet select(const std::vector<int64_t>& indices) const;
};

enum class DatasetFormat { Auto, Cifar10, FashionMnist };

std::string formatName(DatasetFormat format);
// Parses "cifar10", "fashion-mnist" or "auto"; throws airbench::Error otherwise.
DatasetFormat parseDatasetFormat(const std::string& text);

struct Dataset {
    std::string name;  // "CIFAR-10", "Fashion-MNIST"
    DatasetFormat format = DatasetFormat::Auto;
    std::string path;  // the folder the files were read from
    std::vector<std::string> classNames;
    ImageSet train;
    ImageSet test;
    // Hex SHA-256 over both splits' labels and pixels: identifies the exact data a run used.
    std::string hash;
    // One sentence when the splits are normalised with the dataset's own statistics (not
    // CIFAR-10's), for the log; empty otherwise.
    std::string normalizationNote;

    int numClasses() const { return static_cast<int>(classNames.size()); }
};

// Which format a folder holds (Auto when it holds neither). Never throws.
DatasetFormat detectDatasetFormat(const std::string& path);

// Loads a dataset folder. CIFAR-10: data_batch_1..5.bin, test_batch.bin and batches.meta.txt,
// given as that folder or its parent (cifar-10-batches-bin/ inside). Fashion-MNIST: the four
// IDX files, gzipped or not, padded 28->32 and replicated to 3 channels. Throws DatasetError
// naming the file for anything missing or malformed; never returns a partial dataset.
Dataset loadDataset(const std::string& path, DatasetFormat format = DatasetFormat::Auto);

// Keeps the first trainCount / testCount examples of each split (negative: keep all) and
// recomputes the hash.
Dataset takeSubsets(Dataset dataset, int64_t trainCount, int64_t testCount);

// Content hash of a dataset's splits (what Dataset::hash holds).
std::string computeDatasetHash(const ImageSet& train, const ImageSet& test);

struct ChannelStats {
    std::array<double, 3> mean{};  // in pixel units, 0..255
    std::array<double, 3> std{};   // population standard deviation, 0..255
};
ChannelStats computeChannelStats(const ImageSet& images);

// CIFAR-10's normalisation when `train`'s own statistics are within `tolerance` of it (0..1
// units, largest difference over the means and stds), else the split's own. `why`, when given,
// receives one sentence for the log when the dataset's own statistics were chosen (else "").
Normalization chooseNormalization(const ImageSet& train, std::string* why = nullptr,
                                  double tolerance = kNormalizationTolerance);

// Examples per class; throws if a label is outside [0, numClasses).
std::vector<int64_t> classCounts(const ImageSet& images, int numClasses);

}  // namespace airbench
