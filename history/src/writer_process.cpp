#include "writer_process.h"

#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>

namespace airbench::history {
namespace {

struct ProcStat {
    char state = '?';
    int64_t startTicks = 0;  // 0: unknown (no /proc, or the process is gone)
};

ProcStat readProcStat(int64_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) {
        return {};
    }
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos || close + 2 >= line.size()) {
        return {};
    }
    std::istringstream fields(line.substr(close + 2));
    ProcStat stat;
    fields >> stat.state;
    std::string skipped;
    // Fields 4..21 come between the state (field 3) and starttime (field 22).
    for (int i = 4; i < 22 && fields >> skipped; ++i) {
    }
    fields >> stat.startTicks;
    if (!fields) {
        stat.startTicks = 0;
    }
    return stat;
}

std::string hostName() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) {
        return {};
    }
    return name;
}

}  // namespace

WriterProcess currentWriter() {
    const int64_t pid = static_cast<int64_t>(getpid());
    return {pid, hostName(), readProcStat(pid).startTicks};
}

bool writerAlive(const WriterProcess& writer) {
    const WriterProcess self = currentWriter();
    if (writer.host != self.host || writer.pid <= 0) {
        return true;
    }
    if (writer.pid == self.pid) {
        return writer.startTicks == 0 || writer.startTicks == self.startTicks;
    }
    if (kill(static_cast<pid_t>(writer.pid), 0) != 0 && errno == ESRCH) {
        return false;
    }
    // Still there (or EPERM: another user's process holds the pid). A killed process that its
    // parent has not reaped yet is a zombie: gone as a writer. A process that started at another
    // time only reused the pid.
    const ProcStat now = readProcStat(writer.pid);
    if (now.state == 'Z' || now.state == 'X') {
        return false;
    }
    return writer.startTicks == 0 || now.startTicks == 0 || now.startTicks == writer.startTicks;
}

}  // namespace airbench::history
