#include <airbench/dataset.h>
#include <airbench/error.h>

#include <airbench/sha256.h>
#include "data/readers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace airbench {

ImageSet ImageSet::head(int64_t n) const {
    if (n < 0 || n >= size()) {
        return *this;
    }
    ImageSet out;
    out.labels.assign(labels.begin(), labels.begin() + n);
    out.pixels.assign(pixels.begin(), pixels.begin() + n * kImageBytes);
    out.normalization = normalization;
    return out;
}

ImageSet ImageSet::select(const std::vector<int64_t>& indices) const {
    ImageSet out;
    out.normalization = normalization;
    out.labels.reserve(indices.size());
    out.pixels.resize(indices.size() * kImageBytes);
    for (size_t k = 0; k < indices.size(); ++k) {
        const int64_t i = indices[k];
        if (i < 0 || i >= size()) {
            throw Error("example index " + std::to_string(i) + " is outside 0.." +
                        std::to_string(size() - 1));
        }
        out.labels.push_back(labels[static_cast<size_t>(i)]);
        std::copy(image(i), image(i) + kImageBytes, out.pixels.begin() + k * kImageBytes);
    }
    return out;
}

std::string formatName(DatasetFormat format) {
    switch (format) {
        case DatasetFormat::Cifar10:
            return "cifar10";
        case DatasetFormat::FashionMnist:
            return "fashion-mnist";
        case DatasetFormat::Auto:
            break;
    }
    return "auto";
}

DatasetFormat parseDatasetFormat(const std::string& text) {
    if (text == "cifar10" || text == "cifar-10") {
        return DatasetFormat::Cifar10;
    }
    if (text == "fashion-mnist" || text == "fashion_mnist" || text == "fashionmnist") {
        return DatasetFormat::FashionMnist;
    }
    if (text == "auto" || text.empty()) {
        return DatasetFormat::Auto;
    }
    throw Error("unknown dataset format '" + text + "' (expected cifar10, fashion-mnist or auto)");
}

DatasetFormat detectDatasetFormat(const std::string& path) {
    if (data::findCifar10Folder(path)) {
        return DatasetFormat::Cifar10;
    }
    if (data::looksLikeIdxFolder(path)) {
        return DatasetFormat::FashionMnist;
    }
    return DatasetFormat::Auto;
}

namespace {

Dataset withNormalization(Dataset dataset) {
    const Normalization n = chooseNormalization(dataset.train, &dataset.normalizationNote);
    dataset.train.normalization = n;
    dataset.test.normalization = n;
    return dataset;
}

}  // namespace

bool Normalization::isCifar() const {
    for (int c = 0; c < 3; ++c) {
        if (mean[c] != kCifarMean[c] || std[c] != kCifarStd[c]) {
            return false;
        }
    }
    return true;
}

Normalization chooseNormalization(const ImageSet& train, std::string* why, double tolerance) {
    if (why) {
        why->clear();
    }
    Normalization cifar;
    if (train.size() == 0) {
        return cifar;
    }
    const ChannelStats stats = computeChannelStats(train);
    double largest = 0;
    Normalization own;
    for (int c = 0; c < 3; ++c) {
        own.mean[c] = float(stats.mean[c] / 255.0);
        // A constant channel would divide by zero; 1/255 keeps it finite.
        own.std[c] = float(std::max(stats.std[c], 1.0) / 255.0);
        largest = std::max({largest, std::abs(double(own.mean[c]) - kCifarMean[c]),
                            std::abs(double(own.std[c]) - kCifarStd[c])});
    }
    if (largest <= tolerance) {
        return cifar;
    }
    if (why) {
        char text[300];
        std::snprintf(text, sizeof text,
                      "normalising with this dataset's own statistics (mean %.3f %.3f %.3f, std "
                      "%.3f %.3f %.3f): they differ from CIFAR-10's by up to %.3f",
                      own.mean[0], own.mean[1], own.mean[2], own.std[0], own.std[1], own.std[2],
                      largest);
        *why = text;
    }
    return own;
}

