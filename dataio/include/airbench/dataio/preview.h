#pragma once
// What the GUI shows before training on a dataset: a few examples of each class, and whether the
// dataset's own pixel statistics are close to the CIFAR-10 ones every recipe normalises with
// (airbench::kCifarMean / kCifarStd). Plain C++; no Qt.

#include <airbench/dataset.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace airbench::dataio {

// 0.02 in 0..1 units is about 5 pixel levels, or 0.08 of CIFAR-10's per-channel std: a shift
// the networks' BatchNorm absorbs. Fashion-MNIST (mean ~0.26) is far outside it; a JPEG-decoded
// copy of CIFAR-10 (std lower by ~0.002) is well inside.
inline constexpr double kStatsTolerance = 0.02;

struct DatasetPreview {
    std::vector<std::string> classNames;
    // Per class, the indices of its first `perClass` examples in each split (fewer when the
    // class has fewer).
    std::vector<std::vector<int64_t>> trainSamples;
    std::vector<std::vector<int64_t>> testSamples;

    ChannelStats trainStats;                // the dataset's own, 0..255 (population std)
    std::array<double, 3> normalizeMean{};  // what the loader subtracts, 0..255
    std::array<double, 3> normalizeStd{};   // what the loader divides by, 0..255
    double largestDifference = 0;           // max |own - CIFAR| over means and stds, 0..1
    double tolerance = kStatsTolerance;
    bool differsFromCifar = false;  // largestDifference > tolerance
    std::string note;               // one sentence for the UI
};

DatasetPreview previewDataset(const Dataset& dataset, int perClass = 8,
                              double tolerance = kStatsTolerance);

// Per class, the indices of its first `perClass` examples in `images` (labels < numClasses).
std::vector<std::vector<int64_t>> firstPerClass(const ImageSet& images, int numClasses,
                                                int perClass);

}  // namespace airbench::dataio
