#pragma once
// A trained network as a handle the GUI can hold without LibTorch headers.

#include <airbench/device.h>
#include <airbench/recipe.h>

#include <cstdint>
#include <memory>
#include <string>

namespace airbench {

struct ModelInfo {
    std::string recipe;
    NetworkSpec network;
    std::string datasetHash;
    uint64_t seed = 0;
};

class Model {
public:
    Model();
    bool valid() const { return impl_ != nullptr; }
    const ModelInfo& info() const;
    Device device() const;
    int64_t parameterCount() const;  // every parameter tensor, frozen ones included

    // torch::save with the recipe name, widths and dataset hash; load rebuilds the network.
    void save(const std::string& path) const;
    static Model load(const std::string& path, Device device);

    struct Impl;
    explicit Model(std::shared_ptr<Impl> impl);
    Impl& impl() const { return *impl_; }

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace airbench
