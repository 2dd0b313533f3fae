#pragma once
// A CPU emulation of the part of CUDA that the engine's kernels use, so that the CPU test suite
// runs the kernels' own source (compiled by the host compiler) and checks what they compute,
// their indexing and their synchronisation, on machines without a GPU.
//
// Include this before a .cu file. A launch runs the grid's blocks one after another; inside a
// block every thread is a fiber (ucontext) that runs until it waits at __syncthreads() or at a
// warp shuffle, so no thread passes a barrier or a shuffle before every thread concerned has
// reached it, as on the GPU. Between barriers the threads run one at a time, in ascending order
// in some blocks and descending in others: a missing barrier shows as wrong results in some
// block, but other interleavings (and the GPU's memory model) are not tried. The emulation is
// strict where the hardware is undefined: a __syncthreads() that some threads of the block never
// reach, a full-mask shuffle with lanes that have exited or in a partial warp, a shuffle width
// that is not a power of two up to 32, and threads waiting at different barriers (deadlock) fail
// the launch. A failed launch stops and sets the error that cudaGetLastError() returns (and
// clears, as CUDA's does); until then later launches keep it, and its reason stays in
// cuda_emulation::lastFailure().
//
// "Device" pointers are host pointers. __shared__ variables become static: blocks never run at
// the same time, so one copy serves every block, but a value left by the previous block stays
// (the hardware leaves shared memory undefined instead).

#define AIRBENCH_CUDA_EMULATION 1

// CUDA's headers keep these definitions when they find them already made.
#define __shared__ static
// The kernels' host code reports launch errors through these; here they report the emulation's.
#define cudaGetLastError cudaEmulationGetLastError
#define cudaGetErrorString cudaEmulationGetErrorString

#include <cuda_fp16.h>
#include <cuda_runtime.h>
// nvcc gives kernels CUDA's math functions (erff, expf, sqrt, isnan, ...) in the global namespace
// without an include; libstdc++'s <math.h> puts the host's there.
#include <math.h>

#include <cstddef>
#include <cstring>
#include <functional>
#include <string>

namespace cuda_emulation {

struct Coordinates {
    uint3 threadIdx{0, 0, 0};
    uint3 blockIdx{0, 0, 0};
    dim3 blockDim, gridDim;
};

// The running thread's coordinates; fails the test process if called outside a kernel.
const Coordinates& coordinates();

// Runs body as every thread of the grid. Launch errors (an invalid configuration, a failure
// inside the kernel) are reported by cudaGetLastError().
void launch(dim3 blocks, dim3 threads, const std::function<void()>& body);

// Why the last launch failed, or "" when it did not.
const std::string& lastFailure();

// The running thread waits until every thread of its block has arrived.
void syncThreads();

// The running thread publishes `bytes` of its value to its warp and, once all 32 lanes have
// published, copies lane `sourceLane`'s value into `out`. `mask` must name the whole warp.
void exchangeInWarp(unsigned mask, const void* mine, void* out, unsigned sourceLane,
                    std::size_t bytes);

// The running thread's lane (0-31) within its warp.
unsigned lane();

}  // namespace cuda_emulation

extern "C" cudaError_t cudaEmulationGetLastError(void);
extern "C" const char* cudaEmulationGetErrorString(cudaError_t error);

#define threadIdx (::cuda_emulation::coordinates().threadIdx)
#define blockIdx (::cuda_emulation::coordinates().blockIdx)
#define blockDim (::cuda_emulation::coordinates().blockDim)
#define gridDim (::cuda_emulation::coordinates().gridDim)

inline void __syncthreads() {
    ::cuda_emulation::syncThreads();
}

// Lane i receives lane i + delta's value, or its own where i + delta leaves its width-lane segment.
template <typename T>
T __shfl_down_sync(unsigned mask, T value, unsigned delta, int width = 32) {
    static_assert(sizeof(T) <= 8, "the emulation shuffles values of up to 8 bytes");
    const unsigned lane = ::cuda_emulation::lane();
    const unsigned segment = static_cast<unsigned>(width);
    const bool validWidth = width >= 1 && width <= 32 && (segment & (segment - 1)) == 0;
    const unsigned source = !validWidth                          ? 32  // refused by the exchange
                            : (lane % segment) + delta < segment ? lane + delta
                                                                 : lane;
    T received;
    ::cuda_emulation::exchangeInWarp(mask, &value, &received, source, sizeof(T));
    return received;
}

#include "core/cuda/kernel_launch.cuh"  // kernelArgument only: AIRBENCH_CUDA_EMULATION is set

namespace airbench::cuda {

// The emulation's counterpart of engine/src/core/cuda/kernel_launch.cuh.
template <typename... Params, typename... Args>
void launchKernel(void (*kernel)(Params...), dim3 blocks, dim3 threads, cudaStream_t,
                  Args... args) {
    ::cuda_emulation::launch(blocks, threads, [&] { kernel(kernelArgument<Params>(args)...); });
}

}  // namespace airbench::cuda
