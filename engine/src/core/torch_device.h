#pragma once
// The bridge between the engine's plain Device and LibTorch: devices, the dtype policy and the
// seeded generators every random draw comes from.

#include <airbench/device.h>

#include <ATen/ATen.h>

#include <cstdint>

namespace airbench {

c10::Device toTorchDevice(const Device& device);
Device fromTorchDevice(const c10::Device& device);

// The dtype policy: fp16 convolutions (BatchNorm in fp32) on CUDA, fp32 everywhere on CPU
// (LibTorch 1.13 has no fp16 kernels on CPU, and bf16 is slower there).
at::ScalarType computeDtype(const Device& device);
// channels_last on both: cuDNN's fp16 kernels want NHWC, and oneDNN is ~15% faster with it.
constexpr at::MemoryFormat kImageFormat = at::MemoryFormat::ChannelsLast;

// Independent random streams derived from one run seed, so that each consumer (the loader's
// epoch e, network initialisation, ...) draws the same numbers whatever the others do.
enum class RandomStream : uint64_t {
    LoaderEpoch = 1,
    NetworkInit = 2,
    ProxyInit = 3,
    WarmupLabels = 4,
    Folds = 5,
    MaskSampling = 6,
};
uint64_t deriveSeed(uint64_t seed, RandomStream stream, uint64_t index = 0);
at::Generator makeGenerator(const Device& device, uint64_t seed);

// Blocks until queued device work is done (no-op on CPU); used only around timings.
void synchronize(const Device& device);

}  // namespace airbench
