// Fashion-MNIST IDX files (big-endian headers), gzipped or not. zlib's gzread reads plain files
// transparently, so one code path serves both.

#include <airbench/error.h>

#include "data/readers.h"

#include <zlib.h>

#include <cstdio>
#include <memory>

namespace fs = std::filesystem;

namespace airbench::data {
namespace {

const std::vector<std::string> kFashionClasses = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                  "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                  "Bag",         "Ankle boot"};

std::string quoted(const fs::path& p) {
    return "'" + p.string() + "'";
}

// `stem` or `stem.gz`, whichever exists.
fs::path findIdx(const fs::path& folder, const std::string& stem) {
    std::error_code ec;
    for (const fs::path& p : {folder / (stem + ".gz"), folder / stem}) {
        if (fs::is_regular_file(p, ec)) {
            return p;
        }
    }
    throw DatasetError("Missing Fashion-MNIST file " + quoted(folder / (stem + ".gz")) + " (or " +
                       stem + " uncompressed)");
}

struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};

class IdxFile {
public:
    explicit IdxFile(fs::path path) : path_(std::move(path)) {
        file_.reset(gzopen(path_.c_str(), "rb"));
        if (!file_) {
            throw DatasetError("Could not open " + quoted(path_));
        }
    }

    // Reads the header; checks the magic (unsigned bytes, `dims` dimensions).
    std::vector<uint32_t> header(int dims) {
        const uint32_t magic = readBigEndian("the IDX magic number");
        const uint32_t expected = 0x0800u | static_cast<uint32_t>(dims);
        if (magic != expected) {
            char text[160];
            std::snprintf(text, sizeof text,
                          "IDX magic 0x%08x, expected 0x%08x (unsigned bytes, %d dimension%s)",
                          magic, expected, dims, dims == 1 ? "" : "s");
            throw DatasetError(quoted(path_) + ": " + text);
        }
        std::vector<uint32_t> sizes;
        for (int d = 0; d < dims; ++d) {
            sizes.push_back(readBigEndian("dimension " + std::to_string(d)));
        }
        return sizes;
    }

    std::vector<uint8_t> body(size_t bytes) {
        std::vector<uint8_t> data(bytes);
        size_t done = 0;
        while (done < bytes) {
            const unsigned chunk = static_cast<unsigned>(std::min<size_t>(bytes - done, 1u << 30));
            const int got = gzread(file_.get(), data.data() + done, chunk);
            if (got <= 0) {
                throw DatasetError(quoted(path_) + " is truncated: it ends after " +
                                   std::to_string(done) + " of " + std::to_string(bytes) +
                                   " data bytes");
            }
            done += static_cast<size_t>(got);
        }
        uint8_t extra;
        if (gzread(file_.get(), &extra, 1) > 0) {
            throw DatasetError(quoted(path_) + " holds more data than its header announces (" +
                               std::to_string(bytes) + " bytes)");
        }
        return data;
    }

    const fs::path& path() const { return path_; }

private:
    uint32_t readBigEndian(const std::string& what) {
        uint8_t b[4];
        if (gzread(file_.get(), b, 4) != 4) {
            throw DatasetError(quoted(path_) + " is truncated: it ends before " + what);
        }
        return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
    }

    fs::path path_;
    std::unique_ptr<gzFile_s, GzCloser> file_;
};

ImageSet readSplit(const fs::path& folder, const std::string& prefix) {
    IdxFile images(findIdx(folder, prefix + "-images-idx3-ubyte"));
    IdxFile labels(findIdx(folder, prefix + "-labels-idx1-ubyte"));
    const auto imageDims = images.header(3);
    const auto labelDims = labels.header(1);
    const uint32_t count = imageDims[0], rows = imageDims[1], cols = imageDims[2];
    if (rows == 0 || cols == 0 || rows > kImageSide || cols > kImageSide) {
        throw DatasetError(quoted(images.path()) + ": images are " + std::to_string(rows) + "x" +
                           std::to_string(cols) + "; expected at most 32x32 (28x28 for " +
                           "Fashion-MNIST)");
    }
    if (labelDims[0] != count) {
        throw DatasetError(quoted(labels.path()) + " holds " + std::to_string(labelDims[0]) +
                           " labels but " + quoted(images.path()) + " holds " +
                           std::to_string(count) + " images");
    }
    if (count == 0 || count > 10'000'000) {
        throw DatasetError(quoted(images.path()) + ": implausible image count " +
                           std::to_string(count));
    }
    const auto pixels = images.body(size_t(count) * rows * cols);
    const auto rawLabels = labels.body(count);

    ImageSet split;
    split.labels.resize(count);
    split.pixels.assign(size_t(count) * kImageBytes, 0);
    const uint32_t top = (kImageSide - rows) / 2, left = (kImageSide - cols) / 2;
    for (uint32_t i = 0; i < count; ++i) {
        if (rawLabels[i] >= kFashionClasses.size()) {
            throw DatasetError(quoted(labels.path()) + " record " + std::to_string(i) + ": label " +
                               std::to_string(rawLabels[i]) + " is outside 0..9");
        }
        split.labels[i] = rawLabels[i];
        // Zero-pad to 32x32 and replicate the grey channel into R, G and B.
        uint8_t* out = split.pixels.data() + size_t(i) * kImageBytes;
        const uint8_t* in = pixels.data() + size_t(i) * rows * cols;
        for (uint32_t y = 0; y < rows; ++y) {
            for (uint32_t x = 0; x < cols; ++x) {
                const uint8_t v = in[y * cols + x];
                const size_t offset = (top + y) * kImageSide + left + x;
                out[offset] = out[1024 + offset] = out[2048 + offset] = v;
            }
        }
    }
    return split;
}

}  // namespace

bool looksLikeIdxFolder(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path / "train-images-idx3-ubyte.gz", ec) ||
           fs::is_regular_file(path / "train-images-idx3-ubyte", ec);
}

Dataset readFashionMnist(const fs::path& path) {
    Dataset dataset;
    dataset.name = "Fashion-MNIST";
    dataset.format = DatasetFormat::FashionMnist;
    dataset.path = path.string();
    dataset.classNames = kFashionClasses;
    dataset.train = readSplit(path, "train");
    dataset.test = readSplit(path, "t10k");
    dataset.hash = computeDatasetHash(dataset.train, dataset.test);
    return dataset;
}

}  // namespace airbench::data
