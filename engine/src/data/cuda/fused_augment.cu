// One thread per output element: out[n, y, x, c] = padded[n, y + dy, x' + dx, c] with
// x' = S-1-x when the image is mirrored, zeroed inside the cutout square. The values are only
// moved, so the kernel works on raw 16- or 32-bit words (zero bits are +0.0 in fp16 and fp32).

#include "data/cuda/fused_augment.h"

#include "core/cuda/kernel_launch.cuh"

namespace airbench::cuda {
namespace {

template <typename Word>
__global__ void cropFlipCutoutKernel(const Word* __restrict__ padded, Word* __restrict__ out,
                                     int64_t total, int channels, int side, int paddedSide,
                                     const int64_t* __restrict__ cropY,
                                     const int64_t* __restrict__ cropX, bool flipAll,
                                     const bool* __restrict__ flip,
                                     const int64_t* __restrict__ cutoutY,
                                     const int64_t* __restrict__ cutoutX, int cutout) {
    const int64_t index = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (index >= total) {
        return;
    }
    const int c = static_cast<int>(index % channels);
    int64_t rest = index / channels;
    const int x = static_cast<int>(rest % side);
    rest /= side;
    const int y = static_cast<int>(rest % side);
    const int64_t n = rest / side;

    const bool mirror = flipAll != (flip != nullptr && flip[n]);
    const int sourceX = (mirror ? side - 1 - x : x) + static_cast<int>(cropX[n]);
    const int sourceY = y + static_cast<int>(cropY[n]);
    Word value = padded[((n * paddedSide + sourceY) * paddedSide + sourceX) * channels + c];
    if (cutout > 0) {
        const int64_t top = cutoutY[n], left = cutoutX[n];
        if (y >= top && y < top + cutout && x >= left && x < left + cutout) {
            value = 0;
        }
    }
    out[index] = value;
}

template <typename Word>
cudaError_t launch(const CropFlipCutoutArgs& a) {
    const int64_t total = a.images * a.side * a.side * a.channels;
    if (total == 0) {
        return cudaSuccess;
    }
    constexpr int kThreads = 256;
    const unsigned blocks = static_cast<unsigned>((total + kThreads - 1) / kThreads);
    launchKernel(cropFlipCutoutKernel<Word>, blocks, kThreads, static_cast<cudaStream_t>(a.stream),
                 static_cast<const Word*>(a.padded), static_cast<Word*>(a.out), total, a.channels,
                 a.side, a.paddedSide, a.cropY, a.cropX, a.flipAll, a.flip, a.cutoutY, a.cutoutX,
                 a.cutout);
    return cudaGetLastError();
}

}  // namespace

const char* launchCropFlipCutout(const CropFlipCutoutArgs& args) {
    cudaError_t status = cudaErrorInvalidValue;
    if (args.elementBytes == 2) {
        status = launch<unsigned short>(args);
    } else if (args.elementBytes == 4) {
        status = launch<unsigned int>(args);
    }
    return status == cudaSuccess ? nullptr : cudaGetErrorString(status);
}

}  // namespace airbench::cuda
