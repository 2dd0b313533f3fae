// airbench experiment: sweeps and many-seed studies from a TOML file, run on this machine or on
// a Slurm cluster, then reported and collected into the run history.

#include <airbench/error.h>
#include <airbench/experiment.h>
#include <airbench/experiment_report.h>
#include <airbench/experiment_status.h>
#include <airbench/history.h>
#include <airbench/local_executor.h>
#include <airbench/prepared_experiment.h>
#include <airbench/runner.h>
#include <airbench/slurm_executor.h>
#include <airbench/trial_worker.h>

#include "cli_common.h"
#include "commands.h"

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

namespace airbench::cli {
namespace {

namespace fs = std::filesystem;

std::string thisProgram() {
    std::error_code error;
    const fs::path self = fs::read_symlink("/proc/self/exe", error);
    return error ? std::string("airbench") : self.string();
}

// The experiment's trials over its data, the manifest written; the data line printed.
PreparedExperiment prepare(const std::string& file) {
    Runner runner;
    PreparedExperiment p = prepareExperiment(file, runner);
    printDataLine(*p.data, p.dataSeconds);
    return p;
}

void printStatus(const ExperimentStatus& s, bool live) {
    std::fprintf(stderr, "%s%s: %d trials: %d done, %d running, %d queued, %d failed%s",
                 live ? "\r" : "", s.name.c_str(), s.total, s.done, s.running, s.queued, s.failed,
                 live ? "   " : "\n");
    std::fflush(stderr);
}

// ---- new

struct NewOptions {
    std::string file, recipe = "airbench94";
    bool force = false;
};

int runNew(const NewOptions& o) {
    if (fs::exists(o.file) && !o.force) {
        throw Error(o.file + " exists; --force to overwrite it");
    }
    std::ofstream out(o.file);
    out << experimentTemplate(fs::path(o.file).stem().string(), o.recipe);
    if (!out) {
        throw Error("cannot write " + o.file);
    }
    std::fprintf(stderr, "wrote %s: edit it, then `airbench experiment run %s`\n", o.file.c_str(),
                 o.file.c_str());
    return 0;
}

// ---- run (this machine)

struct RunOptions {
    std::string file;
    int workers = 0;
    int threads = 0;
};

int runLocal(const RunOptions& o) {
    const PreparedExperiment e = prepare(o.file);
    TrialStore store(e.experiment.directory);
    const ExperimentStatus before = statusOf(store);
    std::fprintf(stderr, "%s: %lld points x %zu seeds = %d trials in %s; %d done before\n",
                 e.experiment.name.c_str(), static_cast<long long>(e.experiment.pointCount()),
                 e.experiment.seeds.size(), before.total, store.directory().c_str(), before.done);
    LocalRunOptions run = localRunOptions(e.experiment.run, o.workers, o.threads);
    run.executable = thisProgram();
    run.stop = interrupted;
    const bool live = isatty(STDERR_FILENO);
    run.progress = [live](const ExperimentStatus& s) { printStatus(s, live); };
    const LocalRunResult result = runLocally(store, run);
    if (live) {
        std::fprintf(stderr, "\n");
    }
    if (result.workerDeaths > 0) {
        std::fprintf(stderr, "%d worker(s) died mid-trial; their trials were tried again\n",
                     result.workerDeaths);
    }
    printStatus(result.status, false);
    std::fprintf(stderr, "see `airbench experiment report %s`\n", store.directory().c_str());
    return result.stopped ? kExitInterrupted : result.status.failed > 0 ? kExitError : 0;
}

// ---- worker (a local worker process or a Slurm array element)

std::atomic<bool> gTimeUp{false};
void onTimeUp(int) {
    gTimeUp = true;
}

struct WorkerOptions {
    std::string directory;
    int threads = 0;
    int submission = 0;
    int chunk = -1;
    bool slurm = false;
};

class PrintTrials : public TrialObserver {
public:
    void onTrialStart(const ManifestTrial& t, int attempt) override {
        std::printf("trial %s (#%lld, %s, seed %llu): attempt %d\n", t.id.c_str(),
                    static_cast<long long>(t.index), t.pointText.c_str(),
                    static_cast<unsigned long long>(t.seed), attempt);
        std::fflush(stdout);
    }
    void onTrialDone(const ManifestTrial& t, const RunSummary& s) override {
        std::printf("trial %s: done, TTA accuracy %.4f in %.2f s\n", t.id.c_str(), s.ttaValAccuracy,
                    s.seconds);
        std::fflush(stdout);
    }
    void onTrialFailed(const ManifestTrial& t, const std::string& error) override {
        std::printf("trial %s: failed: %s\n", t.id.c_str(), error.c_str());
        std::fflush(stdout);
    }
};

int runWorker(const WorkerOptions& o) {
    TrialStore store(o.directory);
    TrialWork work;
    if (o.slurm) {
        // Slurm's warning before the time limit: stop after the current step and requeue.
        std::signal(SIGUSR1, onTimeUp);
        const char* job = std::getenv("SLURM_ARRAY_JOB_ID");
        const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
        if (job && task) {
            work.slurmJob = std::string(job) + "_" + task;
        }
    }
    if (o.submission > 0) {
        const auto subs = submissions(store);
        if (o.submission > int(subs.size())) {
            throw Error("no submission " + std::to_string(o.submission) + " in " + o.directory);
        }
        work.indices = subs[size_t(o.submission - 1)].chunk(std::max(0, o.chunk));
    }
    work.stop = [] { return interrupted() || gTimeUp.load(); };
    setCpuThreads(o.threads);
    Runner runner;
    PrintTrials printer;
    const WorkSummary summary = runTrials(store, work, runner, &printer);
    if (gTimeUp && !work.slurmJob.empty()) {
        std::printf("time limit near: requeueing %s\n", work.slurmJob.c_str());
        std::fflush(stdout);
        // The requeue ends this process at once; every claim is already released.
        return std::system(("scontrol requeue " + work.slurmJob).c_str()) == 0 ? 0 : kExitError;
    }
    return summary.stopped ? kExitInterrupted : 0;
}

// ---- submit / resubmit (Slurm)

void addSlurmOptions(CLI::App& c, SlurmOptions& o) {
    c.add_option("--partition", o.partition, "Slurm partition");
    c.add_option("--gpus-per-task", o.gpusPerTask, "GPUs per array element")
        ->check(CLI::NonNegativeNumber);
    c.add_option("--cpus-per-task", o.cpusPerTask, "CPUs per array element")
        ->check(CLI::NonNegativeNumber);
    c.add_option("--mem", o.memory, "Memory per array element (sbatch --mem)");
    c.add_option("--time", o.timeLimit, "Time limit per array element (sbatch --time)");
    c.add_option("--max-parallel", o.maxParallel, "Array elements running at once (0: any)")
        ->check(CLI::NonNegativeNumber);
    c.add_option("--trials-per-task", o.trialsPerTask,
                 "Trials one array element runs in one process (default: " +
                     std::to_string(kDefaultTrialsPerTask) + ")")
        ->check(CLI::PositiveNumber);
    c.add_option("--sbatch-arg", o.sbatchArgs, "Passed on to sbatch as it is (repeatable)");
}

struct SubmitOptions {
    std::string target;  // the experiment file (submit) or directory (resubmit)
    bool slurm = false;
    SlurmOptions slurmOptions;
};

int submitPending(TrialStore& store, SlurmOptions options, bool retryFailed) {
    options.executable = thisProgram();
    const auto start = std::chrono::steady_clock::now();
    const Submission s = submitToSlurm(store, pendingTrials(store, retryFailed), options);
    std::printf("submitted %zu trials as job array %s (%d elements of up to %d trials) in %.2f s\n",
                s.indices.size(), s.jobId.c_str(), s.tasks(), s.trialsPerTask,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    std::printf("follow it with `airbench experiment status %s`\n", store.directory().c_str());
    return 0;
}

int runSubmit(SubmitOptions o) {
    if (!o.slurm) {
        throw Error(
            "submit needs --slurm (the only cluster scheduler supported); "
            "`airbench experiment run` runs on this machine");
    }
    const PreparedExperiment e = prepare(o.target);
    TrialStore store(e.experiment.directory);
    return submitPending(store, o.slurmOptions, false);
}

int runResubmit(SubmitOptions o) {
    TrialStore store(o.target);
    return submitPending(store, o.slurmOptions, true);
}

// ---- status, cancel, collect, report

struct DirectoryOptions {
    std::string directory;
    bool json = false;
    bool csv = false;
    std::string historyDb;
    std::vector<int64_t> compare;
};

int runStatus(const DirectoryOptions& o) {
    TrialStore store(o.directory);
    const Manifest manifest = store.manifest();
    const ExperimentStatus s = statusOf(store, manifest);
    const auto subs = submissions(store);
    const auto elements = slurmElementStates(subs);
    if (o.json) {
        nlohmann::json failed = nlohmann::json::array();
        for (size_t i = 0; i < manifest.trials.size(); ++i) {
            if (s.states[i] == TrialState::Failed) {
                failed.push_back(
                    {{"id", manifest.trials[i].id},
                     {"configuration", manifest.trials[i].pointText},
                     {"seed", manifest.trials[i].seed},
                     {"failures",
                      nlohmann::json::parse(store.failures(manifest.trials[i].id).value_or("{}"),
                                            nullptr, false)}});
            }
        }
        nlohmann::json slurm = nlohmann::json::array();
        for (const Submission& sub : subs) {
            nlohmann::json states = nlohmann::json::object();
            for (const auto& [element, state] : elements) {
                if (element.rfind(sub.jobId + "_", 0) == 0) {
                    states[element] = state;
                }
            }
            slurm.push_back({{"job_id", sub.jobId},
                             {"trials", sub.indices.size()},
                             {"elements", sub.tasks()},
                             {"submitted_at", sub.submittedAt},
                             {"squeue", states}});
        }
        std::printf("%s\n", nlohmann::json{{"experiment", s.name},
                                           {"directory", store.directory()},
                                           {"trials", s.total},
                                           {"queued", s.queued},
                                           {"running", s.running},
                                           {"done", s.done},
                                           {"failed", s.failed},
                                           {"failed_trials", failed},
                                           {"slurm", slurm}}
                                .dump(2)
                                .c_str());
        return 0;
    }
    std::printf("%s: %d trials: %d done, %d running, %d queued, %d failed\n", s.name.c_str(),
                s.total, s.done, s.running, s.queued, s.failed);
    for (const Submission& sub : subs) {
        int listed = 0;
        std::map<std::string, int> byState;
        for (const auto& [element, state] : elements) {
            if (element.rfind(sub.jobId + "_", 0) == 0) {
                ++byState[state];
                ++listed;
            }
        }
        std::printf("slurm job %s: %d elements", sub.jobId.c_str(), sub.tasks());
        for (const auto& [state, n] : byState) {
            std::printf(", %d %s", n, state.c_str());
        }
        std::printf("%s\n", listed == 0 ? " (none in squeue: ended)" : "");
    }
    for (size_t i = 0; i < manifest.trials.size(); ++i) {
        if (s.states[i] == TrialState::Failed) {
            std::string error = store.lastError(manifest.trials[i].id);
            error = error.empty() ? "?" : error;
            std::printf("failed: trial %s (%s, seed %llu): %s\n", manifest.trials[i].id.c_str(),
                        manifest.trials[i].pointText.c_str(),
                        static_cast<unsigned long long>(manifest.trials[i].seed), error.c_str());
        }
    }
    return 0;
}

int runCancel(const DirectoryOptions& o) {
    TrialStore store(o.directory);
    store.manifest();  // refuses a directory without an experiment
    for (const std::string& job : cancelSlurm(store)) {
        std::printf("cancelled slurm job %s\n", job.c_str());
    }
    // Local workers of this machine stop after their current step.
    for (const int64_t pid : stopLocalWorkers(store)) {
        std::printf("stopping local worker %lld\n", static_cast<long long>(pid));
    }
    return 0;
}

int runCollect(const DirectoryOptions& o) {
    TrialStore store(o.directory);
    history::Database db(o.historyDb.empty() ? history::Database::defaultPath() : o.historyDb);
    const CollectResult c = collectIntoHistory(store, db);
    std::printf("collected %d new runs into %s (%d already there, %d trials not finished)\n",
                c.imported, db.path().c_str(), c.present, c.notDone);
    return 0;
}

int runReport(const DirectoryOptions& o) {
    TrialStore store(o.directory);
    const ExperimentReport r = reportOf(store);
    if (!o.compare.empty()) {
        auto point = [&](int64_t p) -> const PointReport& {
            for (const PointReport& row : r.points) {
                if (row.point == p) {
                    return row;
                }
            }
            throw Error("no point " + std::to_string(p) + " (points 0 to " +
                        std::to_string(r.points.size() - 1) + ")");
        };
        const PointReport &a = point(o.compare.at(0)), &b = point(o.compare.at(1));
        const WelchTest w = comparePoints(a, b);
        std::printf("point %lld (%s): %.4f +- %.4f over %d runs\n", static_cast<long long>(a.point),
                    a.text.c_str(), a.accuracy.mean, a.accuracy.ci95, a.accuracy.count);
        std::printf("point %lld (%s): %.4f +- %.4f over %d runs\n", static_cast<long long>(b.point),
                    b.text.c_str(), b.accuracy.mean, b.accuracy.ci95, b.accuracy.count);
        std::printf("difference %+.4f, Welch t = %.3f, dof = %.1f, p = %.4g\n", w.difference, w.t,
                    w.dof, w.pValue);
        return 0;
    }
    if (o.json) {
        std::printf("%s\n", reportJson(r).c_str());
        return 0;
    }
    if (o.csv) {
        std::printf("%s", reportCsv(r).c_str());
        return 0;
    }
    std::printf("%s (%s): %d of %d trials done, %d failed\n", r.name.c_str(), r.recipe.c_str(),
                r.done, r.total, r.failed);
    std::printf("%5s %5s %9s %8s %9s %9s %10s  %s\n", "point", "runs", "acc mean", "std", "95% CI",
                "time s", "vs best p", "configuration");
    for (size_t i = 0; i < r.points.size(); ++i) {
        const PointReport& p = r.points[i];
        const bool best = int(i) == r.best;
        char vsBest[16] = "";
        if (!best && p.accuracy.count > 1 && r.best >= 0) {
            std::snprintf(vsBest, sizeof vsBest, "%.3g", r.againstBest[i].pValue);
        }
        std::printf("%5lld %5d %9.4f %8.4f %9.4f %9.2f %10s  %s%s\n",
                    static_cast<long long>(p.point), p.accuracy.count, p.accuracy.mean,
                    p.accuracy.stddev, p.accuracy.ci95, p.time.mean, best ? "best" : vsBest,
                    p.text.c_str(), p.accuracy.count < p.trials ? " (incomplete)" : "");
    }
    return 0;
}

}  // namespace

std::vector<Command> addExperimentCommands(CLI::App& app) {
    CLI::App* experiment = app.add_subcommand(
        "experiment",
        "Sweeps and many-seed studies from a TOML file, on this machine or on a Slurm cluster");
    experiment->require_subcommand(1);
    std::vector<Command> commands;

    auto n = std::make_shared<NewOptions>();
    CLI::App* c = experiment->add_subcommand("new", "Write a commented experiment file to edit");
    c->add_option("file", n->file, "The file to write (e.g. lr-sweep.toml)")->required();
    c->add_option("--recipe", n->recipe, "The recipe it starts from")
        ->check(CLI::IsMember(recipeNames()))
        ->capture_default_str();
    c->add_flag("--force", n->force, "Overwrite an existing file");
    commands.push_back({c, [n] { return runNew(*n); }});

    auto r = std::make_shared<RunOptions>();
    c = experiment->add_subcommand(
        "run", "Run an experiment's unfinished trials on this machine (again: resumes)");
    c->add_option("file", r->file, "The experiment file")->required()->check(CLI::ExistingFile);
    c->add_option("--workers", r->workers, "Worker processes (default: one per GPU, or 1 on a CPU)")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--threads", r->threads,
                  "CPU threads per worker (default: the file's, else the cores divided)")
        ->check(CLI::NonNegativeNumber);
    commands.push_back({c, [r] { return runLocal(*r); }});

