#pragma once
// What the GUI shows before training on a dataset: a few examples of each class, and whether the
// dataset's own pixel statistics are close to the CIFAR-10 ones every recipe normalises with
// (airbench::kCifarMean / kCifarStd), and what the loader will normalise with. Plain C++; no Qt.

#include <airbench/dataset.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace airbench::dataio {

// The engine's rule (airbench::kNormalizationTolerance): beyond it, loadDataset gives a dataset
// its own normalisation.
inline constexpr double kStatsTolerance = kNormalizationTolerance;

struct DatasetPreview {
    std::vector<std::string> classNames;
    // Per class, the indices of its first `perClass` examples in each split (fewer when the
    // class has fewer).
    std::vector<std::vector<int64_t>> trainSamples;
    std::vector<std::vector<int64_t>> testSamples;

    ChannelStats trainStats;  // the dataset's own, 0..255 (population std)
    // What the loader subtracts and divides by, 0..255: the dataset's ImageSet::normalization
    // (CIFAR-10's, or its own when loadDataset found them too different).
    std::array<double, 3> normalizeMean{};
    std::array<double, 3> normalizeStd{};
    double largestDifference = 0;  // max |own - CIFAR| over means and stds, 0..1
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
