#include <airbench/error.h>
#include <airbench/mask.h>

#include <airbench/sha256.h>
#include "util/base64.h"
#include "util/random.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <sstream>

namespace airbench {
namespace {

constexpr const char* kFormat = "airbench-mask";
constexpr int kVersion = 1;

std::vector<uint8_t> packBits(const std::vector<uint8_t>& keep) {
    std::vector<uint8_t> bytes((keep.size() + 7) / 8, 0);
    for (size_t i = 0; i < keep.size(); ++i) {
        if (keep[i])
            bytes[i / 8] |= uint8_t(1u << (i % 8));
    }
    return bytes;
}

void requireSameSize(const Mask& a, const Mask& b) {
    if (a.size() != b.size()) {
        throw Error("cannot combine mask '" + a.name() + "' (" + std::to_string(a.size()) +
                    " examples) with '" + b.name() + "' (" + std::to_string(b.size()) + ")");
    }
}

template <typename Op>
Mask combine(const Mask& a, const Mask& b, Op op, const std::string& name) {
    requireSameSize(a, b);
    std::vector<uint8_t> keep(a.keep().size());
    for (size_t i = 0; i < keep.size(); ++i) {
        keep[i] = op(a.keep()[i] != 0, b.keep()[i] != 0) ? 1 : 0;
    }
    return Mask(name, std::move(keep), a.datasetHash());
}

int64_t roundedCount(double fraction, int64_t size) {
    if (!(fraction >= 0 && fraction <= 1)) {
        throw Error("fraction must be in [0, 1], got " + std::to_string(fraction));
    }
    return static_cast<int64_t>(std::llround(fraction * double(size)));
}

}  // namespace

Mask::Mask(std::string name, std::vector<uint8_t> keep, std::string datasetHash)
    : name_(std::move(name)), datasetHash_(std::move(datasetHash)), keep_(std::move(keep)) {
    for (auto& k : keep_)
        k = k ? 1 : 0;
}

Mask Mask::all(int64_t size, std::string datasetHash) {
    return Mask("all", std::vector<uint8_t>(static_cast<size_t>(size), 1), std::move(datasetHash));
}

int64_t Mask::count() const {
    return std::count(keep_.begin(), keep_.end(), uint8_t(1));
}

std::vector<int64_t> Mask::indices() const {
    std::vector<int64_t> out;
    out.reserve(static_cast<size_t>(count()));
    for (size_t i = 0; i < keep_.size(); ++i) {
        if (keep_[i])
            out.push_back(static_cast<int64_t>(i));
    }
    return out;
}

std::vector<int64_t> Mask::classCounts(const std::vector<int64_t>& labels, int classes) const {
    if (labels.size() != keep_.size()) {
        throw Error("mask '" + name_ + "' has " + std::to_string(keep_.size()) + " entries for " +
                    std::to_string(labels.size()) + " labels");
    }
    std::vector<int64_t> counts(static_cast<size_t>(classes), 0);
    for (size_t i = 0; i < keep_.size(); ++i) {
        if (keep_[i] && labels[i] >= 0 && labels[i] < classes)
            ++counts[static_cast<size_t>(labels[i])];
    }
    return counts;
}

std::string Mask::hash() const {
    const auto bytes = packBits(keep_);
    return sha256Hex(bytes.data(), bytes.size());
}

Mask Mask::unite(const Mask& o) const {
    return combine(
        *this, o, [](bool a, bool b) { return a || b; }, name_ + " | " + o.name_);
}
Mask Mask::intersect(const Mask& o) const {
    return combine(
        *this, o, [](bool a, bool b) { return a && b; }, name_ + " & " + o.name_);
}
Mask Mask::subtract(const Mask& o) const {
    return combine(
        *this, o, [](bool a, bool b) { return a && !b; }, name_ + " - " + o.name_);
}
Mask Mask::complement() const {
    std::vector<uint8_t> keep(keep_.size());
    for (size_t i = 0; i < keep.size(); ++i)
        keep[i] = keep_[i] ? 0 : 1;
    return Mask("not " + name_, std::move(keep), datasetHash_);
}

void Mask::save(const std::string& path) const {
    const auto bytes = packBits(keep_);
    nlohmann::json j = {{"format", kFormat},
                        {"version", kVersion},
                        {"name", name_},
                        {"description", description_},
                        {"dataset_hash", datasetHash_},
                        {"size", size()},
                        {"kept", count()},
                        {"bits", base64Encode(bytes)},
                        {"sha256", sha256Hex(bytes.data(), bytes.size())}};
    const std::string temporary = path + ".partial";
    {
        std::ofstream out(temporary);
        out << j.dump(2) << '\n';
        if (!out) {
            std::remove(temporary.c_str());
            throw Error("cannot write the mask file '" + path + "'");
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw Error("cannot write the mask file '" + path + "'");
    }
}

Mask Mask::load(const std::string& path, const std::string& expectedHash, int64_t expectedSize) {
    std::ifstream in(path);
    if (!in) {
        throw Error("cannot open the mask file '" + path + "'");
    }
    const std::string where = "mask file '" + path + "'";
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception&) {
        throw Error(where + " is not valid JSON (corrupted or not a mask)");
    }
    auto field = [&](const char* key) -> const nlohmann::json& {
        if (!j.is_object() || !j.contains(key)) {
            throw Error(where + " lacks the field \"" + key + "\"");
        }
        return j.at(key);
    };
    try {
        if (field("format").get<std::string>() != kFormat) {
            throw Error(where + " is not an airbench mask (format \"" +
                        field("format").get<std::string>() + "\")");
        }
        if (field("version").get<int>() != kVersion) {
            throw Error(where + " has version " + std::to_string(field("version").get<int>()) +
                        "; this workbench reads version " + std::to_string(kVersion));
        }
        const int64_t size = field("size").get<int64_t>();
        const int64_t kept = field("kept").get<int64_t>();
        const std::string datasetHash = field("dataset_hash").get<std::string>();
        const auto bytes = base64Decode(field("bits").get<std::string>());
        if (!bytes || size < 0 || bytes->size() != static_cast<size_t>((size + 7) / 8)) {
            throw Error(where + " is corrupted: its bits do not hold " + std::to_string(size) +
                        " entries");
        }
        if (sha256Hex(bytes->data(), bytes->size()) != field("sha256").get<std::string>()) {
            throw Error(where + " is corrupted: its checksum does not match its bits");
        }
        std::vector<uint8_t> keep(static_cast<size_t>(size));
        for (size_t i = 0; i < keep.size(); ++i)
            keep[i] = ((*bytes)[i / 8] >> (i % 8)) & 1;
        Mask mask(field("name").get<std::string>(), std::move(keep), datasetHash);
        if (j.contains("description") && j["description"].is_string()) {
            mask.setDescription(j["description"].get<std::string>());
        }
        if (mask.count() != kept) {
            throw Error(where + " is corrupted: it says " + std::to_string(kept) +
                        " examples are kept but its bits keep " + std::to_string(mask.count()));
        }
        if ((!expectedHash.empty() && !datasetHash.empty() && datasetHash != expectedHash) ||
            (expectedSize >= 0 && size != expectedSize)) {
            throw Error("mask '" + mask.name() + "' (" + where +
                        ") was made for another dataset (" + datasetHash.substr(0, 12) + ", " +
                        std::to_string(size) + " examples); the dataset in use is " +
                        expectedHash.substr(0, 12) + " (" + std::to_string(expectedSize) +
                        " examples)");
        }
        return mask;
    } catch (const nlohmann::json::exception&) {
        throw Error(where + " has a field of the wrong type (corrupted or not a mask)");
    }
}

Mask maskFromQuantile(const std::vector<float>& scores, double fraction, bool lowest,
                      const std::string& name) {
    const int64_t size = static_cast<int64_t>(scores.size());
    const int64_t wanted = roundedCount(fraction, size);
    std::vector<int64_t> order;
    order.reserve(scores.size());
    for (int64_t i = 0; i < size; ++i) {
        if (std::isfinite(scores[static_cast<size_t>(i)]))
            order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        const float sa = scores[static_cast<size_t>(a)], sb = scores[static_cast<size_t>(b)];
        return lowest ? sa < sb : sa > sb;
    });
    std::vector<uint8_t> keep(scores.size(), 0);
    for (int64_t k = 0; k < std::min<int64_t>(wanted, order.size()); ++k) {
        keep[static_cast<size_t>(order[static_cast<size_t>(k)])] = 1;
    }
    std::ostringstream defaultName;
    defaultName << (lowest ? "lowest " : "highest ") << std::llround(fraction * 100) << "%";
    return Mask(name.empty() ? defaultName.str() : name, std::move(keep));
}

