#pragma once
// A "device" buffer for the emulated kernels, fenced against accesses out of its bounds. In a
// plain build, canaries on both sides: a kernel that writes outside changes one, and intact()
// says so. Under AddressSanitizer (the *_sanitized tests) the allocation has exactly the buffer's
// size, so that its red zones catch reads outside as well. `shift` elements move the data off
// 16-byte alignment, to send the kernels down their one-element path.

#include <cstddef>
#include <cstring>
#include <new>
#include <vector>

namespace airbench::test {

template <typename T>
class GuardedBuffer {
public:
    explicit GuardedBuffer(std::size_t size, std::size_t shift = 0)
        : size_(size), front_(kGuardBytes / sizeof(T) + shift) {
        storage_.resize(front_ * sizeof(T) + size * sizeof(T) + kGuardBytes);
        std::memset(storage_.data(), kCanary, storage_.size());
    }

    T* data() { return reinterpret_cast<T*>(storage_.data()) + front_; }
    const T* data() const { return reinterpret_cast<const T*>(storage_.data()) + front_; }
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
#if defined(__SANITIZE_ADDRESS__)
    static constexpr std::size_t kGuardBytes = 0;  // AddressSanitizer's red zones instead
#else
    static constexpr std::size_t kGuardBytes = 64;  // a multiple of 16: alignment is kept
#endif
    static constexpr unsigned char kCanary = 0xA5;
    // The vector's storage comes from operator new, aligned for any fundamental type: 16 bytes
    // here, what the kernels' 16-byte path needs.
    static_assert(__STDCPP_DEFAULT_NEW_ALIGNMENT__ >= 16);
    std::size_t size_, front_;
    std::vector<unsigned char> storage_;
};

}  // namespace airbench::test
