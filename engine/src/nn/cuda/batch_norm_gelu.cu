// Fused BatchNorm + GELU. Separately, cuDNN's BatchNorm and ATen's GELU pass over the activation
// seven times per training step (forward: statistics, normalise, GELU; backward: GELU, two
// BatchNorm passes, each reading or writing full tensors). Here: two passes forward (statistics,
// then normalise-and-GELU without storing the normalised tensor) and two backward (the two
// per-channel sums with gelu' recomputed from x, then dx), and the pre-activation never exists.
//
// Reductions: a block is 32 channels (one warp reads a row's 32 neighbouring channels) by 8 row
// lanes; the grid splits the rows so that about kTargetBlocks blocks run. Each split writes
// partial sums, and a second kernel adds the splits in double, one warp per channel (a thread
// per channel would wait for hundreds of loads in a row). The statistics sum x minus the
// channel's first value, not x, so that E[d^2] - E[d]^2 does not cancel when the mean is large
// against the spread.
//
// Kernel names start with batchNormGelu, which `bench --profile` files under its own category.
//
// Element-wise kernels move 16 bytes of activations per thread and read the per-channel values
// 16 bytes at a time too, when the channel count and the pointers allow it.

#include "nn/cuda/batch_norm_gelu.h"

#include "core/cuda/kernel_launch.cuh"
#include "nn/cuda/device_values.cuh"

#include <cstdint>

