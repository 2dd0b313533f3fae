#include <airbench/loss_bucketer.h>

namespace airbench::history {

int bucketSizeFor(int64_t totalSteps, int64_t maxPoints) {
    if (totalSteps <= maxPoints || maxPoints < 1) {
        return 1;
    }
    return static_cast<int>((totalSteps + maxPoints - 1) / maxPoints);
}

void LossBucketer::add(int64_t step, int epoch, double loss) {
    if (count_ > 0 && (epoch != epoch_ || step != lastStep_ + 1)) {
        close();
    }
    epoch_ = epoch;
    lastStep_ = step;
    sum_ += loss;
    if (++count_ == bucket_) {
        close();
    }
}

void LossBucketer::close() {
    if (count_ > 0) {
        done_.push_back({lastStep_, epoch_, sum_ / count_, count_});
    }
    count_ = 0;
    sum_ = 0;
}

std::vector<StepPoint> LossBucketer::take() {
    close();
    std::vector<StepPoint> out;
    out.swap(done_);
    return out;
}

}  // namespace airbench::history
