#include <airbench/build_info.h>
#include <airbench/error.h>
#include <airbench/history.h>
#include <airbench/loader.h>
#include <airbench/paths.h>
#include <airbench/run_recorder.h>
#include <airbench/runner.h>

#include <chrono>
#include <filesystem>
#include <optional>

namespace airbench {
namespace {

// The examples a configuration selects from a loaded dataset: its first N of each split. The
// whole dataset itself when nothing is cut (CIFAR-10's splits are 180 MB to copy).
std::shared_ptr<const Dataset> subsetOf(const std::shared_ptr<const Dataset>& full,
                                        const DataSelection& selection) {
    const int64_t train = selection.trainSubset, test = selection.testSubset;
    const bool cut =
        (train > 0 && train < full->train.size()) || (test > 0 && test < full->test.size());
    if (!cut) {
        return full;
    }
    auto subset = std::make_shared<Dataset>();
    subset->name = full->name;
    subset->format = full->format;
    subset->path = full->path;
    subset->classNames = full->classNames;
    subset->normalizationNote = full->normalizationNote;
    subset->train = train > 0 ? full->train.head(train) : full->train;
    subset->test = test > 0 ? full->test.head(test) : full->test;
    subset->hash = computeDatasetHash(subset->train, subset->test);
    return subset;
}

void checkMask(const Mask& mask, const Dataset& data) {
    if (mask.size() != data.train.size() ||
        (!mask.datasetHash().empty() && mask.datasetHash() != data.hash)) {
        throw Error("mask '" + mask.name() + "' was made for other examples (" +
                    std::to_string(mask.size()) + " of them); the training set in use has " +
                    std::to_string(data.train.size()) +
                    ": make the mask again or choose the subset it was made for");
    }
    if (mask.count() == 0) {
        throw Error("mask '" + mask.name() + "' keeps no examples");
    }
}

history::RunRecord recordOf(const RunSetup& setup, const RunConfig& config, uint64_t seed,
                            const std::vector<std::string>& tags) {
    RunConfig thisRun = config;
    thisRun.run.seed = seed;
    history::RunRecord r;
    r.recipe = setup.recipe.name;
    r.configJson = runConfigToJson(thisRun, &setup.facts);
    r.datasetName = setup.facts.datasetName;
    r.datasetHash = setup.facts.datasetHash;
    r.maskName = setup.facts.maskName;
    r.maskHash = setup.facts.maskHash;
    r.seed = seed;
    r.device = setup.deviceName;
    r.softwareVersion = build::version();
    r.tags = tags;
    return r;
}

// Keeps a finished run's network where the request asks. A network that cannot be kept in the
// networks folder costs its checkpoint, never the run or its record; a file named explicitly
// (saveModelPath) that cannot be written is an error.
void keepNetwork(const RunRequest& request, const Model& model, int64_t historyId, bool lastRun,
                 history::Database* db, RunObserver* observer) {
    auto note = [&](const std::string& text) {
        if (observer) {
            observer->onNote(text);
        }
    };
    auto registerFile = [&](const std::string& path) {
        try {
            db->addArtifact(historyId, "checkpoint", path);
        } catch (const std::exception& e) {
            note(std::string("run history: the checkpoint was not registered: ") + e.what());
        }
    };
    if (!request.networksDir.empty() && db && historyId > 0) {
        const std::filesystem::path path = std::filesystem::path(request.networksDir) /
                                           ("run-" + std::to_string(historyId) + ".pt");
        try {
            std::filesystem::create_directories(request.networksDir);
            model.save(path.string());
            registerFile(path.string());
            note("kept the network in " + path.string());
        } catch (const std::exception& e) {
            note(std::string("the network was not kept: ") + e.what());
        }
    }
    if (!request.saveModelPath.empty() && lastRun) {
        model.save(request.saveModelPath);
        note("saved the network to " + request.saveModelPath);
        if (db && historyId > 0) {
            registerFile(request.saveModelPath);
        }
    }
}

}  // namespace

struct Runner::State {
    // The dataset last loaded from a folder, and the one last used (subsets applied).
    std::string loadedKey;
    std::shared_ptr<const Dataset> loaded;
    std::shared_ptr<const Dataset> source;  // what `inUse` was cut from
    DataSelection cut;
    std::shared_ptr<const Dataset> inUse;
    // Loaders of `inUse` on `loaderDevice`: uploading a split costs seconds on a CPU.
    std::optional<CifarLoader> train, test;
    std::shared_ptr<const Dataset> loaderSource;
    Device loaderDevice;
    std::string warmedUpFor;
    std::string historyPath;
    std::optional<history::Database> history;