Mask maskRandom(int64_t size, double fraction, uint64_t seed, const std::string& name) {
    HostRandom rng(seed);
    std::vector<uint8_t> keep(static_cast<size_t>(size), 0);
    std::vector<int64_t> all(static_cast<size_t>(size));
    std::iota(all.begin(), all.end(), 0);
    for (int64_t i : rng.sample(std::move(all), roundedCount(fraction, size))) {
        keep[static_cast<size_t>(i)] = 1;
    }
    return Mask(
        name.empty() ? "random " + std::to_string(std::llround(fraction * 100)) + "%" : name,
        std::move(keep));
}

std::vector<Mask> maskFolds(int64_t size, int folds, uint64_t seed) {
    if (folds < 1 || folds > size) {
        throw Error("cannot split " + std::to_string(size) + " examples into " +
                    std::to_string(folds) + " folds");
    }
    std::vector<std::vector<uint8_t>> keep(static_cast<size_t>(folds),
                                           std::vector<uint8_t>(static_cast<size_t>(size), 0));
    const auto order = HostRandom(seed).permutation(size);
    for (int64_t k = 0; k < size; ++k) {
        keep[static_cast<size_t>(k % folds)][static_cast<size_t>(order[static_cast<size_t>(k)])] =
            1;
    }
    std::vector<Mask> masks;
    for (int f = 0; f < folds; ++f) {
        masks.emplace_back("fold " + std::to_string(f + 1) + "/" + std::to_string(folds),
                           std::move(keep[static_cast<size_t>(f)]));
    }
    return masks;
}

