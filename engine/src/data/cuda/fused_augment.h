#pragma once
// The fused per-epoch augmentation kernel (CUDA): crop, flip and cutout of a whole epoch in one
// pass over the padded, pre-flipped, normalised images. Plain C++ declarations (no CUDA or
// LibTorch headers) so that the .cu file compiles without LibTorch.

#include <cstdint>

namespace airbench::cuda {

struct CropFlipCutoutArgs {
    const void* padded =
        nullptr;           // (N, C, P, P) channels_last: element (n, y, x, c) at ((n*P+y)*P+x)*C+c
    void* out = nullptr;   // (N, C, S, S) channels_last
    int elementBytes = 2;  // 2 (fp16) or 4 (fp32): values are only moved or zeroed
    int64_t images = 0;
    int channels = 3;
    int paddedSide = 36;             // P = S + 2 * translate
    int side = 32;                   // S
    const int64_t* cropY = nullptr;  // (N) in [0, P - S]
    const int64_t* cropX = nullptr;
    bool flipAll = false;              // alternating flip: this epoch mirrors every image
    const bool* flip = nullptr;        // random flip: per-image (nullable)
    const int64_t* cutoutY = nullptr;  // (N) top-left corners in output coordinates (nullable)
    const int64_t* cutoutX = nullptr;
    int cutout = 0;
    void* stream = nullptr;  // cudaStream_t
};

// Launches the kernel; returns the CUDA error string, or nullptr on success.
const char* launchCropFlipCutout(const CropFlipCutoutArgs& args);

}  // namespace airbench::cuda
