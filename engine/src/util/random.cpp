#include "util/random.h"

#include <numeric>

namespace airbench {

uint64_t HostRandom::below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do {
        x = engine_();
    } while (x >= limit);
    return x % bound;
}

std::vector<int64_t> HostRandom::sample(std::vector<int64_t> pool, int64_t k) {
    const int64_t n = static_cast<int64_t>(pool.size());
    k = std::min(k, n);
    for (int64_t i = 0; i < k; ++i) {
        const int64_t j = i + static_cast<int64_t>(below(static_cast<uint64_t>(n - i)));
        std::swap(pool[static_cast<size_t>(i)], pool[static_cast<size_t>(j)]);
    }
    pool.resize(static_cast<size_t>(k));
    return pool;
}

std::vector<int64_t> HostRandom::permutation(int64_t n) {
    std::vector<int64_t> all(static_cast<size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    return sample(std::move(all), n);
}

}  // namespace airbench
