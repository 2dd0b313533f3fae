// airbench score / select: per-example scores of the training set, and the selection experiment.

#include <airbench/error.h>
#include <airbench/mask.h>
#include <airbench/scores.h>
#include <airbench/selection.h>

#include "cli_common.h"
#include "commands.h"

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
    bool stopRequested() const override { return interrupted(); }
};

struct TrainingOverrides {
    std::optional<double> epochs, labelSmoothing;
    std::optional<int> batchSize;
    double width = 1.0;
    uint64_t seed = 0;
};

void addOverrides(CLI::App& c, TrainingOverrides& o) {
    c.add_option("--epochs", o.epochs, "Epochs of each network")->check(CLI::Range(0.001, 1000.0));
    c.add_option("--label-smoothing", o.labelSmoothing, "Label smoothing")
        ->check(CLI::Range(0.0, 0.99));
    c.add_option("--batch-size", o.batchSize, "Batch size")->check(CLI::Range(1, 65536));
    c.add_option("--width", o.width, "Width multiplier")
        ->check(CLI::Range(0.01, 8.0))
        ->capture_default_str();
    c.add_option("--seed", o.seed, "Seed of the first network")->capture_default_str();
}

TrainOptions toTrainOptions(const TrainingOverrides& o) {
    TrainOptions t;
    t.epochs = o.epochs;
    t.labelSmoothing = o.labelSmoothing;
    t.batchSize = o.batchSize;
    t.widthMultiplier = o.width;
    t.seed = o.seed;
    return t;
}

struct ScoreCommandOptions {
    DataOptions data;
    DeviceOptions device;
    TrainingOverrides train;
    std::string recipe = "airbench94";
    int runs = 1;
    int folds = 0;
    int tta = 0;
    bool perEpoch = false;
    std::string out;
    std::string maskOut;
    std::string maskScore = "confidence";
    double maskKeep = 0.6;
    bool maskHighest = false;
};

int runScore(const ScoreCommandOptions& o) {
    const Recipe& recipe = findRecipe(o.recipe);
    const Device device = setUpDevice(o.device);
    const Dataset data = loadData(o.data);
    ScoreOptions options;
    options.runs = o.runs;
    options.folds = o.folds;
    options.perEpoch = o.perEpoch;
    options.ttaLevel = o.tta;
    options.train = toTrainOptions(o.train);
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
    const ExampleScores scores =
        scoreTrainingSet(recipe, data.train, device, options, data.hash, &progress);
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
        mask.setDatasetHash(data.hash);
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
    DataOptions data;
    DeviceOptions device;
    TrainingOverrides train;
    std::string recipe = "airbench94";
    double keep = 0.6;
    std::string score = "confidence";
    bool highest = false;
    int runs = 4;
    double epochs = 16;
    bool matchClasses = false;
    std::string jsonPath;
    std::string maskOut;
};

int runSelect(const SelectCommandOptions& o) {
    const Recipe& recipe = findRecipe(o.recipe);
    const Device device = setUpDevice(o.device);
    const Dataset data = loadData(o.data);
    SelectionOptions options;
    options.keep = o.keep;
    options.score = parseScoreKind(o.score);
    options.lowest = !o.highest;
    options.runs = o.runs;
    options.epochs = o.epochs;
    options.matchClassMix = o.matchClasses;
    options.train = toTrainOptions(o.train);
    JobProgress progress;
    const SelectionResult r = runSelectionExperiment(recipe, data, device, options, &progress);
    std::printf("%-28s %5s %9s %9s %9s\n", "arm", "runs", "mean", "std", "95% CI");
    for (const SelectionArm* arm : {&r.selected, &r.random}) {
        std::printf("%-28s %5d %9.4f %9.4f  +-%.4f\n", arm->name.c_str(), arm->summary.count,
                    arm->summary.mean, arm->summary.stddev, arm->summary.ci95);
    }
    std::printf("difference (selected - random): %+.4f, Welch t = %.3f, dof = %.1f, p = %.4g\n",
                r.test.difference, r.test.t, r.test.dof, r.test.pValue);
    std::printf("kept %lld of %lld examples by %s (%s); scores: %s\n",
                static_cast<long long>(r.keptExamples), static_cast<long long>(data.train.size()),
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
        writeJsonFile(o.jsonPath, {{"recipe", recipe.name},
                                   {"dataset_hash", data.hash},
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
    c->add_option("--recipe", o->recipe, "Recipe")
        ->check(CLI::IsMember(recipeNames()))
        ->capture_default_str();
    addDataOptions(*c, o->data);
    addDeviceOptions(*c, o->device);
    addOverrides(*c, o->train);
    c->add_option("--runs", o->runs, "Networks (seeds) to average")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
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
    return {c, [o] { return runScore(*o); }};
}

Command addSelectCommand(CLI::App& app) {
    auto o = std::make_shared<SelectCommandOptions>();
    CLI::App* c = app.add_subcommand("select",
                                     "Selection experiment: train on a score-selected subset vs "
                                     "random subsets of the same size");
    c->add_option("--recipe", o->recipe, "Recipe")
        ->check(CLI::IsMember(recipeNames()))
        ->capture_default_str();
    addDataOptions(*c, o->data);
    addDeviceOptions(*c, o->device);
    addOverrides(*c, o->train);
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
    return {c, [o] { return runSelect(*o); }};
}

}  // namespace airbench::cli
