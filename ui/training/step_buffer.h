#pragma once
// Per-step losses on their way from the training thread to the GUI thread. On CPU the engine
// reports every step; one queued signal per step would flood the event loop on a fast device, so
// the worker only appends here and the GUI drains the buffer on a timer (at most every ~50 ms).

#include <airbench/train.h>

#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace airbench::ui {

class StepBuffer {
public:
    using Chunk = std::pair<int, std::vector<StepMetrics>>;  // (run index in its batch, steps)

    // Training thread.
    void push(int run, const std::vector<StepMetrics>& steps);
    // GUI thread: removes and returns the buffered steps of runs <= maxRun, oldest first, one
    // chunk per run. Steps of a later run stay until the GUI has seen that run start.
    std::vector<Chunk> take(int maxRun);
    void clear();

private:
    std::mutex mutex_;
    std::deque<Chunk> chunks_;
};

}  // namespace airbench::ui
