// airbench evaluate: a saved network (a file, or the checkpoint a recorded run kept) on any
// dataset's test and/or training split, with TTA; optionally the per-example scores of the
// training set, so that a network trained yesterday can be explored without training it again.

#include <airbench/error.h>
#include <airbench/history.h>
#include <airbench/inference.h>
#include <airbench/knobs.h>
#include <airbench/loader.h>
#include <airbench/model.h>
#include <airbench/run_config.h>
#include <airbench/scores.h>

#include "cli_common.h"
#include "commands.h"

#include <cstdio>
#include <memory>
#include <optional>

namespace airbench::cli {
namespace {

struct EvaluateOptions {
    std::string model;
    int64_t run = 0;
    std::string db;
    DataOptions data;
    DeviceOptions device;
    std::string split = "test";
    int tta = -1;  // -1: the level the run was evaluated at
    std::string scoresOut;
    bool json = false;
};

struct RecordedNetwork {
    std::string path;  // the checkpoint
    int ttaLevel = 0;  // what the run's final evaluation used
};

// The checkpoint a recorded run kept (the newest, if it kept several), and its TTA level.
RecordedNetwork networkOfRun(const EvaluateOptions& o) {
    history::Database db(o.db.empty() ? history::Database::defaultPath() : o.db);
    const auto run = db.run(o.run);
    if (!run) {
        throw Error("run #" + std::to_string(o.run) + " is not in " + db.path());
    }
    const Recipe recipe = resolvedRecipe(
        runConfigFromJson(run->configJson, "the configuration of run #" + std::to_string(o.run)));
    std::string path;
    for (const history::Artifact& a : db.artifacts(o.run)) {
        if (a.kind == "checkpoint") {
            path = a.path;
        }
    }
    if (path.empty()) {
        throw Error("run #" + std::to_string(o.run) +
                    " kept no network (train with --save-model, or keep networks in the GUI)");
    }
    return {path, recipe.hyp.ttaLevel};
}

struct SplitResult {
    std::string name;
    int64_t examples = 0;
    double accuracy = 0;
    std::vector<double> perClass;  // accuracy within each true class
};

// The network's predicted class for every image of a split.
std::vector<int64_t> predictSplit(const Model& model, const ImageSet& images, int tta,
                                  Device device) {
    return infer(model, makeTestLoader(images, device), tta).argmax();
}

SplitResult summarizeSplit(const std::string& name, const std::vector<int64_t>& labels,
                           const std::vector<int64_t>& predicted, int classes) {
    SplitResult r;
    r.name = name;
    r.examples = static_cast<int64_t>(labels.size());
    std::vector<int64_t> right(static_cast<size_t>(classes)), total(static_cast<size_t>(classes));
    int64_t correct = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
        const auto c = static_cast<size_t>(labels[i]);
        const bool hit = predicted[i] == labels[i];
        correct += hit;
        right[c] += hit;
        ++total[c];
    }
    r.accuracy = labels.empty() ? 0.0 : double(correct) / double(labels.size());
    for (size_t c = 0; c < right.size(); ++c) {
        r.perClass.push_back(total[c] > 0 ? double(right[c]) / double(total[c]) : 0.0);
    }
    return r;
}

int runEvaluate(EvaluateOptions o) {
    if (o.model.empty() == (o.run == 0)) {
        throw Error("give exactly one of --model FILE and --run ID");
    }
    std::string path = o.model;
    int runTta = -1;
    if (o.run > 0) {
        const RecordedNetwork recorded = networkOfRun(o);
        path = recorded.path;
        runTta = recorded.ttaLevel;
    }
    const Device device = setUpDevice(o.device);
    const Model model = Model::load(path, device);
    if (o.tta < 0) {
        // As the run evaluated itself: its recorded level, else its recipe's.
        o.tta = runTta >= 0 ? runTta : findRecipe(model.info().recipe).hyp.ttaLevel;
    }
    const Dataset data = loadData(o.data, o.json);
    const bool sameData = model.info().datasetHash == data.hash;
    if (!sameData && !o.json) {
        std::fprintf(stderr,
                     "note: %s was trained on other data (dataset hash %.12s); evaluating "
                     "on %s\n",
                     path.c_str(), model.info().datasetHash.c_str(), data.name.c_str());
    }

    // The scores hold the training set's predictions: with --scores-out, one inference pass over
    // it serves both.
    std::optional<ExampleScores> trainScores;
    if (!o.scoresOut.empty()) {
        trainScores = scoreModel(model, makeTestLoader(data.train, device), o.tta);
        writeScoresCsv(o.scoresOut, *trainScores);
    }
    std::vector<SplitResult> results;
    if (o.split == "test" || o.split == "both") {
        results.push_back(summarizeSplit("test", data.test.labels,
                                         predictSplit(model, data.test, o.tta, device),
                                         data.numClasses()));
    }
    if (o.split == "train" || o.split == "both") {
        const std::vector<int64_t> predicted =
            trainScores
                ? std::vector<int64_t>(trainScores->predicted.begin(), trainScores->predicted.end())
                : predictSplit(model, data.train, o.tta, device);
        results.push_back(summarizeSplit("train", data.train.labels, predicted, data.numClasses()));
    }

    if (o.json) {
        nlohmann::json splits = nlohmann::json::object();
        for (const SplitResult& r : results) {
            nlohmann::json perClass = nlohmann::json::object();
            for (size_t c = 0; c < r.perClass.size(); ++c) {
                perClass[data.classNames[c]] = number(r.perClass[c]);
            }
            splits[r.name] = {{"examples", r.examples},
                              {"accuracy", number(r.accuracy)},
                              {"per_class", perClass}};
        }
        nlohmann::json out = {
            {"model", path},
            {"recipe", model.info().recipe},
            {"seed", model.info().seed},
            {"trained_on_this_dataset", sameData},
            {"dataset", {{"name", data.name}, {"path", data.path}, {"hash", data.hash}}},
            {"tta", o.tta},
            {"splits", splits}};
        if (o.run > 0) {
            out["run"] = o.run;
        }
        if (!o.scoresOut.empty()) {
            out["scores"] = o.scoresOut;
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("%s (%s, seed %llu) on %s, TTA level %d\n", path.c_str(),
                model.info().recipe.c_str(), static_cast<unsigned long long>(model.info().seed),
                data.name.c_str(), o.tta);
    for (const SplitResult& r : results) {
        std::printf("  %-5s %7lld examples  accuracy %.4f\n", r.name.c_str(),
                    static_cast<long long>(r.examples), r.accuracy);
        for (size_t c = 0; c < r.perClass.size(); ++c) {
            std::printf("        %-12s %.4f\n", data.classNames[c].c_str(), r.perClass[c]);
        }
    }
    if (!o.scoresOut.empty()) {
        std::printf("wrote the training set's scores to %s\n", o.scoresOut.c_str());
    }
    return 0;
}

}  // namespace

Command addEvaluateCommand(CLI::App& app) {
    auto o = std::make_shared<EvaluateOptions>();
    CLI::App* c = app.add_subcommand(
        "evaluate",
        "Evaluate a saved network (a file or a recorded run's checkpoint) on a dataset");
    c->add_option("--model", o->model, "A network saved by `train --save-model` or the GUI")
        ->check(CLI::ExistingFile);
    c->add_option("--run", o->run, "A recorded run that kept its network (see `airbench runs`)")
        ->check(CLI::PositiveNumber);
    c->add_option("--db", o->db,
                  "The run history (default: $AIRBENCH_HISTORY_DB, else the "
                  "user's data folder)");
    addDataOptions(*c, o->data);
    addDeviceOptions(*c, o->device);
    c->add_option("--split", o->split, "Which split to evaluate")
        ->check(CLI::IsMember({"test", "train", "both"}))
        ->capture_default_str();
    const Knob& tta = findKnob("tta_level");
    c->add_option("--tta", o->tta,
                  std::string(tta.help) + "; default: the level the run used (its recipe's)")
        ->check(CLI::Range(int(tta.min), int(tta.max)));
    c->add_option("--scores-out", o->scoresOut,
                  "Also write the training set's per-example scores (CSV, as `score --out`)");
    c->add_flag("--json", o->json, "Print the result as JSON on stdout");
    return {c, [o] { return runEvaluate(*o); }};
}

}  // namespace airbench::cli
