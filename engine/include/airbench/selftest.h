#pragma once
// "Is my GPU set up right?": checks that the CUDA path computes what the CPU path computes on
// small inputs, each within a stated tolerance, and reports the software versions involved.
// Without CUDA it runs the CPU-only checks (formats and determinism) and says so.

#include <airbench/device.h>

#include <string>
#include <vector>

namespace airbench {

struct SelfTestCheck {
    std::string name;
    bool passed = false;
    double error = 0;  // the measured discrepancy (see detail for its unit)
    double tolerance = 0;
    std::string detail;
};

struct SelfTestReport {
    std::string device;       // describeDevice()
    std::string libtorch;     // version, with or without CUDA
    std::string cudaRuntime;  // "" without CUDA
    std::string driver;
    std::string cudnn;
    std::vector<SelfTestCheck> checks;
    bool passed() const;
};

SelfTestReport runSelfTest(Device device);

}  // namespace airbench
