// CIFAR-10 binary layout: records of 1 label byte + 1024 R + 1024 G + 1024 B bytes.

#include <airbench/error.h>

#include "data/readers.h"

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace airbench::data {
namespace {

constexpr int64_t kRecordBytes = 1 + kImageBytes;  // 3073
constexpr int64_t kOfficialRecords = 10000;

std::string quoted(const fs::path& p) {
    return "'" + p.string() + "'";
}

std::vector<std::string> readClassNames(const fs::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw DatasetError("Missing CIFAR-10 class names file " + quoted(file) +
                           " (batches.meta.txt: one class name per line)");
    }
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
            line.pop_back();
        }
        if (!line.empty()) {
            names.push_back(line);
        }
    }
    if (names.size() < 2 || names.size() > 256) {
        throw DatasetError(quoted(file) + " lists " + std::to_string(names.size()) +
                           " class names; expected between 2 and 256 (10 for CIFAR-10)");
    }
    return names;
}

// Appends the records of one batch file to `split`, checking size and labels.
void readBatchFile(const fs::path& file, int numClasses, ImageSet& split) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        throw DatasetError("Missing CIFAR-10 batch file " + quoted(file));
    }
    const auto bytes = static_cast<int64_t>(fs::file_size(file, ec));
    if (ec || bytes == 0 || bytes % kRecordBytes != 0) {
        std::ostringstream msg;
        msg << quoted(file) << " has " << (ec ? 0 : bytes) << " bytes; expected a non-zero "
            << "multiple of " << kRecordBytes << " (1 label byte + 3072 pixel bytes per record; "
            << kOfficialRecords * kRecordBytes << " for an official 10,000-record batch)";
        throw DatasetError(msg.str());
    }
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> raw(static_cast<size_t>(bytes));
    if (!in.read(reinterpret_cast<char*>(raw.data()), bytes)) {
        throw DatasetError("Could not read " + quoted(file));
    }
    const int64_t records = bytes / kRecordBytes;
    const size_t first = split.pixels.size();
    split.pixels.resize(first + static_cast<size_t>(records * kImageBytes));
    split.labels.reserve(split.labels.size() + static_cast<size_t>(records));
    for (int64_t r = 0; r < records; ++r) {
        const uint8_t* record = raw.data() + r * kRecordBytes;
        if (record[0] >= numClasses) {
            throw DatasetError(quoted(file) + " record " + std::to_string(r) + ": label " +
                               std::to_string(record[0]) + " is outside 0.." +
                               std::to_string(numClasses - 1));
        }
        split.labels.push_back(record[0]);
        std::copy(record + 1, record + kRecordBytes,
                  split.pixels.begin() + static_cast<std::ptrdiff_t>(first + r * kImageBytes));
    }
}

}  // namespace

std::optional<fs::path> findCifar10Folder(const fs::path& path) {
    std::error_code ec;
    for (const fs::path& candidate : {path, path / "cifar-10-batches-bin"}) {
        if (fs::is_regular_file(candidate / "data_batch_1.bin", ec)) {
            return candidate;
        }
    }
    return std::nullopt;
}

Dataset readCifar10(const fs::path& path) {
    std::error_code ec;
    const auto folder = findCifar10Folder(path);
    if (!folder) {
        if (fs::exists(path / "data_batch_1", ec) || fs::exists(path / "cifar-10-batches-py", ec)) {
            throw DatasetError(quoted(path) +
                               " holds the Python (pickle) CIFAR-10 layout; the workbench reads "
                               "the binary layout (cifar-10-binary.tar.gz, data_batch_1.bin ...)");
        }
        throw DatasetError("Missing CIFAR-10 batch file " + quoted(path / "data_batch_1.bin") +
                           " (give the folder holding data_batch_1.bin ... data_batch_5.bin and "
                           "test_batch.bin, or its parent)");
    }
    Dataset dataset;
    dataset.name = "CIFAR-10";
    dataset.format = DatasetFormat::Cifar10;
    dataset.path = folder->string();
    dataset.classNames = readClassNames(*folder / "batches.meta.txt");
    const int numClasses = dataset.numClasses();

    // data_batch_1.bin ... data_batch_N.bin must be contiguous; a gap is a missing file.
    int last = 0;
    for (const auto& entry : fs::directory_iterator(*folder, ec)) {
        const std::string name = entry.path().filename().string();
        const std::string prefix = "data_batch_", suffix = ".bin";
        if (name.size() > prefix.size() + suffix.size() && name.rfind(prefix, 0) == 0 &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            const std::string digits =
                name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
            if (digits.find_first_not_of("0123456789") == std::string::npos && digits.size() < 4) {
                last = std::max(last, std::stoi(digits));
            }
        }
    }
    for (int k = 1; k <= std::max(last, 1); ++k) {
        readBatchFile(*folder / ("data_batch_" + std::to_string(k) + ".bin"), numClasses,
                      dataset.train);
    }
    readBatchFile(*folder / "test_batch.bin", numClasses, dataset.test);
    dataset.hash = computeDatasetHash(dataset.train, dataset.test);
    return dataset;
}

}  // namespace airbench::data
