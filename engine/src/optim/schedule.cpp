#include "optim/schedule.h"

#include <cmath>

namespace airbench {

double lrFactor(LrSchedule schedule, int64_t s, int64_t total, double warmupFraction,
                double floor) {
    if (schedule == LrSchedule::LinearToZero) {
        return 1.0 - double(s) / double(total);
    }
    const int64_t warmup = static_cast<int64_t>(double(total) * warmupFraction);
    if (s < warmup) {
        const double frac = double(s) / double(warmup);
        return 0.2 * (1 - frac) + 1.0 * frac;
    }
    if (schedule == LrSchedule::WarmupThenZero) {
        return double(total - s) / double(total - warmup);
    }
    const double frac = double(s - warmup) / double(total - warmup);
    return 1.0 * (1 - frac) + floor * frac;
}

double lookaheadDecay(int64_t step, int64_t total) {
    return std::pow(0.95, 5) * std::pow(double(step) / double(total), 3);
}

}  // namespace airbench