    std::shared_ptr<const Dataset> data(const RunRequest& request, double& seconds);
    void prepareLoaders(const Recipe& recipe, const Device& device);
    history::Database* openHistory(const RunRequest::History& wanted, RunObserver* observer);
};

std::shared_ptr<const Dataset> Runner::State::data(const RunRequest& request, double& seconds) {
    seconds = 0;
    std::shared_ptr<const Dataset> full = request.dataset;
    const DataSelection& d = request.config.data;
    if (!full) {
        std::string path = d.path.empty() ? findDefaultDataset() : d.path;
        if (path.empty()) {
            std::string tried;
            for (const auto& c : defaultDatasetCandidates()) {
                tried += "\n  " + c;
            }
            throw DatasetError(
                "no dataset given (--data DIR) and none found in the default places:" + tried);
        }
        const std::string key = path + "\n" + formatName(d.format);
        if (key != loadedKey || !loaded) {
            const auto start = std::chrono::steady_clock::now();
            loaded.reset();  // free the previous one first: two CIFAR-10s are 360 MB
            loaded = std::make_shared<const Dataset>(loadDataset(path, d.format));
            loadedKey = key;
            seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        full = loaded;
    }
    if (full != source || d.trainSubset != cut.trainSubset || d.testSubset != cut.testSubset) {
        inUse = subsetOf(full, d);
        source = full;
        cut = d;
    }
    return inUse;
}

void Runner::State::prepareLoaders(const Recipe& recipe, const Device& device) {
    if (!train || loaderSource != inUse || loaderDevice != device) {
        train.reset();  // free the old uploads first
        test.reset();
        train.emplace(makeTrainLoader(recipe, inUse->train, device));
        test.emplace(makeTestLoader(inUse->test, device));
        loaderDevice = device;
        loaderSource = inUse;
    }
    train->setBatchSize(recipe.hyp.batchSize);
    train->setAugmentation(augmentationOf(recipe.hyp));
}

history::Database* Runner::State::openHistory(const RunRequest::History& wanted,
                                              RunObserver* observer) {
    if (wanted.path.empty()) {
        return nullptr;
    }
    if (history && historyPath == wanted.path) {
        return &*history;
    }
    history.reset();
    try {
        history.emplace(wanted.path);
        historyPath = wanted.path;
    } catch (const std::exception& e) {
        if (wanted.required) {
            throw;
        }
        if (observer) {
            observer->onNote(std::string("run history: not recording: ") + e.what());
        }
        return nullptr;
    }
    return &*history;
}

Runner::Runner() : state_(std::make_unique<State>()) {}
Runner::~Runner() = default;

std::shared_ptr<const Dataset> Runner::dataOf(const RunRequest& request) {
    double seconds = 0;
    return state_->data(request, seconds);
}

RunOutcome Runner::run(const RunRequest& request, RunObserver* observer) {
    const RunConfig& config = request.config;
    validateRunConfig(config);
    if (!request.networksDir.empty() && request.history.path.empty()) {
        throw Error("keeping the networks needs the run history (they are named by run id)");
    }
    State& s = *state_;
    // A database named explicitly must open before anything trains.
    history::Database* db = s.openHistory(request.history, observer);

    RunSetup setup;
    setup.recipe = resolvedRecipe(config);
    setCpuThreads(config.run.threads);
    setup.device = resolveDevice(config.run.device);
    setup.deviceName = describeDevice(setup.device);
    setup.dataset = s.data(request, setup.dataSeconds);
    const Dataset& data = *setup.dataset;
    setup.mask = request.mask;
    if (!setup.mask && !config.maskPath.empty()) {
        setup.mask =
            std::make_shared<const Mask>(Mask::load(config.maskPath, data.hash, data.train.size()));
    }
    if (setup.mask) {
        checkMask(*setup.mask, data);
    }

    s.prepareLoaders(setup.recipe, setup.device);
    CifarLoader& train = *s.train;
    CifarLoader& test = *s.test;
    if (setup.mask) {
        train.setMask(setup.mask->keep());
    } else {
        train.clearMask();
    }
    // Refused here, before anything is recorded: no run started.
    if (train.size() < train.batchSize()) {
        throw Error("the training set holds " + std::to_string(train.size()) +
                    " examples, fewer than one batch of " + std::to_string(train.batchSize()) +
                    ": lower the batch size or use more examples");
    }
    setup.plan = planForLoader(setup.recipe, train, request.evaluate ? test.size() : 0);

    RunFacts& facts = setup.facts;
    facts.datasetName = data.name;
    facts.datasetHash = data.hash;
    facts.trainExamples = data.train.size();
    facts.testExamples = data.test.size();
    if (setup.mask) {
        facts.maskName = setup.mask->name();
        facts.maskHash = setup.mask->hash();
        facts.maskExamples = train.size();
    }
    facts.device = setup.deviceName;
    facts.warmedUp = config.run.warmsUp(setup.device);
    // What the runs record names the data as loaded (the folder its files came from, its
    // format), whoever loaded it: the GUI's runs and the CLI's then read back alike.
    RunConfig recorded = config;
    recorded.data.path =
        data.path.empty() ? data.path : std::filesystem::absolute(data.path).string();
    recorded.data.format = data.format;
    setup.configJson = runConfigToJson(recorded, &facts);
    if (observer) {
        observer->onSetup(setup);
    }

    TrainOptions options;
    options.mechanics.compiled = config.run.compiled;
    options.mechanics.fusedNormActivation = config.run.fusedNormActivation;
    options.mechanics.compactPooling = config.run.compactPooling;
    options.provenance.datasetHash = data.hash;
    options.analysis = request.analysis;
    if (!request.evaluate) {
        options.analysis.evaluateEveryEpoch = false;
    }
    auto stopRequested = [&] { return observer && observer->stopRequested(); };

    // cuDNN picks its kernels on the first steps of a shape: a throwaway warm-up keeps that out
    // of the first run's time, once per shape. On a CPU it buys nothing (WarmupMode::Auto).
    const std::string shape = setup.recipe.name + "/" + setup.deviceName + "/" +
                              std::to_string(setup.recipe.hyp.widthMultiplier) + "/" +
                              std::to_string(train.batchSize());
    if (facts.warmedUp && s.warmedUpFor != shape && !stopRequested()) {
        if (observer) {
            observer->onNote("warm-up: a few untimed steps on random labels (kernel selection)");
        }
        warmup(setup.recipe, train, options, 2 * std::max<int64_t>(1, setup.plan.stepsPerEpoch));
        s.warmedUpFor = shape;
    }

    RunOutcome outcome;
    outcome.historyPath = db ? s.historyPath : std::string();
    std::vector<double> accuracies, seconds;
    for (int index = 0; index < config.run.runs && !stopRequested(); ++index) {
        const uint64_t seed = config.run.seed + static_cast<uint64_t>(index);
        options.mechanics.seed = seed;
        // Inserted as "running" at once; a recording error stops only the recording (the
        // recorder forwards it to the observer as a note).
        std::optional<history::RunRecorder> recorder;
        if (db) {
            recorder.emplace(*db, recordOf(setup, recorded, seed, request.history.tags), observer);
        }
        const int64_t historyId = recorder && recorder->error().empty() ? recorder->runId() : 0;
        if (observer) {
            observer->onRunBegin(index, seed, historyId);
        }
        TrainObserver* watching = recorder ? static_cast<TrainObserver*>(&*recorder) : observer;
        TrainResult result;
        try {
            result = airbench::train(setup.recipe, train, request.evaluate ? &test : nullptr,
                                     options, watching);
        } catch (const std::exception& e) {
            if (recorder) {
                recorder->fail(e.what());
            }
            if (observer) {
                observer->onRunFailed(index, e.what());
            }
            throw;
        }
        const RunSummary& summary = result.history.summary;
        if (historyId > 0) {
            outcome.historyIds.push_back(historyId);
        }
        if (!summary.cancelled) {
            accuracies.push_back(summary.ttaValAccuracy);
            seconds.push_back(summary.seconds);
            keepNetwork(request, result.model, historyId, index + 1 == config.run.runs, db,
                        observer);
        }
        outcome.runs.push_back(summary);
        if (observer) {
            observer->onRunEnd(index, result);
        }
        if (summary.cancelled) {
            outcome.stopped = true;
            break;
        }
    }
    if (stopRequested()) {
        outcome.stopped = true;
    }
    outcome.accuracy = summarize(accuracies);
    outcome.seconds = summarize(seconds);
    return outcome;
}

}  // namespace airbench
