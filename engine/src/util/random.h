#pragma once
// Host-side seeded draws with the same results on every platform (std's distributions are
// implementation-defined): used for masks and folds.

#include <cstdint>
#include <random>
#include <vector>

namespace airbench {

class HostRandom {
public:
    explicit HostRandom(uint64_t seed) : engine_(seed) {}
    // Uniform in [0, bound), by rejection (no modulo bias).
    uint64_t below(uint64_t bound);
    // A uniformly random permutation of 0..n-1 (Fisher-Yates).
    std::vector<int64_t> permutation(int64_t n);
    // k distinct values of `pool`, uniformly (partial Fisher-Yates), in the order drawn.
    std::vector<int64_t> sample(std::vector<int64_t> pool, int64_t k);

private:
    std::mt19937_64 engine_;
};

}  // namespace airbench
