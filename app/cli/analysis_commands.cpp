// airbench score / select: per-example scores of the training set, and the selection experiment.

#include <airbench/error.h>
#include <airbench/history.h>
#include <airbench/mask.h>
#include <airbench/scores.h>
#include <airbench/scoring.h>
#include <airbench/selection.h>

#include "cli_common.h"
#include "commands.h"
#include "knob_options.h"

#include <unistd.h>
#include <cstdio>
#include <memory>

namespace airbench::cli {
namespace {

// Progress of multi-network jobs on stderr; Ctrl-C stops them.
class JobProgress : public SelectionObserver {
public:
    void onNetwork(int index, int total, const std::string& what) override {
        std::fprintf(stderr, "network %d/%d (%s)\n", index + 1, total, what.c_str());
    }
    void onPhase(const std::string& phase, int run, int runs) override {
        std::fprintf(stderr, "%s: run %d/%d\n", phase.c_str(), run + 1, runs);
    }
    void onArmRun(const std::string& phase, int run, double accuracy) override {
        std::fprintf(stderr, "  %s run %d: tta_val_acc %.4f\n", phase.c_str(), run + 1, accuracy);
    }
    void onEpoch(const EpochMetrics& m) override {
        if (isatty(STDERR_FILENO)) {
            std::fprintf(stderr, "\r  epoch %d  loss %.4f  (%.1f s)   ", m.epoch + 1, m.trainLoss,
                         m.seconds);
            std::fflush(stderr);
        }
    }
    void onFinish(const RunSummary&) override {
        if (isatty(STDERR_FILENO))
            std::fprintf(stderr, "\r%60s\r", "");
    }
    void onSetup(const RunSetup& setup) override {
        if (setup.dataSeconds > 0) {
            printDataLine(*setup.dataset, setup.dataSeconds);
        }
    }
    void onNote(const std::string& note) override {
        std::fprintf(stderr, "note: %s\n", note.c_str());
    }
    bool stopRequested() const override { return interrupted(); }
};

// What score and select share: the recipe, its overrides and run settings, the data and where
// the networks they train are recorded.
struct JobOptions {
    DataOptions data;
    KnobOptions knobs;
    std::string recipe = "airbench94";
    bool noRecord = false;
    std::string historyDb;
};

void addJobOptions(CLI::App& c, JobOptions& o, const std::vector<std::string>& except = {}) {
    c.add_option("--recipe", o.recipe, "Recipe")
        ->check(CLI::IsMember(recipeNames()))
        ->capture_default_str();
    addDataOptions(c, o.data);
    o.knobs.add(c, KnobOptions::Which::Everything, except);
    c.add_flag("--no-record", o.noRecord, "Do not record the networks in the run history");
    c.add_option("--db", o.historyDb,
                 "Run history database (default: $AIRBENCH_HISTORY_DB, else "
                 "~/.local/share/airbench-workbench/history.sqlite)");
}

RunRequest requestOf(const JobOptions& o, const CLI::App& command) {
    RunRequest request;
    request.config.recipe = o.recipe;
    applyDataOptions(o.data, command, request.config.data);
    o.knobs.apply(request.config);
    validateRunConfig(request.config);
    if (!o.noRecord) {
        request.history.path = o.historyDb.empty() ? history::Database::defaultPath() : o.historyDb;
        request.history.required = !o.historyDb.empty();
    }
    return request;
}

struct ScoreCommandOptions {
    JobOptions job;
    int folds = 0;
    int tta = 0;
    bool perEpoch = false;
    std::string out;
    std::string maskOut;
    std::string maskScore = "confidence";
    double maskKeep = 0.6;
    bool maskHighest = false;
};

int runScore(const ScoreCommandOptions& o, const CLI::App& command) {
    const RunRequest request = requestOf(o.job, command);
    ScoreOptions options;
    options.folds = o.folds;
    options.perEpoch = o.perEpoch;
    options.ttaLevel = o.tta;
    if (o.perEpoch && o.folds >= 2) {
        std::fprintf(stderr,
                     "note: --per-epoch applies to in-sample scoring only; ignored with --folds\n");
    }
    if (o.perEpoch) {
        std::fprintf(stderr,
                     "note: --per-epoch adds one inference pass over the training set per "
                     "epoch (about the cost of a third of a training epoch)\n");
    }
    JobProgress progress;
    Runner runner;
    const ExampleScores scores = scoreTrainingSet(runner, request, options, &progress);
    writeScoresCsv(o.out, scores);
    int64_t correct = 0;
    for (uint8_t c : scores.correct)
        correct += c;
    std::printf("scored %lld training examples (%s): %.2f%% predicted correctly; wrote %s\n",
                static_cast<long long>(scores.size), scores.provenance.describe().c_str(),
                100.0 * double(correct) / double(scores.size), o.out.c_str());
    if (!o.maskOut.empty()) {
        const ScoreKind kind = parseScoreKind(o.maskScore);
        Mask mask = maskFromQuantile(scores.values(kind), o.maskKeep, !o.maskHighest);
        mask.setDatasetHash(scores.provenance.datasetHash);
        mask.setDescription(mask.name() + " " + scoreName(kind) + "; " +
                            scores.provenance.describe());
        mask.save(o.maskOut);
        std::printf("wrote mask '%s' (%lld of %lld examples) to %s\n", mask.name().c_str(),
                    static_cast<long long>(mask.count()), static_cast<long long>(mask.size()),
                    o.maskOut.c_str());
    }
    return 0;
}

struct SelectCommandOptions {
    JobOptions job;
    double keep = 0.6;
    std::string score = "confidence";
    bool highest = false;
    int runs = 4;
    double epochs = 16;
    bool matchClasses = false;
    std::string jsonPath;
    std::string maskOut;
};

int runSelect(const SelectCommandOptions& o, const CLI::App& command) {
    const RunRequest request = requestOf(o.job, command);
    SelectionOptions options;
    options.keep = o.keep;
    options.score = parseScoreKind(o.score);
    options.lowest = !o.highest;
    options.runs = o.runs;
    options.epochs = o.epochs;
    options.matchClassMix = o.matchClasses;
    JobProgress progress;
    Runner runner;
    const SelectionResult r = runSelectionExperiment(runner, request, options, &progress);
    std::printf("%-28s %5s %9s %9s %9s\n", "arm", "runs", "mean", "std", "95% CI");
    for (const SelectionArm* arm : {&r.selected, &r.random}) {
        std::printf("%-28s %5d %9.4f %9.4f  +-%.4f\n", arm->name.c_str(), arm->summary.count,
                    arm->summary.mean, arm->summary.stddev, arm->summary.ci95);
    }
    std::printf("difference (selected - random): %+.4f, Welch t = %.3f, dof = %.1f, p = %.4g\n",
                r.test.difference, r.test.t, r.test.dof, r.test.pValue);
    std::printf("kept %lld of %lld examples by %s (%s); scores: %s\n",
                static_cast<long long>(r.keptExamples), static_cast<long long>(r.scores.size),
                scoreName(options.score).c_str(), o.highest ? "highest" : "lowest",
                r.scores.provenance.describe().c_str());
    if (!o.maskOut.empty()) {
        r.selection.save(o.maskOut);
    }
    if (!o.jsonPath.empty()) {
        auto arm = [](const SelectionArm& a) {
            return nlohmann::json{{"name", a.name},          {"accuracies", a.accuracies},
                                  {"seconds", a.seconds},    {"mean", a.summary.mean},
                                  {"std", a.summary.stddev}, {"ci95", a.summary.ci95}};
        };
        writeJsonFile(o.jsonPath, {{"recipe", request.config.recipe},
                                   {"overrides", describeOverrides(request.config.overrides)},
                                   {"dataset_hash", r.scores.provenance.datasetHash},
                                   {"keep", o.keep},
                                   {"kept_examples", r.keptExamples},
                                   {"score", scoreName(options.score)},
                                   {"lowest", !o.highest},
                                   {"epochs", o.epochs},
                                   {"match_class_mix", o.matchClasses},
                                   {"scores_provenance", r.scores.provenance.describe()},
                                   {"selected", arm(r.selected)},
                                   {"random", arm(r.random)},
                                   {"difference", r.test.difference},
                                   {"welch_t", number(r.test.t)},
                                   {"welch_dof", number(r.test.dof)},
                                   {"p_value", number(r.test.pValue)}});
    }
    return 0;
}

std::vector<std::string> scoreNames() {
    std::vector<std::string> names;
    for (ScoreKind k : allScoreKinds())
        names.push_back(scoreName(k));
    return names;
}

}  // namespace

Command addScoreCommand(CLI::App& app) {
    auto o = std::make_shared<ScoreCommandOptions>();
    CLI::App* c =
        app.add_subcommand("score", "Score every training example (CSV), optionally write a mask");
    // Scoring networks are judged on the training set: their --tta is the scoring's.
    addJobOptions(*c, o->job, {"tta_level"});
    c->add_option(
         "--folds", o->folds,
         "Held-out scoring over K folds (each example scored by networks that did not see it)")
        ->check(CLI::Range(0, 100));
    c->add_flag("--per-epoch", o->perEpoch,
                "Data map and forgetting over every epoch (costs an inference pass per epoch)");
    c->add_option("--tta", o->tta, "TTA level when scoring the training set")
        ->check(CLI::Range(0, 2))
        ->capture_default_str();
    c->add_option("--out", o->out, "CSV file to write")->required();
    c->add_option("--mask-out", o->maskOut,
                  "Also write a mask of the --mask-keep fraction by --mask-score");
    c->add_option("--mask-score", o->maskScore, "Score for --mask-out")
        ->check(CLI::IsMember(scoreNames()))
        ->capture_default_str();
    c->add_option("--mask-keep", o->maskKeep, "Fraction kept by --mask-out")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    c->add_flag("--mask-highest", o->maskHighest, "Keep the highest scores instead of the lowest");
    return {c, [o, c] { return runScore(*o, *c); }};
}

Command addSelectCommand(CLI::App& app) {
    auto o = std::make_shared<SelectCommandOptions>();
    CLI::App* c = app.add_subcommand("select",
                                     "Selection experiment: train on a score-selected subset vs "
                                     "random subsets of the same size");
    addJobOptions(*c, o->job, {"runs"});
    c->add_option("--keep", o->keep, "Fraction of the training set kept")
        ->check(CLI::Range(0.001, 0.999))
        ->capture_default_str();
    c->add_option("--score", o->score, "Score that selects")
        ->check(CLI::IsMember(scoreNames()))
        ->capture_default_str();
    c->add_flag("--highest", o->highest, "Keep the highest scores (default: the lowest)");
    c->add_option("--runs", o->runs, "Seeds per arm")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    c->add_option("--train-epochs", o->epochs, "Epochs of each arm's runs (the seed: 16)")
        ->check(CLI::Range(0.001, 1000.0))
        ->capture_default_str();
    c->add_flag("--match-classes", o->matchClasses, "Random arm keeps the selection's class mix");
    c->add_option("--json", o->jsonPath, "Write both arms and the test as JSON");
    c->add_option("--mask-out", o->maskOut, "Write the selection as a mask file");
    return {c, [o, c] { return runSelect(*o, *c); }};
}

}  // namespace airbench::cli
