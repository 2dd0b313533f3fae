#include "support/test_data.h"

#include <airbench/device.h>

#include <cstdlib>
#include <filesystem>

namespace airbench::test {
namespace {

std::string fromEnvOr(const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

}  // namespace

std::string whereCifarWasSought() {
    return (std::filesystem::path(fromEnvOr("AIRBENCH_DATA_DIR", AIRBENCH_TEST_DATA_DIR)) /
            "cifar10")
        .string();
}

std::string whereFashionWasSought() {
    return fromEnvOr("AIRBENCH_FASHION_MNIST_DIR", AIRBENCH_TEST_FASHION_DIR);
}

std::string cifarDir() {
    const std::string dir = whereCifarWasSought();
    return detectDatasetFormat(dir) == DatasetFormat::Cifar10 ? dir : "";
}

std::string fashionDir() {
    const std::string dir = whereFashionWasSought();
    return detectDatasetFormat(dir) == DatasetFormat::FashionMnist ? dir : "";
}

std::shared_ptr<const Dataset> cifarShared() {
    static const auto dataset =
        std::make_shared<const Dataset>(loadDataset(cifarDir(), DatasetFormat::Cifar10));
    return dataset;
}

const Dataset& cifar() {
    return *cifarShared();
}

const Dataset& fashion() {
    static const Dataset dataset = loadDataset(fashionDir(), DatasetFormat::FashionMnist);
    return dataset;
}

void useOneThread() {
    setCpuThreads(1);
}

}  // namespace airbench::test
