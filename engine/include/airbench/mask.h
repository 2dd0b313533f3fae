#pragma once
// Data masks: named subsets of a training set (keep[i] != 0 keeps example i), built from scores,
// random draws, classes, a selection or a file, combined with set operations, and saved in a
// small file that remembers which dataset it belongs to.
//
// File format (JSON, UTF-8), version 1:
//   {"format": "airbench-mask", "version": 1, "name": "...", "dataset_hash": "<sha256 hex>",
//    "size": N, "kept": K, "bits": "<base64 of ceil(N/8) bytes, example i = bit i%8 of byte i/8>",
//    "sha256": "<sha256 hex of those bytes>", "description": "..."}
// A file whose size, kept count or checksum disagree with its bits is refused, never half-loaded.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace airbench {

class Mask {
public:
    Mask() = default;
    Mask(std::string name, std::vector<uint8_t> keep, std::string datasetHash = {});
    static Mask all(int64_t size, std::string datasetHash = {});

    const std::string& name() const { return name_; }
    void setName(std::string name) { name_ = std::move(name); }
    const std::string& description() const { return description_; }
    void setDescription(std::string text) { description_ = std::move(text); }
    const std::string& datasetHash() const { return datasetHash_; }
    void setDatasetHash(std::string hash) { datasetHash_ = std::move(hash); }

    int64_t size() const { return static_cast<int64_t>(keep_.size()); }
    int64_t count() const;  // examples kept
    bool contains(int64_t i) const { return keep_[static_cast<size_t>(i)] != 0; }
    const std::vector<uint8_t>& keep() const { return keep_; }
    std::vector<int64_t> indices() const;
    std::vector<int64_t> classCounts(const std::vector<int64_t>& labels, int classes) const;
    // Hex SHA-256 of the packed bits: identifies the subset a run trained on.
    std::string hash() const;

    // Set operations; both masks must have the same size (throws Error otherwise).
    Mask unite(const Mask& other) const;
    Mask intersect(const Mask& other) const;
    Mask subtract(const Mask& other) const;
    Mask complement() const;

    void save(const std::string& path) const;
    // Throws Error naming the file for anything malformed; with a non-empty expected hash, a
    // mask made for another dataset is refused.
    static Mask load(const std::string& path, const std::string& expectedDatasetHash = {},
                     int64_t expectedSize = -1);

private:
    std::string name_, description_, datasetHash_;
    std::vector<uint8_t> keep_;
};

// The lowest (or highest) `fraction` of examples by `scores`, ties broken by index; NaN scores
// are never selected. Exactly round(fraction * size) examples (fewer if NaNs run out).
Mask maskFromQuantile(const std::vector<float>& scores, double fraction, bool lowest,
                      const std::string& name = {});
// A uniformly random subset of exactly round(fraction * size) examples (seeded).
Mask maskRandom(int64_t size, double fraction, uint64_t seed, const std::string& name = {});
// A random subset with the same number of examples of each class as `reference` (seeded).
Mask maskRandomLike(const Mask& reference, const std::vector<int64_t>& labels, uint64_t seed,
                    const std::string& name = {});
Mask maskFromClasses(const std::vector<int64_t>& labels, const std::set<int64_t>& classes,
                     const std::string& name = {});
Mask maskFromIndices(int64_t size, const std::vector<int64_t>& indices,
                     const std::string& name = {});
// A seeded balanced split of `size` examples into `folds` held-out folds: mask k holds the
// examples of fold k (the folds are disjoint and cover every example).
std::vector<Mask> maskFolds(int64_t size, int folds, uint64_t seed);
// A text file of example indices, one per line ('#' comments allowed).
Mask maskFromIndexFile(const std::string& path, int64_t size);

}  // namespace airbench
