#pragma once
// The fused BatchNorm + GELU kernels (CUDA). Plain C++ declarations (no CUDA or LibTorch headers)
// so that the .cu file compiles without LibTorch; nn/batch_norm_gelu.cpp is the bridge.
//
// A channels_last activation (N, C, H, W) is a row-major (rows = N*H*W, C) matrix. Activations
// are fp16 or fp32; statistics, parameters and gradients of parameters are fp32. Every launch
// goes to `stream` and none synchronises, so the kernels can be captured in a CUDA graph.

#include <cstdint>

namespace airbench::cuda {

struct NormGeluShape {
    int64_t rows = 0;
    int channels = 0;
    int elementBytes = 2;  // of x, dy, y and dx: 2 (fp16) or 4 (fp32)
    void* stream = nullptr;
};

// The per-channel reductions split the rows among this many thread blocks per channel tile;
// their partial sums need 2 * splits * channels floats of scratch.
int normGeluSplits(const NormGeluShape& shape);

// Training statistics of x: mean and 1 / sqrt(var + eps) with the biased variance. When
// runningMean is set, the running statistics move towards the batch's as PyTorch's BatchNorm
// moves them (new = (1 - momentum) * old + momentum * batch, unbiased variance).
// Returns the CUDA error string, or nullptr on success (as every launcher here).
const char* launchNormStatistics(const NormGeluShape& shape, const void* x, float* scratch,
                                 double eps, float* mean, float* invStd, float* runningMean,
                                 float* runningVar, double momentum);

// y = gelu((x - mean) * invStd * weight + bias), exact (erf) GELU.
const char* launchNormGeluForward(const NormGeluShape& shape, const void* x, const float* mean,
                                  const float* invStd, const float* weight, const float* bias,
                                  void* y);

// The backward pass from dy = dL/dy. With g = dy * gelu'(z) and xhat = (x - mean) * invStd:
// sumG = sum(g) and sumGXhat = sum(g * xhat) per channel (the bias's and the weight's
// gradients), then dx = weight * invStd * (g - sumG / rows - xhat * sumGXhat / rows) when the
// statistics were the batch's (training), or weight * invStd * g when they were fixed.
const char* launchNormGeluBackward(const NormGeluShape& shape, const void* x, const void* dy,
                                   const float* mean, const float* invStd, const float* weight,
                                   const float* bias, float* scratch, float* sumG, float* sumGXhat,
                                   bool batchStatistics, void* dx);

}  // namespace airbench::cuda
