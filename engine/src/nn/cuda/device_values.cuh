#pragma once
// What the network's CUDA kernels share: fp16/fp32 loads and stores through float, and aligned
// packs of neighbouring elements moved as one 16-byte (or smaller) memory access.

#include <cuda_fp16.h>

#include <cstdint>

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

}  // namespace airbench::cuda
