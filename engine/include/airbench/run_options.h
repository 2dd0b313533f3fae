#pragma once
// How a set of runs is carried out, whatever the recipe: which seeds, where, and how the
// training step executes. These are the run-setting knobs of the knob table (knobs.h); none of
// them changes what a run computes except the seed.

#include <airbench/device.h>

#include <cstdint>

namespace airbench {

// The untimed warm-up before the first run (cuDNN's algorithm search): Auto does it on CUDA only.
enum class WarmupMode { Auto, On, Off };

struct RunOptions {
    uint64_t seed = 0;  // of the first run; run k uses seed + k
    int runs = 1;
    DeviceRequest device = DeviceRequest::Auto;
    int threads = 0;  // LibTorch's CPU threads; 0: $OMP_NUM_THREADS, else every core
    // Capture the training step in a CUDA graph (CUDA only; elsewhere the run says so and runs
    // eagerly).
    bool compiled = false;
    // Each BatchNorm + GELU pair as one fused CUDA operation (nn/batch_norm_gelu.h): the same
    // function with fewer passes over memory. Needs a CUDA device and this build's kernels.
    bool fusedNormActivation = false;
    // 2x2 max pooling keeping one-byte instead of int64 indices (nn/max_pool.h). Same needs.
    bool compactPooling = false;
    WarmupMode warmup = WarmupMode::Auto;

    bool warmsUp(const Device& device) const {
        return warmup == WarmupMode::On || (warmup == WarmupMode::Auto && device.isCuda());
    }
};

}  // namespace airbench
