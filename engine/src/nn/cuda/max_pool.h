#pragma once
// The 2x2 max-pooling kernels with one-byte argmax offsets (CUDA). Plain C++ declarations (no
// CUDA or LibTorch headers); nn/max_pool.cpp is the bridge.
//
// channels_last (N, C, H, W) input, (N, C, H/2, W/2) output (floor: an odd last row or column
// is dropped, as max_pool2d drops it). offsets has the output's layout, one byte per element:
// 2 * dy + dx of the window position that held the maximum (the first one in row-major order on
// ties; NaN wins, as in max_pool2d). Every launch goes to `stream` and none synchronises.

#include <cstdint>

namespace airbench::cuda {

struct MaxPoolShape {
    int64_t images = 0;
    int channels = 0;
    int height = 0, width = 0;  // of the input
    int elementBytes = 2;       // 2 (fp16) or 4 (fp32)
    void* stream = nullptr;
};

// y and offsets from x. Returns the CUDA error string, or nullptr on success.
const char* launchMaxPool2x2Forward(const MaxPoolShape& shape, const void* x, void* y,
                                    uint8_t* offsets);

// dx (input-sized) from dy (output-sized): dy where the offset points, zero elsewhere.
const char* launchMaxPool2x2Backward(const MaxPoolShape& shape, const void* dy,
                                     const uint8_t* offsets, void* dx);

}  // namespace airbench::cuda
