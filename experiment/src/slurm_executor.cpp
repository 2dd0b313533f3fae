#include <airbench/error.h>
#include <airbench/slurm_executor.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace airbench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Slurm's default MaxArraySize is 1001: element indices 0 to 1000.
constexpr int kMaxArrayElements = 1001;

std::string quoted(const std::string& text) {
    std::string q = "'";
    for (char c : text) {
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return q + "'";
}

struct Output {
    int status = -1;
    std::string text;
};

Output runCommand(const std::string& command) {
    Output out;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) {
        return out;
    }
    char buffer[4096];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        out.text.append(buffer, n);
    }
    const int status = pclose(pipe);
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

std::string submissionPath(const TrialStore& store, int number) {
    return (fs::path(store.directory()) / "slurm" /
            ("submission-" + std::to_string(number) + ".json"))
        .string();
}

}  // namespace

int Submission::tasks() const {
    const int k = std::max(1, trialsPerTask);
    return static_cast<int>((indices.size() + size_t(k) - 1) / size_t(k));
}

std::vector<int64_t> Submission::chunk(int task) const {
    const size_t k = static_cast<size_t>(std::max(1, trialsPerTask));
    const size_t first = std::min(indices.size(), size_t(task) * k);
    const size_t last = std::min(indices.size(), first + k);
    return {indices.begin() + std::ptrdiff_t(first), indices.begin() + std::ptrdiff_t(last)};
}

Submission submitToSlurm(TrialStore& store, const std::vector<int64_t>& indices,
                         const SlurmOptions& o) {
    if (indices.empty()) {
        throw Error("nothing to submit: every trial is finished");
    }
    Submission s;
    s.number = static_cast<int>(submissions(store).size()) + 1;
    s.trialsPerTask = o.trialsPerTask > 0 ? o.trialsPerTask : kDefaultTrialsPerTask;
    s.indices = indices;
    s.submittedAt = utcTimestamp();
    if (s.tasks() > kMaxArrayElements) {
        throw Error(std::to_string(indices.size()) + " trials at " +
                    std::to_string(s.trialsPerTask) + " per task make " +
                    std::to_string(s.tasks()) + " array elements; Slurm allows " +
                    std::to_string(kMaxArrayElements) +
                    " by default: raise --trials-per-task to at least " +
                    std::to_string((indices.size() + kMaxArrayElements - 1) / kMaxArrayElements));
    }
    const fs::path folder = fs::path(store.directory()) / "slurm";
    const std::string script = (folder / ("job-" + std::to_string(s.number) + ".sh")).string();
    {
        std::ofstream out(script);
        out << "#!/bin/sh\n"
               "# Written by `airbench experiment submit`: array element $SLURM_ARRAY_TASK_ID "
               "runs\n"
               "# its chunk of trials; on USR1 (before the time limit) it requeues itself.\n"
               "# USR1 ignored until the worker handles it: a warning that comes while the\n"
               "# program starts must not kill it (USR1's default action).\n"
               "trap '' USR1\n"
               "exec "
            << quoted(o.executable) << " experiment worker " << quoted(store.directory())
            << " --submission " << s.number << " --chunk \"$SLURM_ARRAY_TASK_ID\" --slurm\n";
        if (!out) {
            throw Error("cannot write the job script " + script);
        }
    }
    ::chmod(script.c_str(), 0755);

    std::ostringstream command;
    command << "sbatch --parsable --job-name=" << quoted("airbench-" + store.manifest().name)
            << " --array=0-" << s.tasks() - 1;
    if (o.maxParallel > 0) {
        command << "%" << o.maxParallel;
    }
    // --open-mode=append: a requeued element adds to its output instead of replacing it, so
    // the output tells every run of the element.
    command << " --requeue --signal=B:USR1@" << o.signalSeconds << " --ntasks=1 --open-mode=append"
            << " --output="
            << quoted((folder / (std::to_string(s.number) + "_%A_%a.out")).string());
    if (!o.partition.empty()) {
        command << " --partition=" << quoted(o.partition);
    }
    if (o.gpusPerTask > 0) {
        command << " --gpus-per-task=" << o.gpusPerTask;
    }
    if (o.cpusPerTask > 0) {
        command << " --cpus-per-task=" << o.cpusPerTask;
    }
    if (!o.memory.empty()) {
        command << " --mem=" << quoted(o.memory);
    }
    if (!o.timeLimit.empty()) {
        command << " --time=" << quoted(o.timeLimit);
    }
    for (const std::string& arg : o.sbatchArgs) {
        command << " " << quoted(arg);
    }
    command << " " << quoted(script);
    const Output out = runCommand(command.str());
    std::string id = out.text.substr(0, out.text.find_first_of(";\n"));
    if (out.status != 0 || id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
        throw Error(
            "sbatch refused the experiment: " +
            (out.text.empty() ? std::string("(no output; is Slurm installed?)") : out.text));
    }
    s.jobId = id;
    const Json record = {{"number", s.number},
                         {"job_id", s.jobId},
                         {"trials_per_task", s.trialsPerTask},
                         {"indices", s.indices},
                         {"submitted_at", s.submittedAt},
                         {"command", command.str()}};
    TrialStore::writeFileAtomically(submissionPath(store, s.number), record.dump(1));
    return s;
}

std::vector<Submission> submissions(const TrialStore& store) {
    std::vector<Submission> list;
    for (int n = 1;; ++n) {
        std::ifstream in(submissionPath(store, n));
        if (!in) {
            break;
        }
        const Json j = Json::parse(in, nullptr, false);
        if (!j.is_object()) {
            throw Error(submissionPath(store, n) + " is not a readable submission record");
        }
        Submission s;
        s.number = n;
        s.jobId = j.value("job_id", std::string());
        s.trialsPerTask = j.value("trials_per_task", kDefaultTrialsPerTask);
        s.indices = j.value("indices", std::vector<int64_t>());
        s.submittedAt = j.value("submitted_at", std::string());
        list.push_back(std::move(s));
    }
    return list;
}

std::map<std::string, std::string> slurmElementStates(const std::vector<Submission>& subs) {
    std::map<std::string, std::string> states;
    if (subs.empty()) {
        return states;
    }
    std::string jobs;
    for (const Submission& s : subs) {
        jobs += (jobs.empty() ? "" : ",") + s.jobId;
    }
    // One line per element (--array), recently ended ones too (--states=all).
    const Output out = runCommand("squeue -h --array --states=all -j " + jobs + " -o '%i %T'");
    std::istringstream lines(out.text);
    std::string element, state;
    while (lines >> element >> state) {
        states[element] = state;
    }
    return states;
}

bool slurmStateIsLive(const std::string& state) {
    for (const char* live : {"PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUE",
                             "SUSPENDED", "RESIZING", "SIGNALING", "STAGE_OUT"}) {
        if (state.find(live) != std::string::npos) {
            return true;  // REQUEUE also matches REQUEUED, REQUEUE_FED and REQUEUE_HOLD
        }
    }
    return false;
}

std::vector<std::string> cancelSlurm(const TrialStore& store) {
    std::vector<std::string> cancelled;
    for (const Submission& s : submissions(store)) {
        const Output out = runCommand("scancel " + s.jobId);
        if (out.status != 0) {
            throw Error("scancel " + s.jobId + " failed: " + out.text);
        }
        cancelled.push_back(s.jobId);
    }
    return cancelled;
}

}  // namespace airbench
