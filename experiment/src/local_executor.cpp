#include <airbench/device.h>
#include <airbench/error.h>
#include <airbench/local_executor.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace airbench {
namespace {

struct Worker {
    pid_t pid = 0;
    int slot = 0;  // which GPU, when each worker has one
};

// Starts `EXECUTABLE experiment worker DIR --threads T` with its own environment additions.
pid_t spawnWorker(const LocalRunOptions& o, const std::string& directory, int threads, int slot) {
    std::vector<std::string> args = {o.executable, "experiment", "worker",
                                     directory,    "--threads",  std::to_string(threads)};
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        if (entry.rfind("OMP_NUM_THREADS=", 0) == 0 ||
            (o.oneGpuPerWorker && entry.rfind("CUDA_VISIBLE_DEVICES=", 0) == 0)) {
            continue;
        }
        env.push_back(entry);
    }
    env.push_back("OMP_NUM_THREADS=" + std::to_string(threads));
    if (o.oneGpuPerWorker) {
        env.push_back("CUDA_VISIBLE_DEVICES=" + std::to_string(slot));
    }
    std::vector<char*> argv, envp;
    for (std::string& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    for (std::string& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    pid_t pid = 0;
    const int error =
        posix_spawn(&pid, o.executable.c_str(), nullptr, nullptr, argv.data(), envp.data());
    if (error != 0) {
        throw Error("cannot start a worker (" + o.executable + "): " + std::strerror(error));
    }
    return pid;
}

std::string describeExit(int status) {
    if (WIFSIGNALED(status)) {
        return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
               strsignal(WTERMSIG(status)) + ")";
    }
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

// The trials a dead worker held: one failed attempt each, their claims released.
void blameDeadWorker(TrialStore& store, const Manifest& manifest, pid_t pid, int status) {
    const std::string host = hostName();
    for (const ManifestTrial& t : manifest.trials) {
        const auto claim = store.claimOf(t.id);
        if (claim && claim->host == host && claim->pid == pid && !store.finished(t.id)) {
            store.recordFailure(t.id,
                                "the worker process (pid " + std::to_string(pid) + ") " +
                                    describeExit(status) + " during this trial",
                                store.log(t.id));
            store.release(t.id);
        }
    }
}

}  // namespace

LocalRunResult runLocally(TrialStore& store, const LocalRunOptions& o) {
    const Manifest manifest = store.manifest();
    const int workers = std::max(1, o.workers);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = o.threadsPerWorker > 0 ? o.threadsPerWorker : std::max(1, cores / workers);
    LocalRunResult result;

    std::vector<Worker> running;
    auto start = [&](int slot) {
        running.push_back({spawnWorker(o, store.directory(), threads, slot), slot});
    };
    ExperimentStatus status = statusOf(store, manifest);
    for (int k = 0; k < std::min(workers, std::max(1, status.queued)); ++k) {
        start(k);
    }
    bool stopSent = false;
    auto lastReport = std::chrono::steady_clock::now() - std::chrono::seconds(10);
    while (!running.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (o.stop && o.stop() && !stopSent) {
            for (const Worker& w : running) {
                ::kill(w.pid, SIGINT);  // each stops after its current step
            }
            stopSent = true;
            result.stopped = true;
        }
        for (size_t k = 0; k < running.size();) {
            int exit = 0;
            if (::waitpid(running[k].pid, &exit, WNOHANG) != running[k].pid) {
                ++k;
                continue;
            }
            const Worker gone = running[k];
            running.erase(running.begin() + static_cast<std::ptrdiff_t>(k));
            const bool clean =
                WIFEXITED(exit) && (WEXITSTATUS(exit) == 0 || WEXITSTATUS(exit) == 130);
            if (!clean) {
                ++result.workerDeaths;
                blameDeadWorker(store, manifest, gone.pid, exit);
                if (!stopSent && statusOf(store, manifest).queued > 0) {
                    start(gone.slot);  // its trial and the rest go on
                }
            }
        }
        const auto now = std::chrono::steady_clock::now();
        if (o.progress && now - lastReport >= std::chrono::seconds(1)) {
            o.progress(statusOf(store, manifest));
            lastReport = now;
        }
    }
    result.status = statusOf(store, manifest);
    if (o.progress) {
        o.progress(result.status);
    }
    return result;
}

LocalRunOptions localRunOptions(const RunOptions& trials, int workers, int threadsPerWorker) {
    LocalRunOptions run;
    const int gpus = trials.device == DeviceRequest::Cpu ? 0 : cudaDeviceCount();
    run.oneGpuPerWorker = gpus > 0;
    run.workers = workers > 0 ? workers : std::max(1, gpus);
    if (gpus > 0 && run.workers > gpus) {
        throw Error(std::to_string(run.workers) + " workers but this machine has " +
                    std::to_string(gpus) + " GPUs (one worker per GPU)");
    }
    run.threadsPerWorker = threadsPerWorker > 0 ? threadsPerWorker : trials.threads;
    return run;
}

std::vector<int64_t> stopLocalWorkers(const TrialStore& store) {
    const std::string host = hostName();
    std::set<int64_t> workers;
    for (const ManifestTrial& t : store.manifest().trials) {
        const auto claim = store.claimOf(t.id);
        if (claim && claim->slurmJob.empty() && claim->host == host && claim->pid > 0 &&
            workers.insert(claim->pid).second) {
            ::kill(static_cast<pid_t>(claim->pid), SIGINT);
        }
    }
    return {workers.begin(), workers.end()};
}

}  // namespace airbench