Dataset loadDataset(const std::string& path, DatasetFormat format) {
    std::error_code ec;
    if (path.empty()) {
        throw DatasetError("No dataset folder given");
    }
    if (!fs::exists(path, ec)) {
        throw DatasetError("Dataset folder '" + path + "' does not exist");
    }
    if (!fs::is_directory(path, ec)) {
        throw DatasetError("'" + path +
                           "' is not a folder (give the folder that holds the "
                           "dataset files)");
    }
    if (format == DatasetFormat::Auto) {
        format = detectDatasetFormat(path);
    }
    switch (format) {
        case DatasetFormat::Cifar10:
            return withNormalization(data::readCifar10(path));
        case DatasetFormat::FashionMnist:
            return withNormalization(data::readFashionMnist(path));
        case DatasetFormat::Auto:
            break;
    }
    if (fs::exists(fs::path(path) / "data_batch_1", ec) ||
        fs::exists(fs::path(path) / "cifar-10-batches-py", ec)) {
        return data::readCifar10(path);  // explains the pickle layout
    }
    throw DatasetError("'" + path +
                       "' holds no dataset the workbench can read: expected CIFAR-10 "
                       "binary batches (data_batch_1.bin ... test_batch.bin, batches.meta.txt) "
                       "or Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz] ...)");
}

std::string computeDatasetHash(const ImageSet& train, const ImageSet& test) {
    Sha256 hash;
    for (const ImageSet* split : {&train, &test}) {
        const int64_t n = split->size();
        hash.update(&n, sizeof n);
        std::vector<uint8_t> labels(split->labels.begin(), split->labels.end());
        hash.update(labels.data(), labels.size());
        hash.update(split->pixels.data(), split->pixels.size());
    }
    return hash.hexDigest();
}

Dataset takeSubsets(Dataset dataset, int64_t trainCount, int64_t testCount) {
    const bool changed = (trainCount >= 0 && trainCount < dataset.train.size()) ||
                         (testCount >= 0 && testCount < dataset.test.size());
    if (!changed) {
        return dataset;
    }
    dataset.train = dataset.train.head(trainCount);
    dataset.test = dataset.test.head(testCount);
    dataset.hash = computeDatasetHash(dataset.train, dataset.test);
    return dataset;
}

ChannelStats computeChannelStats(const ImageSet& images) {
    ChannelStats stats;
    const int64_t n = images.size();
    if (n == 0) {
        return stats;
    }
    constexpr int kPlane = kImageSide * kImageSide;
    for (int c = 0; c < kImageChannels; ++c) {
        // Integer sums are exact: 50,000 x 1024 x 255^2 fits easily in 64 bits.
        uint64_t sum = 0, sumSquares = 0;
        for (int64_t i = 0; i < n; ++i) {
            const uint8_t* plane = images.image(i) + c * kPlane;
            for (int p = 0; p < kPlane; ++p) {
                sum += plane[p];
                sumSquares += uint64_t(plane[p]) * plane[p];
            }
        }
        const double count = double(n) * kPlane;
        const double mean = double(sum) / count;
        stats.mean[c] = mean;
        stats.std[c] = std::sqrt(std::max(0.0, double(sumSquares) / count - mean * mean));
    }
    return stats;
}

std::vector<int64_t> classCounts(const ImageSet& images, int numClasses) {
    std::vector<int64_t> counts(static_cast<size_t>(numClasses), 0);
    for (size_t i = 0; i < images.labels.size(); ++i) {
        const int64_t label = images.labels[i];
        if (label < 0 || label >= numClasses) {
            throw Error("example " + std::to_string(i) + " has label " + std::to_string(label) +
                        " outside 0.." + std::to_string(numClasses - 1));
        }
        ++counts[static_cast<size_t>(label)];
    }
    return counts;
}

}  // namespace airbench
