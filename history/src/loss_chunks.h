#pragma once
// Per-step losses, stored compactly: each epoch's steps become bucket means (float32, little
// endian) in one BLOB row of loss_chunks. A row is (first_step, epoch, bucket, step_count,
// losses): point i averages steps first_step + i*bucket ... up to bucket steps, the last point of
// a chunk possibly fewer (buckets close at the end of every epoch, so that an epoch's transaction
// holds all of its steps and nothing waits in memory across epochs).

#include <airbench/history_types.h>
#include <airbench/loss_bucketer.h>

#include <cstdint>
#include <vector>

namespace airbench::history {

struct LossChunk {
    int64_t firstStep = 1;
    int epoch = 0;
    int bucket = 1;
    int64_t stepCount = 0;
    std::vector<float> means;  // (ceil(stepCount / bucket),)
};

std::vector<uint8_t> encodeLosses(const std::vector<float>& values);
std::vector<float> decodeLosses(const std::vector<uint8_t>& bytes);

std::vector<StepPoint> chunkPoints(const LossChunk& chunk);
// The inverse of chunkPoints over a whole list: consecutive points of one epoch whose counts
// match the chunk's first point (the last may be smaller) share a chunk; anything irregular
// (imported data) starts a new one, so every list of points survives a round trip.
std::vector<LossChunk> packPoints(const std::vector<StepPoint>& points);

}  // namespace airbench::history