Mask maskRandomLike(const Mask& reference, const std::vector<int64_t>& labels, uint64_t seed,
                    const std::string& name) {
    if (static_cast<int64_t>(labels.size()) != reference.size()) {
        throw Error("mask and labels differ in size");
    }
    const int64_t classes =
        labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
    const auto counts = reference.classCounts(labels, static_cast<int>(classes));
    HostRandom rng(seed);
    std::vector<uint8_t> keep(labels.size(), 0);
    for (int64_t c = 0; c < classes; ++c) {
        std::vector<int64_t> pool;
        for (size_t i = 0; i < labels.size(); ++i) {
            if (labels[i] == c)
                pool.push_back(static_cast<int64_t>(i));
        }
        for (int64_t i : rng.sample(std::move(pool), counts[static_cast<size_t>(c)])) {
            keep[static_cast<size_t>(i)] = 1;
        }
    }
    return Mask(name.empty() ? "random like " + reference.name() : name, std::move(keep),
                reference.datasetHash());
}

Mask maskFromClasses(const std::vector<int64_t>& labels, const std::set<int64_t>& classes,
                     const std::string& name) {
    std::vector<uint8_t> keep(labels.size());
    for (size_t i = 0; i < labels.size(); ++i)
        keep[i] = classes.count(labels[i]) ? 1 : 0;
    std::string text;
    for (int64_t c : classes)
        text += (text.empty() ? "" : ",") + std::to_string(c);
    return Mask(name.empty() ? "classes " + text : name, std::move(keep));
}

Mask maskFromIndices(int64_t size, const std::vector<int64_t>& indices, const std::string& name) {
    std::vector<uint8_t> keep(static_cast<size_t>(size), 0);
    for (int64_t i : indices) {
        if (i < 0 || i >= size) {
            throw Error("example index " + std::to_string(i) + " is outside 0.." +
                        std::to_string(size - 1));
        }
        keep[static_cast<size_t>(i)] = 1;
    }
    return Mask(name.empty() ? "selection" : name, std::move(keep));
}

Mask maskFromIndexFile(const std::string& path, int64_t size) {
    std::ifstream in(path);
    if (!in) {
        throw Error("cannot open the index file '" + path + "'");
    }
    std::vector<int64_t> indices;
    std::string line;
    for (int lineNumber = 1; std::getline(in, line); ++lineNumber) {
        const auto hash = line.find('#');
        if (hash != std::string::npos)
            line.resize(hash);
        std::istringstream fields(line);
        std::string token;
        if (!(fields >> token))
            continue;
        size_t used = 0;
        int64_t value = -1;
        try {
            value = std::stoll(token, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != token.size() || value < 0 || value >= size) {
            throw Error("'" + path + "' line " + std::to_string(lineNumber) + ": \"" + token +
                        "\" is not an example index in 0.." + std::to_string(size - 1));
        }
        indices.push_back(value);
    }
    const std::string stem = path.substr(path.find_last_of('/') + 1);
    return maskFromIndices(size, indices, stem);
}

}  // namespace airbench
