#pragma once
// CifarLoader: a whole split held on the training device, augmented an epoch at a time, served
// in batches (airbench's CifarLoader). The augmentation semantics are RECIPES.md §3:
//   epoch 0 (and after every reset): normalise; flip each image with p = 0.5 (kept as the
//   "pre-flip"); reflect-pad by `translate`.
//   every epoch: a fresh crop per image; with alternating flip, flip all images on odd epochs;
//   cutout; then shuffle (randperm) or keep order.
// The loader draws its random numbers from a generator seeded per (seed, epoch), so two loaders
// with the same seed and data yield identical batches (airbench96_faster relies on this).

#include <airbench/dataset.h>
#include <airbench/device.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace airbench {

struct Augmentation {
    bool flip = false;
    int translate = 0;  // pixels of reflect padding; crops move by at most this much
    int cutout = 0;     // side of the zeroed square, 0 = none
    // true: random flip on epoch 0, then every odd epoch flips all images (legacy airbench);
    // false: a fresh random flip every epoch (pip package default).
    bool alternatingFlip = true;
};

struct LoaderOptions {
    int batchSize = 500;
    Augmentation augmentation;
    std::optional<bool> shuffle;   // default: on for training loaders
    std::optional<bool> dropLast;  // default: on for training loaders
    uint64_t seed = 0;             // seeds flips, crops, cutout and shuffling
};

class CifarLoader {
public:
    // Uploads `images` once to `device` (fp16 on CUDA, fp32 on CPU).
    CifarLoader(const ImageSet& images, bool train, LoaderOptions options, Device device);
    CifarLoader(CifarLoader&&) noexcept;
    CifarLoader& operator=(CifarLoader&&) noexcept;
    ~CifarLoader();

    Device device() const;
    // Examples in use (after the mask) and the number of batches per epoch (len(loader)).
    int64_t size() const;
    int64_t batchCount() const;
    // Examples given at construction, before any mask.
    int64_t fullSize() const;

    int batchSize() const;
    void setBatchSize(int batchSize);
    const Augmentation& augmentation() const;
    void setAugmentation(const Augmentation& augmentation);
    bool shuffle() const;
    bool dropLast() const;
    uint64_t seed() const;
    void setSeed(uint64_t seed);  // also resets to epoch 0

    // The next epoch to be served (0 after construction or a reset).
    int epoch() const;
    // Back to epoch 0: the next epoch recomputes the pre-flip and padding (airbench's
    // `loader.epoch = 0`).
    void resetEpoch();

    // Data selection: train only on the examples whose keep[i] is non-zero (i indexes the full
    // set). keep.size() must equal fullSize(). Resets to epoch 0.
    void setMask(const std::vector<uint8_t>& keep);
    void clearMask();
    bool masked() const;
    // For each example in use, its index in the full set (ascending).
    std::vector<int64_t> activeIndices() const;
    std::vector<int64_t> labels() const;  // labels of the examples in use

    struct Impl;
    Impl& impl() { return *impl_; }
    const Impl& impl() const { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

// The loaders a recipe trains and evaluates with (batch size, augmentation from the recipe).
struct Recipe;
CifarLoader makeTrainLoader(const Recipe& recipe, const ImageSet& images, Device device,
                            uint64_t seed = 0);
CifarLoader makeTestLoader(const ImageSet& images, Device device, int batchSize = 2000);

}  // namespace airbench
