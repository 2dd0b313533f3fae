// 2x2 max pooling that remembers where each maximum was in one byte. ATen's max_pool2d keeps an
// int64 index per output element for the backward pass: for airbench94's first pooling (fp16,
// 1024 x 64 x 31 x 31 in) that is 118 MB written forward and read backward, four times the
// pooled output itself. One byte per element carries the same information (which of the four
// window positions), so the indices cost an eighth.
//
// Forward: a thread per 16 bytes of output channels reads the four window pixels' channels and
// writes the maxima and their offsets. Backward: a thread per 16 bytes of input channels reads
// its window's gradient and offsets and writes the gradient or zero; every input element is
// written once, so dx needs no zero fill first.

#include "nn/cuda/max_pool.h"

#include "core/cuda/kernel_launch.cuh"
#include "nn/cuda/device_values.cuh"

namespace airbench::cuda {
namespace {

constexpr int kThreads = 256;

template <typename T, int kVec>
__global__ void compactMaxPoolForwardKernel(const T* __restrict__ x, int64_t packs, int channels,
                                            int height, int width, int outHeight, int outWidth,
                                            T* __restrict__ y, uint8_t* __restrict__ offsets) {
    using P = Pack<T, kVec>;
    using Offsets = Pack<uint8_t, kVec>;
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t p = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; p < packs;
         p += stride) {
        const int64_t e = p * kVec;  // output element (n, i, j, c0) in channels_last order
        const int c0 = static_cast<int>(e % channels);
        int64_t pixel = e / channels;
        const int j = static_cast<int>(pixel % outWidth);
        pixel /= outWidth;
        const int i = static_cast<int>(pixel % outHeight);
        const int64_t n = pixel / outHeight;
        const int64_t topLeft = ((n * height + 2 * i) * width + 2 * j) * channels + c0;
        const int64_t rowStep = static_cast<int64_t>(width) * channels;
        // Window positions in row-major order: offset 0, 1 (right), 2 (below), 3 (below right).
        const P window[4] = {reinterpret_cast<const P*>(x + topLeft)[0],
                             reinterpret_cast<const P*>(x + topLeft + channels)[0],
                             reinterpret_cast<const P*>(x + topLeft + rowStep)[0],
                             reinterpret_cast<const P*>(x + topLeft + rowStep + channels)[0]};
        P out;
        Offsets where;
#pragma unroll
        for (int k = 0; k < kVec; ++k) {
            T bestValue = window[0].v[k];
            float best = toFloat(bestValue);
            uint8_t at = 0;
#pragma unroll
            for (int o = 1; o < 4; ++o) {  // unrolled: window stays in registers
                const float v = toFloat(window[o].v[k]);
                if (v > best || isnan(v)) {  // max_pool2d's rule: a later NaN wins
                    best = v;
                    bestValue = window[o].v[k];
                    at = static_cast<uint8_t>(o);
                }
            }
            out.v[k] = bestValue;
            where.v[k] = at;
        }
        reinterpret_cast<P*>(y)[p] = out;
        reinterpret_cast<Offsets*>(offsets)[p] = where;
    }
}

template <typename T, int kVec>
__global__ void compactMaxPoolBackwardKernel(const T* __restrict__ dy,
                                             const uint8_t* __restrict__ offsets, int64_t packs,
                                             int channels, int height, int width, int outHeight,
                                             int outWidth, T* __restrict__ dx) {
    using P = Pack<T, kVec>;
    using Offsets = Pack<uint8_t, kVec>;
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t p = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; p < packs;
         p += stride) {
        const int64_t e = p * kVec;  // input element (n, h, w, c0) in channels_last order
        const int c0 = static_cast<int>(e % channels);
        int64_t pixel = e / channels;
        const int w = static_cast<int>(pixel % width);
        pixel /= width;
        const int h = static_cast<int>(pixel % height);
        const int64_t n = pixel / height;
        const int i = h / 2, j = w / 2;
        P out;
        if (i < outHeight && j < outWidth) {
            const int64_t o = ((n * outHeight + i) * outWidth + j) * channels + c0;
            const P grad = reinterpret_cast<const P*>(dy + o)[0];
            const Offsets where = reinterpret_cast<const Offsets*>(offsets + o)[0];
            const uint8_t mine = static_cast<uint8_t>((h % 2) * 2 + w % 2);
#pragma unroll
            for (int k = 0; k < kVec; ++k) {
                out.v[k] = where.v[k] == mine ? grad.v[k] : fromFloat<T>(0.0f);
            }
        } else {  // the row or column that floor pooling dropped
#pragma unroll
            for (int k = 0; k < kVec; ++k) {
                out.v[k] = fromFloat<T>(0.0f);
            }
        }
        reinterpret_cast<P*>(dx)[p] = out;
    }
}

template <typename T>
const char* forward(const MaxPoolShape& s, const void* x, void* y, uint8_t* offsets) {
    const int outHeight = s.height / 2, outWidth = s.width / 2;
    withVectorWidth<T>(s.channels, {x, y}, aligned(offsets, kWidePack<T>), [&](auto width) {
        constexpr int kVec = decltype(width)::value;
        const int64_t packs = s.images * outHeight * outWidth * s.channels / kVec;
        launchKernel(compactMaxPoolForwardKernel<T, kVec>, gridStrideBlocks(packs, kThreads),
                     kThreads, static_cast<cudaStream_t>(s.stream), static_cast<const T*>(x), packs,
                     s.channels, s.height, s.width, outHeight, outWidth, static_cast<T*>(y),
                     offsets);
    });
    return lastLaunchError();
}

template <typename T>
const char* backward(const MaxPoolShape& s, const void* dy, const uint8_t* offsets, void* dx) {
    const int outHeight = s.height / 2, outWidth = s.width / 2;
    withVectorWidth<T>(s.channels, {dy, dx}, aligned(offsets, kWidePack<T>), [&](auto width) {
        constexpr int kVec = decltype(width)::value;
        const int64_t packs = s.images * s.height * s.width * s.channels / kVec;
        launchKernel(compactMaxPoolBackwardKernel<T, kVec>, gridStrideBlocks(packs, kThreads),
                     kThreads, static_cast<cudaStream_t>(s.stream), static_cast<const T*>(dy),
                     offsets, packs, s.channels, s.height, s.width, outHeight, outWidth,
                     static_cast<T*>(dx));
    });
    return lastLaunchError();
}

bool empty(const MaxPoolShape& s) {
    return s.images == 0 || s.channels == 0 || s.height < 2 || s.width < 2;
}

}  // namespace

const char* launchMaxPool2x2Forward(const MaxPoolShape& s, const void* x, void* y,
                                    uint8_t* offsets) {
    if (empty(s)) {
        return nullptr;
    }
    if (s.elementBytes == 2) {
        return forward<__half>(s, x, y, offsets);
    }
    if (s.elementBytes == 4) {
        return forward<float>(s, x, y, offsets);
    }
    return "activations must be fp16 or fp32";
}

const char* launchMaxPool2x2Backward(const MaxPoolShape& s, const void* dy, const uint8_t* offsets,
                                     void* dx) {
    if (s.images == 0 || s.channels == 0 || s.height == 0 || s.width == 0) {
        return nullptr;
    }
    if (s.elementBytes == 2) {
        return backward<__half>(s, dy, offsets, dx);
    }
    if (s.elementBytes == 4) {
        return backward<float>(s, dy, offsets, dx);
    }
    return "activations must be fp16 or fp32";
}

}  // namespace airbench::cuda
