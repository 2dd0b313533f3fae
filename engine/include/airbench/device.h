#pragma once
// Where the engine computes. CUDA is used when this LibTorch has it and a GPU is present.

#include <string>

namespace airbench {

enum class DeviceRequest { Auto, Cpu, Cuda };

struct Device {
    enum class Kind { Cpu, Cuda };
    Kind kind = Kind::Cpu;
    int index = 0;

    bool isCuda() const { return kind == Kind::Cuda; }
    bool operator==(const Device& o) const { return kind == o.kind && index == o.index; }
    bool operator!=(const Device& o) const { return !(*this == o); }
};

// Parses "auto", "cpu", "cuda"; throws airbench::Error otherwise.
DeviceRequest parseDeviceRequest(const std::string& text);
// Auto picks CUDA when available. Asking for CUDA without it throws airbench::Error.
Device resolveDevice(DeviceRequest request);
bool cudaAvailable();
// CUDA devices this process sees (0 without CUDA): one experiment worker each.
int cudaDeviceCount();
// "CPU (2 threads)" or "CUDA 0: NVIDIA H100 80GB HBM3".
std::string describeDevice(const Device& device);
std::string deviceName(const Device& device);  // "cpu" or "cuda:0"

// LibTorch's version string and whether it was built with CUDA.
std::string libtorchVersion();
bool libtorchHasCuda();
// Whether this build has the network's own CUDA kernels (TrainOptions::fusedNormActivation and
// compactPooling): a CUDA LibTorch and nvcc at build time.
bool networkKernelsAvailable();

// Intra-op CPU threads for LibTorch (it starts with one on Debian) on the calling thread and
// the threads it starts (OpenMP keeps the count per thread). 0: $OMP_NUM_THREADS when set, else
// every core. Returns the count in use.
int setCpuThreads(int threads);

}  // namespace airbench
