#include <airbench/prepared_experiment.h>
#include <airbench/trial_store.h>

#include <chrono>

namespace airbench {

PreparedExperiment prepareExperiment(const std::string& file, Runner& runner) {
    PreparedExperiment p;
    p.experiment = readExperimentFile(file);
    RunRequest request;
    request.config.recipe = p.experiment.recipe;
    request.config.data = p.experiment.data;
    const auto start = std::chrono::steady_clock::now();
    p.data = runner.dataOf(request);
    p.dataSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    p.trials = expandTrials(p.experiment, p.data->hash, p.data->train.size());
    TrialStore store(p.experiment.directory);
    store.writeManifest(p.experiment, p.trials, p.data->hash);
    return p;
}

}  // namespace airbench
