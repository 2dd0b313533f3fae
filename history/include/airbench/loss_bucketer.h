#pragma once
// How the history downsamples per-step losses: consecutive steps averaged into buckets of a
// fixed size, a bucket also ending where its epoch ends (or where the steps skip a number).
// A run of T planned steps uses buckets of bucketSizeFor(T, kMaxLossPoints) steps.

#include <airbench/history_types.h>

#include <cstdint>
#include <vector>

namespace airbench::history {

// Steps per point so that `totalSteps` make at most `maxPoints` full buckets (1 when they fit).
int bucketSizeFor(int64_t totalSteps, int64_t maxPoints = kMaxLossPoints);

class LossBucketer {
public:
    explicit LossBucketer(int bucket = 1) : bucket_(bucket < 1 ? 1 : bucket) {}
    void setBucket(int bucket) { bucket_ = bucket < 1 ? 1 : bucket; }
    int bucket() const { return bucket_; }
    void add(int64_t step, int epoch, double loss);
    // Closes the open bucket and hands over every point made since the last call.
    std::vector<StepPoint> take();

private:
    void close();
    int bucket_;
    std::vector<StepPoint> done_;
    int64_t lastStep_ = 0;
    int epoch_ = 0;
    int count_ = 0;
    double sum_ = 0;
};

}  // namespace airbench::history
