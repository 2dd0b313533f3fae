#pragma once
// The kernels' activation types (fp16 __half and fp32) to and from float, for the kernel tests.

// Through the emulation, which must precede every CUDA header.
#include "support/cuda_emulation/emulation.h"

#include <type_traits>

namespace airbench::test {

inline float toFloatValue(__half v) {
    return __half2float(v);
}
inline float toFloatValue(float v) {
    return v;
}

// v rounded to T (to nearest, as the kernels round).
template <typename T>
T fromFloatValue(float v) {
    static_assert(std::is_same_v<T, __half> || std::is_same_v<T, float>);
    if constexpr (std::is_same_v<T, __half>) {
        return __float2half_rn(v);
    } else {
        return v;
    }
}

}  // namespace airbench::test