namespace airbench::cuda {
namespace {

constexpr int kTileChannels = 32;
constexpr int kTileRows = 8;
constexpr int kTargetBlocks = 1024;
constexpr int kElementwiseThreads = 256;
constexpr int kWarp = 32;
constexpr int kFinalWarps = 8;  // channels per block of the split-adding kernels
constexpr float kSqrtHalf = 0.70710678118654752f;
constexpr float kInvSqrtTwoPi = 0.39894228040143268f;

__device__ __forceinline__ float gelu(float z) {
    return 0.5f * z * (1.0f + erff(z * kSqrtHalf));
}
__device__ __forceinline__ float geluDerivative(float z) {
    return 0.5f * (1.0f + erff(z * kSqrtHalf)) + z * kInvSqrtTwoPi * expf(-0.5f * z * z);
}

// p[c0], ..., p[c0 + kVec - 1]; c0 is a multiple of kVec, and p is 16-byte aligned when kVec is
// a multiple of 4.
template <int kVec>
__device__ __forceinline__ void loadChannels(const float* __restrict__ p, int c0,
                                             float (&out)[kVec]) {
    if constexpr (kVec % 4 == 0) {
#pragma unroll
        for (int k = 0; k < kVec; k += 4) {
            const float4 v = *reinterpret_cast<const float4*>(p + c0 + k);
            out[k] = v.x;
            out[k + 1] = v.y;
            out[k + 2] = v.z;
            out[k + 3] = v.w;
        }
    } else {
#pragma unroll
        for (int k = 0; k < kVec; ++k) {
            out[k] = p[c0 + k];
        }
    }
}

// The split-adding kernels: warp threadIdx.y of block blockIdx.x adds channel c's partial sums
// (lane i takes splits i, i + 32, ...) and returns true in lane 0, which holds the totals.
// Whole warps leave together, so the shuffles always have all 32 lanes.
__device__ __forceinline__ bool addSplits(int channels, int splits,
                                          const float* __restrict__ partialA,
                                          const float* __restrict__ partialB, int& c, double& a,
                                          double& b) {
    c = blockIdx.x * kFinalWarps + threadIdx.y;
    a = 0.0;
    b = 0.0;
    if (c >= channels) {
        return false;
    }
    for (int split = threadIdx.x; split < splits; split += kWarp) {
        a += partialA[static_cast<int64_t>(split) * channels + c];
        b += partialB[static_cast<int64_t>(split) * channels + c];
    }
#pragma unroll
    for (int offset = kWarp / 2; offset > 0; offset /= 2) {
        a += __shfl_down_sync(0xffffffffu, a, offset);
        b += __shfl_down_sync(0xffffffffu, b, offset);
    }
    return threadIdx.x == 0;
}

struct ReductionGrid {
    int64_t rowsPerSplit = 0;
    int splits = 0;
    dim3 blocks, threads;
};

ReductionGrid reductionGrid(const NormGeluShape& s) {
    ReductionGrid g;
    const int channelTiles = (s.channels + kTileChannels - 1) / kTileChannels;
    const int64_t minRowsPerSplit = kTileRows * 16;  // at least 16 rows per thread
    int64_t splits = (s.rows + minRowsPerSplit - 1) / minRowsPerSplit;
    const int64_t wanted = (kTargetBlocks + channelTiles - 1) / channelTiles;
    splits = splits < wanted ? splits : wanted;
    splits = splits < 1 ? 1 : splits;
    g.rowsPerSplit = (s.rows + splits - 1) / splits;
    g.splits = static_cast<int>((s.rows + g.rowsPerSplit - 1) / g.rowsPerSplit);
    if (g.splits < 1) {
        g.splits = 1;
    }
    g.blocks = dim3(static_cast<unsigned>(channelTiles), static_cast<unsigned>(g.splits));
    g.threads = dim3(kTileChannels, kTileRows);
    return g;
}

// Split blockIdx.y covers rows [begin, end) with begin = blockIdx.y * rowsPerSplit.
__device__ __forceinline__ int64_t splitEnd(int64_t begin, int64_t rowsPerSplit, int64_t rows) {
    return begin + rowsPerSplit < rows ? begin + rowsPerSplit : rows;
}

// Adds the kTileRows lanes' sums of one channel and writes them as split blockIdx.y's partials.
__device__ __forceinline__ void storeBlockSums(float a, float b, int c, int channels,
                                               float* partialA, float* partialB) {
    __shared__ float sharedA[kTileRows][kTileChannels];
    __shared__ float sharedB[kTileRows][kTileChannels];
    sharedA[threadIdx.y][threadIdx.x] = a;
    sharedB[threadIdx.y][threadIdx.x] = b;
    __syncthreads();
    if (threadIdx.y == 0 && c < channels) {
        for (int lane = 1; lane < kTileRows; ++lane) {
            a += sharedA[lane][threadIdx.x];
            b += sharedB[lane][threadIdx.x];
        }
        const int64_t at = static_cast<int64_t>(blockIdx.y) * channels + c;
        partialA[at] = a;
        partialB[at] = b;
    }
}

template <typename T>
__global__ void batchNormGeluStatisticsKernel(const T* __restrict__ x, int64_t rows, int channels,
                                              int64_t rowsPerSplit, float* __restrict__ partialSum,
                                              float* __restrict__ partialSquares) {
    const int c = blockIdx.x * kTileChannels + threadIdx.x;
    const int64_t begin = static_cast<int64_t>(blockIdx.y) * rowsPerSplit;
    const int64_t end = splitEnd(begin, rowsPerSplit, rows);
    float sum = 0.0f, squares = 0.0f;
    if (c < channels) {
        const float pivot = toFloat(x[c]);
#pragma unroll 4
        for (int64_t r = begin + threadIdx.y; r < end; r += kTileRows) {
            const float d = toFloat(x[r * channels + c]) - pivot;
            sum += d;
            squares += d * d;
        }
    }
    storeBlockSums(sum, squares, c, channels, partialSum, partialSquares);
}

template <typename T>
__global__ void batchNormGeluStatisticsFinalKernel(
    const T* __restrict__ x, int64_t rows, int channels, int splits,
    const float* __restrict__ partialSum, const float* __restrict__ partialSquares, double eps,
    float* __restrict__ mean, float* __restrict__ invStd, float* __restrict__ runningMean,
    float* __restrict__ runningVar, double momentum) {
    int c = 0;
    double sum = 0.0, squares = 0.0;
    if (!addSplits(channels, splits, partialSum, partialSquares, c, sum, squares)) {
        return;
    }
    const double n = static_cast<double>(rows);
    const double shift = sum / n;
    double variance = squares / n - shift * shift;
    variance = variance > 0.0 ? variance : 0.0;
    const double m = static_cast<double>(toFloat(x[c])) + shift;
    mean[c] = static_cast<float>(m);
    invStd[c] = static_cast<float>(1.0 / sqrt(variance + eps));
    if (runningMean != nullptr) {
        const double unbiased = rows > 1 ? variance * n / (n - 1.0) : variance;
        runningMean[c] = static_cast<float>((1.0 - momentum) * runningMean[c] + momentum * m);
        runningVar[c] = static_cast<float>((1.0 - momentum) * runningVar[c] + momentum * unbiased);
    }
}

template <typename T, int kVec>
__global__ void batchNormGeluForwardKernel(const T* __restrict__ x, int64_t packs, int channels,
                                           const float* __restrict__ mean,
                                           const float* __restrict__ invStd,
                                           const float* __restrict__ weight,
                                           const float* __restrict__ bias, T* __restrict__ y) {
    using P = Pack<T, kVec>;
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t p = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; p < packs;
         p += stride) {
        const P in = reinterpret_cast<const P*>(x)[p];
        P out;
        const int c0 = static_cast<int>((p * kVec) % channels);
        float m[kVec], s[kVec], w[kVec], b[kVec];
        loadChannels<kVec>(mean, c0, m);
        loadChannels<kVec>(invStd, c0, s);
        loadChannels<kVec>(weight, c0, w);
        loadChannels<kVec>(bias, c0, b);
#pragma unroll
        for (int k = 0; k < kVec; ++k) {
            const float z = (toFloat(in.v[k]) - m[k]) * (s[k] * w[k]) + b[k];
            out.v[k] = fromFloat<T>(gelu(z));
        }
        reinterpret_cast<P*>(y)[p] = out;
    }
}

template <typename T>
__global__ void batchNormGeluBackwardSumsKernel(
    const T* __restrict__ x, const T* __restrict__ dy, int64_t rows, int channels,
    int64_t rowsPerSplit, const float* __restrict__ mean, const float* __restrict__ invStd,
    const float* __restrict__ weight, const float* __restrict__ bias, float* __restrict__ partialG,
    float* __restrict__ partialGXhat) {
    const int c = blockIdx.x * kTileChannels + threadIdx.x;
    const int64_t begin = static_cast<int64_t>(blockIdx.y) * rowsPerSplit;
    const int64_t end = splitEnd(begin, rowsPerSplit, rows);
    float sumG = 0.0f, sumGXhat = 0.0f;
    if (c < channels) {
        const float m = mean[c], s = invStd[c], w = weight[c], b = bias[c];
#pragma unroll 4
        for (int64_t r = begin + threadIdx.y; r < end; r += kTileRows) {
            const int64_t at = r * channels + c;
            const float xhat = (toFloat(x[at]) - m) * s;
            const float g = toFloat(dy[at]) * geluDerivative(xhat * w + b);
            sumG += g;
            sumGXhat += g * xhat;
        }
    }
    storeBlockSums(sumG, sumGXhat, c, channels, partialG, partialGXhat);
}

__global__ void batchNormGeluBackwardSumsFinalKernel(int channels, int splits,
                                                     const float* __restrict__ partialG,
                                                     const float* __restrict__ partialGXhat,
                                                     float* __restrict__ sumG,
                                                     float* __restrict__ sumGXhat) {
    int c = 0;
    double g = 0.0, gx = 0.0;
    if (addSplits(channels, splits, partialG, partialGXhat, c, g, gx)) {
        sumG[c] = static_cast<float>(g);
        sumGXhat[c] = static_cast<float>(gx);
    }
}

template <typename T, int kVec>
__global__ void batchNormGeluBackwardInputKernel(
    const T* __restrict__ x, const T* __restrict__ dy, int64_t packs, int channels, float invRows,
    const float* __restrict__ mean, const float* __restrict__ invStd,
    const float* __restrict__ weight, const float* __restrict__ bias,
    const float* __restrict__ sumG, const float* __restrict__ sumGXhat, bool batchStatistics,
    T* __restrict__ dx) {
    using P = Pack<T, kVec>;
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t p = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; p < packs;
         p += stride) {
        const P xs = reinterpret_cast<const P*>(x)[p];
        const P dys = reinterpret_cast<const P*>(dy)[p];
        P out;
        const int c0 = static_cast<int>((p * kVec) % channels);
        float m[kVec], s[kVec], w[kVec], b[kVec], sg[kVec], sgx[kVec];
        loadChannels<kVec>(mean, c0, m);
        loadChannels<kVec>(invStd, c0, s);
        loadChannels<kVec>(weight, c0, w);
        loadChannels<kVec>(bias, c0, b);
        if (batchStatistics) {
            loadChannels<kVec>(sumG, c0, sg);
            loadChannels<kVec>(sumGXhat, c0, sgx);
        }
#pragma unroll
        for (int k = 0; k < kVec; ++k) {
            const float xhat = (toFloat(xs.v[k]) - m[k]) * s[k];
            float g = toFloat(dys.v[k]) * geluDerivative(xhat * w[k] + b[k]);
            if (batchStatistics) {
                g -= sg[k] * invRows + xhat * (sgx[k] * invRows);
            }
            out.v[k] = fromFloat<T>(w[k] * s[k] * g);
        }
        reinterpret_cast<P*>(dx)[p] = out;
    }
}

