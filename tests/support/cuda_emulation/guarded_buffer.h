#pragma once
// A "device" buffer for the emulated kernels, with canaries on both sides: a kernel that writes
// out of its bounds changes a canary, which intact() reports. `shift` elements move the data
// off 16-byte alignment, to send the kernels down their one-element path.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace airbench::test {

template <typename T>
class GuardedBuffer {
public:
    explicit GuardedBuffer(std::size_t size, std::size_t shift = 0)
        : size_(size), front_(kGuardBytes / sizeof(T) + shift) {
        storage_.resize(front_ * sizeof(T) + size * sizeof(T) + kGuardBytes + kAlignment);
        // Align the first guard, so that the data is 16-byte aligned exactly when shift is 0.
        const auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
        base_ = storage_.data() + (kAlignment - address % kAlignment) % kAlignment;
        std::memset(storage_.data(), kCanary, storage_.size());
    }

    T* data() { return reinterpret_cast<T*>(base_) + front_; }
    const T* data() const { return reinterpret_cast<const T*>(base_) + front_; }
    std::size_t size() const { return size_; }
    T& operator[](std::size_t i) { return data()[i]; }
    const T& operator[](std::size_t i) const { return data()[i]; }

    // Whether every byte outside [data(), data() + size()) still holds the canary.
    bool intact() const {
        const unsigned char* begin = reinterpret_cast<const unsigned char*>(data());
        const unsigned char* end = begin + size_ * sizeof(T);
        for (const unsigned char* p = storage_.data(); p < storage_.data() + storage_.size(); ++p) {
            if ((p < begin || p >= end) && *p != kCanary) {
                return false;
            }
        }
        return true;
    }

private:
    static constexpr std::size_t kGuardBytes = 64;
    static constexpr std::size_t kAlignment = 16;
    static constexpr unsigned char kCanary = 0xA5;
    std::size_t size_, front_;
    std::vector<unsigned char> storage_;
    unsigned char* base_ = nullptr;
};

}  // namespace airbench::test
