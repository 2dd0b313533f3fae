// The fused augmentation kernel (engine/src/data/cuda/fused_augment.cu), compiled by the host
// compiler for the CPU emulation of CUDA: the same source that nvcc builds for the GPU.

// The emulation first: it defines what CUDA's headers and the kernels then use.
// clang-format off
#include "support/cuda_emulation/emulation.h"
#include "data/cuda/fused_augment.cu"
// clang-format on