unsigned splitAddingBlocks(int channels) {
    return static_cast<unsigned>((channels + kFinalWarps - 1) / kFinalWarps);
}

const dim3 kSplitAddingThreads(kWarp, kFinalWarps);

cudaStream_t streamOf(const NormGeluShape& s) {
    return static_cast<cudaStream_t>(s.stream);
}

template <typename T>
const char* statistics(const NormGeluShape& s, const void* xv, float* scratch, double eps,
                       float* mean, float* invStd, float* runningMean, float* runningVar,
                       double momentum) {
    const T* x = static_cast<const T*>(xv);
    const ReductionGrid g = reductionGrid(s);
    float* partialSum = scratch;
    float* partialSquares = scratch + static_cast<int64_t>(g.splits) * s.channels;
    launchKernel(batchNormGeluStatisticsKernel<T>, g.blocks, g.threads, streamOf(s), x, s.rows,
                 s.channels, g.rowsPerSplit, partialSum, partialSquares);
    launchKernel(batchNormGeluStatisticsFinalKernel<T>, splitAddingBlocks(s.channels),
                 kSplitAddingThreads, streamOf(s), x, s.rows, s.channels, g.splits, partialSum,
                 partialSquares, eps, mean, invStd, runningMean, runningVar, momentum);
    return lastLaunchError();
}

