#pragma once
// SHA-256 (FIPS 180-4), incremental: the content hashes of datasets, masks and experiment
// trials.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace airbench {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size);
    // Finishes the hash; the object must not be updated afterwards.
    std::array<uint8_t, 32> digest();
    std::string hexDigest();

private:
    void compress(const uint8_t* block);

    std::array<uint32_t, 8> state_;
    std::array<uint8_t, 64> buffer_{};
    size_t buffered_ = 0;
    uint64_t totalBytes_ = 0;
};

std::string sha256Hex(const void* data, size_t size);

}  // namespace airbench
