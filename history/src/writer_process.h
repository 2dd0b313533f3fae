#pragma once
// Who writes a run: process id, host name and the process's start time, so that a later open can
// tell a live writer from a dead one (and from an unrelated process that reused the pid).

#include <cstdint>
#include <string>

namespace airbench::history {

struct WriterProcess {
    int64_t pid = 0;
    std::string host;
    // Start time in clock ticks since boot (/proc/<pid>/stat field 22); 0 where unknown.
    int64_t startTicks = 0;
};

WriterProcess currentWriter();

// False only when the writer is certainly gone: same host, and kill(pid, 0) says no such process
// or the pid now belongs to a process that started at another time. A writer on another host
// cannot be checked and counts as alive.
bool writerAlive(const WriterProcess& writer);

}  // namespace airbench::history