template <typename T>
const char* forward(const NormGeluShape& s, const void* xv, const float* mean, const float* invStd,
                    const float* weight, const float* bias, void* yv) {
    const T* x = static_cast<const T*>(xv);
    T* y = static_cast<T*>(yv);
    withVectorWidth<T>(s.channels, {xv, yv, mean, invStd, weight, bias}, true, [&](auto width) {
        constexpr int kVec = decltype(width)::value;
        const int64_t packs = s.rows * s.channels / kVec;
        launchKernel(batchNormGeluForwardKernel<T, kVec>,
                     gridStrideBlocks(packs, kElementwiseThreads), kElementwiseThreads, streamOf(s),
                     x, packs, s.channels, mean, invStd, weight, bias, y);
    });
    return lastLaunchError();
}

template <typename T>
const char* backward(const NormGeluShape& s, const void* xv, const void* dyv, const float* mean,
                     const float* invStd, const float* weight, const float* bias, float* scratch,
                     float* sumG, float* sumGXhat, bool batchStatistics, void* dxv) {
    const T* x = static_cast<const T*>(xv);
    const T* dy = static_cast<const T*>(dyv);
    T* dx = static_cast<T*>(dxv);
    const ReductionGrid g = reductionGrid(s);
    float* partialG = scratch;
    float* partialGXhat = scratch + static_cast<int64_t>(g.splits) * s.channels;
    launchKernel(batchNormGeluBackwardSumsKernel<T>, g.blocks, g.threads, streamOf(s), x, dy,
                 s.rows, s.channels, g.rowsPerSplit, mean, invStd, weight, bias, partialG,
                 partialGXhat);
    launchKernel(batchNormGeluBackwardSumsFinalKernel, splitAddingBlocks(s.channels),
                 kSplitAddingThreads, streamOf(s), s.channels, g.splits, partialG, partialGXhat,
                 sumG, sumGXhat);
    const float invRows = 1.0f / static_cast<float>(s.rows);
    withVectorWidth<T>(s.channels, {xv, dyv, dxv, mean, invStd, weight, bias, sumG, sumGXhat}, true,
                       [&](auto width) {
                           constexpr int kVec = decltype(width)::value;
                           const int64_t packs = s.rows * s.channels / kVec;
                           launchKernel(batchNormGeluBackwardInputKernel<T, kVec>,
                                        gridStrideBlocks(packs, kElementwiseThreads),
                                        kElementwiseThreads, streamOf(s), x, dy, packs, s.channels,
                                        invRows, mean, invStd, weight, bias, sumG, sumGXhat,
                                        batchStatistics, dx);
                       });
    return lastLaunchError();
}

