#include "training/step_buffer.h"

namespace airbench::ui {

void StepBuffer::push(int run, const std::vector<StepMetrics>& steps) {
    if (steps.empty()) {
        return;
    }
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!chunks_.empty() && chunks_.back().first == run) {
        auto& tail = chunks_.back().second;
        tail.insert(tail.end(), steps.begin(), steps.end());
    } else {
        chunks_.emplace_back(run, steps);
    }
}

std::vector<StepBuffer::Chunk> StepBuffer::take(int maxRun) {
    std::vector<Chunk> out;
    const std::lock_guard<std::mutex> lock(mutex_);
    // Runs arrive in order, so the runs <= maxRun are a prefix.
    while (!chunks_.empty() && chunks_.front().first <= maxRun) {
        out.push_back(std::move(chunks_.front()));
        chunks_.pop_front();
    }
    return out;
}

void StepBuffer::clear() {
    const std::lock_guard<std::mutex> lock(mutex_);
    chunks_.clear();
}

}  // namespace airbench::ui
