#pragma once
// CifarLoader's state and epoch machinery (engine-internal; see airbench/loader.h).

#include <airbench/loader.h>

#include <ATen/ATen.h>

#include <vector>

namespace airbench {

// Every random number one epoch needs, drawn up front. Kept separate from their use so that a
// self-test can replay the same draws on another device.
struct EpochDraws {
    at::Tensor preFlip;           // (N) bool, epoch 0 with alternating flip only
    at::Tensor flip;              // (N) bool, every epoch without alternating flip
    at::Tensor cropY, cropX;      // (N) int64 in [0, 2*translate]
    at::Tensor cutoutY, cutoutX;  // (N) int64 in [0, 32 - cutout]
    at::Tensor order;             // (N) int64: randperm(N), or arange(N) without shuffling

    EpochDraws to(const c10::Device& device) const;
};

// One augmented epoch, served in batches.
struct EpochData {
    at::Tensor images;  // (N, 3, 32, 32) augmented, in stored order
    at::Tensor labels;  // (N) int64
    at::Tensor order;   // (N) the order batches take examples in
    int64_t batchSize = 0;
    int64_t batches = 0;

    struct Batch {
        at::Tensor images;   // (B, 3, 32, 32)
        at::Tensor labels;   // (B)
        at::Tensor indices;  // (B) positions in the loader's active set
    };
    Batch batch(int64_t k) const;
};

struct CifarLoader::Impl {
    Device device;
    bool train = true;
    LoaderOptions options;
    bool shuffle = true;
    bool dropLast = true;

    at::Tensor fullImages;      // (N_full, 3, 32, 32) normalised, compute dtype, channels_last
    at::Tensor fullLabels;      // (N_full) int64
    std::vector<uint8_t> keep;  // empty = no mask
    at::Tensor images;          // the examples in use (= full ones when unmasked)
    at::Tensor labels;
    at::Tensor active;  // (N) int64 on device: full-set index of each example in use

    int epoch = 0;
    // Use the fused CUDA kernel for crop + flip + cutout when it is built and the data is on a
    // GPU (the tensor-op path stays for CPU and for checking the kernel).
    bool useFusedKernel = true;
    at::Tensor preFlipped;  // cached at epoch 0
    at::Tensor padded;      // cached at epoch 0

    int64_t size() const { return labels.size(0); }
    int64_t batchCount() const;
    void applyMask();

    // Draws the random numbers of epoch `epoch` on `device` (default: the loader's device).
    EpochDraws draw(int epoch) const;
    EpochDraws draw(int epoch, const c10::Device& device) const;
    // Applies `draws` as epoch `epoch()` and advances to the next epoch.
    EpochData augment(const EpochDraws& draws);
    // draw + augment.
    EpochData nextEpoch();
};

}  // namespace airbench