const char* unsupportedElement() {
    return "activations must be fp16 or fp32";
}

}  // namespace

int normGeluSplits(const NormGeluShape& shape) {
    return reductionGrid(shape).splits;
}

const char* launchNormStatistics(const NormGeluShape& s, const void* x, float* scratch, double eps,
                                 float* mean, float* invStd, float* runningMean, float* runningVar,
                                 double momentum) {
    if (s.rows == 0 || s.channels == 0) {
        return nullptr;
    }
    if (s.elementBytes == 2) {
        return statistics<__half>(s, x, scratch, eps, mean, invStd, runningMean, runningVar,
                                  momentum);
    }
    if (s.elementBytes == 4) {
        return statistics<float>(s, x, scratch, eps, mean, invStd, runningMean, runningVar,
                                 momentum);
    }
    return unsupportedElement();
}

const char* launchNormGeluForward(const NormGeluShape& s, const void* x, const float* mean,
                                  const float* invStd, const float* weight, const float* bias,
                                  void* y) {
    if (s.rows == 0 || s.channels == 0) {
        return nullptr;
    }
    if (s.elementBytes == 2) {
        return forward<__half>(s, x, mean, invStd, weight, bias, y);
    }
    if (s.elementBytes == 4) {
        return forward<float>(s, x, mean, invStd, weight, bias, y);
    }
    return unsupportedElement();
}

const char* launchNormGeluBackward(const NormGeluShape& s, const void* x, const void* dy,
                                   const float* mean, const float* invStd, const float* weight,
                                   const float* bias, float* scratch, float* sumG, float* sumGXhat,
                                   bool batchStatistics, void* dx) {
    if (s.rows == 0 || s.channels == 0) {
        return nullptr;
    }
    if (s.elementBytes == 2) {
        return backward<__half>(s, x, dy, mean, invStd, weight, bias, scratch, sumG, sumGXhat,
                                batchStatistics, dx);
    }
    if (s.elementBytes == 4) {
        return backward<float>(s, x, dy, mean, invStd, weight, bias, scratch, sumG, sumGXhat,
                               batchStatistics, dx);
    }
    return unsupportedElement();
}

}  // namespace airbench::cuda
