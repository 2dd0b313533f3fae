#include "core/torch_device.h"

#include <airbench/error.h>

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#ifdef AIRBENCH_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <cuda_runtime_api.h>
#endif

#include <cstdlib>
#include <thread>

namespace airbench {

c10::Device toTorchDevice(const Device& device) {
    if (device.isCuda()) {
        return c10::Device(c10::DeviceType::CUDA, static_cast<c10::DeviceIndex>(device.index));
    }
    return c10::Device(c10::DeviceType::CPU);
}

Device fromTorchDevice(const c10::Device& device) {
    if (device.is_cuda()) {
        return {Device::Kind::Cuda, device.has_index() ? device.index() : 0};
    }
    return {};
}

at::ScalarType computeDtype(const Device& device) {
    return device.isCuda() ? at::kHalf : at::kFloat;
}

uint64_t deriveSeed(uint64_t seed, RandomStream stream, uint64_t index) {
    // splitmix64 over (seed, stream, index): nearby inputs give unrelated outputs.
    auto mix = [](uint64_t z) {
        z += 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    };
    return mix(mix(mix(seed) ^ static_cast<uint64_t>(stream)) ^ index);
}

at::Generator makeGenerator(const Device& device, uint64_t seed) {
    at::Generator generator = at::globalContext().defaultGenerator(toTorchDevice(device)).clone();
    generator.set_current_seed(seed);
    return generator;
}

void synchronize(const Device& device) {
    if (device.isCuda()) {
        torch::cuda::synchronize(static_cast<int64_t>(device.index));
    }
}

bool cudaAvailable() {
    return torch::cuda::is_available();
}

int cudaDeviceCount() {
    return cudaAvailable() ? static_cast<int>(torch::cuda::device_count()) : 0;
}

DeviceRequest parseDeviceRequest(const std::string& text) {
    if (text == "auto" || text.empty()) {
        return DeviceRequest::Auto;
    }
    if (text == "cpu") {
        return DeviceRequest::Cpu;
    }
    if (text == "cuda" || text == "gpu") {
        return DeviceRequest::Cuda;
    }
    throw Error("unknown device '" + text + "' (expected auto, cpu or cuda)");
}

Device resolveDevice(DeviceRequest request) {
    switch (request) {
        case DeviceRequest::Cpu:
            return {};
        case DeviceRequest::Cuda:
            if (!cudaAvailable()) {
                throw Error(libtorchHasCuda() ? "CUDA was requested but no CUDA device is available"
                                              : "CUDA was requested but this build's LibTorch (" +
                                                    libtorchVersion() + ") has no CUDA support");
            }
            return {Device::Kind::Cuda, 0};
        case DeviceRequest::Auto:
            break;
    }
    return cudaAvailable() ? Device{Device::Kind::Cuda, 0} : Device{};
}

std::string deviceName(const Device& device) {
    return device.isCuda() ? "cuda:" + std::to_string(device.index) : "cpu";
}

std::string describeDevice(const Device& device) {
    if (!device.isCuda()) {
        const int threads = at::get_num_threads();
        return "CPU (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
    }
#ifdef AIRBENCH_WITH_CUDA
    const cudaDeviceProp* props = at::cuda::getDeviceProperties(device.index);
    return "CUDA " + std::to_string(device.index) + ": " + props->name;
#else
    return "CUDA " + std::to_string(device.index);
#endif
}

std::string libtorchVersion() {
    return TORCH_VERSION;
}

bool libtorchHasCuda() {
#ifdef AIRBENCH_WITH_CUDA
    return true;
#else
    return false;
#endif
}

bool networkKernelsAvailable() {
#ifdef AIRBENCH_WITH_CUDA_KERNELS
    return true;
#else
    return false;
#endif
}

int setCpuThreads(int threads) {
    if (threads <= 0) {
        // The Unix convention first: a process told how many threads to use keeps to it (the
        // test suite runs two tests at once with one thread each).
        const char* fromEnvironment = std::getenv("OMP_NUM_THREADS");
        threads = fromEnvironment ? std::atoi(fromEnvironment) : 0;
    }
    if (threads <= 0) {
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
    at::set_num_threads(threads);
    return at::get_num_threads();
}

}  // namespace airbench
