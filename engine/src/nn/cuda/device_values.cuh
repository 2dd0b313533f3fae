#pragma once
// What the network's CUDA kernels share: fp16/fp32 loads and stores through float, and aligned
// packs of neighbouring elements moved as one 16-byte (or smaller) memory access.

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <initializer_list>
#include <type_traits>

namespace airbench::cuda {

__device__ __forceinline__ float toFloat(__half v) {
    return __half2float(v);
}
__device__ __forceinline__ float toFloat(float v) {
    return v;
}
template <typename T>
__device__ __forceinline__ T fromFloat(float v);
template <>
__device__ __forceinline__ __half fromFloat<__half>(float v) {
    return __float2half_rn(v);
}
template <>
__device__ __forceinline__ float fromFloat<float>(float v) {
    return v;
}

// kVec neighbouring elements moved as one aligned load or store.
template <typename T, int kVec>
struct alignas(sizeof(T) * kVec) Pack {
    T v[kVec];
};

// Elements per 16-byte access.
template <typename T>
constexpr int kWidePack = static_cast<int>(16 / sizeof(T));

inline bool aligned(const void* p, int bytes) {
    return reinterpret_cast<uintptr_t>(p) % static_cast<uintptr_t>(bytes) == 0;
}

// Calls launch(std::integral_constant<int, kVec>{}) with kVec = kWidePack<T> when every row of
// `channels` holds whole packs, every pointer is 16-byte aligned and `alsoWide` holds; else with
// kVec = 1 (one element per thread).
template <typename T, class Launch>
void withVectorWidth(int channels, std::initializer_list<const void*> pointers, bool alsoWide,
                     Launch&& launch) {
    constexpr int kWide = kWidePack<T>;
    bool wide = alsoWide && channels % kWide == 0;
    for (const void* p : pointers) {
        wide = wide && aligned(p, 16);
    }
    if (wide) {
        launch(std::integral_constant<int, kWide>{});
    } else {
        launch(std::integral_constant<int, 1>{});
    }
}

// Blocks of `threads` for a grid-stride loop over `items`: one item per thread up to a cap,
// beyond which the loops cover the rest.
inline unsigned gridStrideBlocks(int64_t items, int threads) {
    const int64_t blocks = (items + threads - 1) / threads;
    constexpr int64_t kMaxBlocks = int64_t{1} << 20;
    return static_cast<unsigned>(blocks < kMaxBlocks ? (blocks > 0 ? blocks : 1) : kMaxBlocks);
}

// The launches' error string, or nullptr when they succeeded.
inline const char* lastLaunchError() {
    const cudaError_t e = cudaGetLastError();
    return e == cudaSuccess ? nullptr : cudaGetErrorString(e);
}

}  // namespace airbench::cuda