    auto w = std::make_shared<WorkerOptions>();
    c = experiment->add_subcommand(
        "worker",
        "Run trials of an experiment directory in this process (what `run` and Slurm "
        "array elements start)");
    c->add_option("directory", w->directory, "The experiment directory")
        ->required()
        ->check(CLI::ExistingDirectory);
    c->add_option("--threads", w->threads, "CPU threads (0: $OMP_NUM_THREADS, else every core)");
    c->add_option("--submission", w->submission, "Run the trials of this Slurm submission...");
    c->add_option("--chunk", w->chunk, "...that array element CHUNK runs");
    c->add_flag("--slurm", w->slurm, "Requeue this array element when Slurm signals USR1");
    commands.push_back({c, [w] { return runWorker(*w); }});

    auto s = std::make_shared<SubmitOptions>();
    c = experiment->add_subcommand(
        "submit", "Submit an experiment's unfinished trials to Slurm as one job array");
    c->add_option("file", s->target, "The experiment file")->required()->check(CLI::ExistingFile);
    c->add_flag("--slurm", s->slurm, "Submit to the Slurm cluster sbatch reaches");
    addSlurmOptions(*c, s->slurmOptions);
    commands.push_back({c, [s] { return runSubmit(*s); }});

    auto rs = std::make_shared<SubmitOptions>();
    c = experiment->add_subcommand("resubmit",
                                   "Submit the failed and missing trials of an experiment again");
    c->add_option("directory", rs->target, "The experiment directory")
        ->required()
        ->check(CLI::ExistingDirectory);
    addSlurmOptions(*c, rs->slurmOptions);
    commands.push_back({c, [rs] { return runResubmit(*rs); }});

