#pragma once
// Every kernel launch of the engine goes through launchKernel rather than `<<<...>>>`, so that the
// kernels' own code can also run on a CPU: the test suite's CUDA emulation
// (tests/support/cuda_emulation) defines AIRBENCH_CUDA_EMULATION and its own launchKernel, which
// runs the kernel's threads on the CPU with the same grid, block, barriers and warp shuffles.

namespace airbench::cuda {

// The argument as the kernel's parameter type, by copy-initialisation: the implicit conversions
// that a `<<<...>>>` launch allows and no others (a cast would also turn a void* into a T*).
// Both launchKernels pass their arguments through it.
template <typename Parameter>
Parameter kernelArgument(Parameter value) {
    return value;
}

}  // namespace airbench::cuda

#ifndef AIRBENCH_CUDA_EMULATION

#include <cuda_runtime.h>

namespace airbench::cuda {

// kernel<<<blocks, threads, 0, stream>>>(args...). No dynamic shared memory: none of the kernels
// uses it.
template <typename... Params, typename... Args>
void launchKernel(void (*kernel)(Params...), dim3 blocks, dim3 threads, cudaStream_t stream,
                  Args... args) {
    kernel<<<blocks, threads, 0, stream>>>(kernelArgument<Params>(args)...);
}

}  // namespace airbench::cuda

#endif
