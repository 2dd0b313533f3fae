#pragma once
// Format readers behind loadDataset(). Each returns a complete Dataset or throws DatasetError.

#include <airbench/dataset.h>

#include <filesystem>
#include <optional>

namespace airbench::data {

// The folder that holds the CIFAR-10 binary batches: `path` itself or its
// cifar-10-batches-bin/ child. nullopt when neither holds data_batch_1.bin.
std::optional<std::filesystem::path> findCifar10Folder(const std::filesystem::path& path);
Dataset readCifar10(const std::filesystem::path& path);

// True when `path` holds Fashion-MNIST's train-images-idx3-ubyte[.gz].
bool looksLikeIdxFolder(const std::filesystem::path& path);
Dataset readFashionMnist(const std::filesystem::path& path);

}  // namespace airbench::data