    auto addDirectory = [&](const char* name, const char* help) {
        auto o = std::make_shared<DirectoryOptions>();
        CLI::App* sub = experiment->add_subcommand(name, help);
        sub->add_option("directory", o->directory, "The experiment directory")
            ->required()
            ->check(CLI::ExistingDirectory);
        return std::make_pair(sub, o);
    };
    auto [status, so] = addDirectory("status", "Trials queued, running, done and failed");
    status->add_flag("--json", so->json, "Print JSON");
    commands.push_back({status, [so = so] { return runStatus(*so); }});

    auto [cancel, co] =
        addDirectory("cancel", "Cancel an experiment's Slurm jobs and local workers");
    commands.push_back({cancel, [co = co] { return runCancel(*co); }});

    auto [collect, lo] =
        addDirectory("collect", "Import the finished trials into the run history (idempotent)");
    collect->add_option("--db", lo->historyDb, "Run history database (default: the user's)");
    commands.push_back({collect, [lo = lo] { return runCollect(*lo); }});

    auto [report, ro] = addDirectory(
        "report", "Per configuration: runs, mean, std and 95% CI of accuracy and time; the best");
    report->add_flag("--json", ro->json, "Print JSON");
    report->add_flag("--csv", ro->csv, "Print CSV");
    report->add_option("--compare", ro->compare, "Welch's test between two points: A B")
        ->expected(2);
    commands.push_back({report, [ro = ro] { return runReport(*ro); }});
    return commands;
}

}  // namespace airbench::cli
