#include "loss_chunks.h"

#include <algorithm>
#include <cstring>

namespace airbench::history {

std::vector<uint8_t> encodeLosses(const std::vector<float>& values) {
    // Explicit little-endian bytes: the file must read the same on any machine.
    std::vector<uint8_t> bytes(values.size() * 4);
    for (size_t i = 0; i < values.size(); ++i) {
        uint32_t bits;
        std::memcpy(&bits, &values[i], 4);
        for (int b = 0; b < 4; ++b) {
            bytes[4 * i + b] = static_cast<uint8_t>(bits >> (8 * b));
        }
    }
    return bytes;
}

std::vector<float> decodeLosses(const std::vector<uint8_t>& bytes) {
    std::vector<float> values(bytes.size() / 4);
    for (size_t i = 0; i < values.size(); ++i) {
        uint32_t bits = 0;
        for (int b = 0; b < 4; ++b) {
            bits |= static_cast<uint32_t>(bytes[4 * i + b]) << (8 * b);
        }
        std::memcpy(&values[i], &bits, 4);
    }
    return values;
}

std::vector<StepPoint> chunkPoints(const LossChunk& chunk) {
    std::vector<StepPoint> points;
    points.reserve(chunk.means.size());
    for (size_t i = 0; i < chunk.means.size(); ++i) {
        const int64_t first = chunk.firstStep + static_cast<int64_t>(i) * chunk.bucket;
        const int64_t left = chunk.stepCount - static_cast<int64_t>(i) * chunk.bucket;
        const int count = static_cast<int>(std::clamp<int64_t>(left, 1, chunk.bucket));
        points.push_back({first + count - 1, chunk.epoch, chunk.means[i], count});
    }
    return points;
}

std::vector<LossChunk> packPoints(const std::vector<StepPoint>& points) {
    std::vector<LossChunk> chunks;
    bool lastWasPartial = true;  // forces a new chunk for the first point
    int64_t lastStep = 0;
    for (const StepPoint& p : points) {
        const int count = std::max(1, p.count);
        LossChunk* open = chunks.empty() ? nullptr : &chunks.back();
        const bool fits = open && !lastWasPartial && open->epoch == p.epoch &&
                          count <= open->bucket && p.step == lastStep + count;
        if (!fits) {
            chunks.push_back({p.step - count + 1, p.epoch, count, 0, {}});
            open = &chunks.back();
        }
        open->means.push_back(static_cast<float>(p.loss));
        open->stepCount += count;
        lastWasPartial = count < open->bucket;
        lastStep = p.step;
    }
    return chunks;
}

}  // namespace airbench::history
