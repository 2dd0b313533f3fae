#include <airbench/dataio/preview.h>

#include <airbench/loader.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace airbench::dataio {

std::vector<std::vector<int64_t>> firstPerClass(const ImageSet& images, int numClasses,
                                                int perClass) {
    std::vector<std::vector<int64_t>> out(static_cast<size_t>(std::max(numClasses, 0)));
    int64_t full = 0;
    for (int64_t i = 0; i < images.size() && full < numClasses; ++i) {
        const int64_t label = images.labels[static_cast<size_t>(i)];
        if (label < 0 || label >= numClasses) {
            continue;
        }
        auto& samples = out[static_cast<size_t>(label)];
        if (static_cast<int>(samples.size()) < perClass) {
            samples.push_back(i);
            full += static_cast<int>(samples.size()) == perClass;
        }
    }
    return out;
}

DatasetPreview previewDataset(const Dataset& dataset, int perClass, double tolerance) {
    DatasetPreview preview;
    preview.classNames = dataset.classNames;
    preview.trainSamples = firstPerClass(dataset.train, dataset.numClasses(), perClass);
    preview.testSamples = firstPerClass(dataset.test, dataset.numClasses(), perClass);
    preview.trainStats = computeChannelStats(dataset.train);
    preview.tolerance = tolerance;
    for (int c = 0; c < 3; ++c) {
        preview.normalizeMean[c] = 255.0 * dataset.train.normalization.mean[c];
        preview.normalizeStd[c] = 255.0 * dataset.train.normalization.std[c];
        preview.largestDifference =
            std::max({preview.largestDifference,
                      std::abs(preview.trainStats.mean[c] / 255.0 - kCifarMean[c]),
                      std::abs(preview.trainStats.std[c] / 255.0 - kCifarStd[c])});
    }
    preview.differsFromCifar = preview.largestDifference > tolerance;
    char text[400];
    const auto& m = preview.trainStats.mean;
    const auto& s = preview.trainStats.std;
    if (preview.differsFromCifar) {
        std::snprintf(text, sizeof text,
                      "This dataset's pixel statistics (mean %.3f %.3f %.3f, std %.3f %.3f %.3f) "
                      "differ from CIFAR-10's by up to %.3f (tolerance %.3f); %s",
                      m[0] / 255, m[1] / 255, m[2] / 255, s[0] / 255, s[1] / 255, s[2] / 255,
                      preview.largestDifference, tolerance,
                      dataset.train.normalization.isCifar()
                          ? "the loader still normalises with CIFAR-10's."
                          : "the loader normalises with the dataset's own.");
    } else {
        std::snprintf(text, sizeof text,
                      "Pixel statistics match CIFAR-10's normalisation within %.3f (largest "
                      "difference %.3f).",
                      tolerance, preview.largestDifference);
    }
    preview.note = text;
    return preview;
}

}  // namespace airbench::dataio
