#include <airbench/experiment_status.h>

namespace airbench {

ExperimentStatus statusOf(const TrialStore& store) {
    return statusOf(store, store.manifest());
}

ExperimentStatus statusOf(const TrialStore& store, const Manifest& manifest) {
    ExperimentStatus s;
    s.name = manifest.name;
    s.total = static_cast<int>(manifest.trials.size());
    for (const ManifestTrial& t : manifest.trials) {
        const TrialState state = store.state(t.id, manifest.retries);
        s.states.push_back(state);
        switch (state) {
            case TrialState::Queued:
                ++s.queued;
                break;
            case TrialState::Running:
                ++s.running;
                break;
            case TrialState::Done:
                ++s.done;
                break;
            case TrialState::Failed:
                ++s.failed;
                break;
        }
    }
    return s;
}

std::vector<int64_t> pendingTrials(TrialStore& store, bool retryFailed) {
    const Manifest manifest = store.manifest();
    const ExperimentStatus status = statusOf(store, manifest);
    std::vector<int64_t> indices;
    for (size_t i = 0; i < manifest.trials.size(); ++i) {
        const TrialState state = status.states[i];
        if (state == TrialState::Failed && retryFailed) {
            store.clearFailures(manifest.trials[i].id);
        } else if (state != TrialState::Queued) {
            continue;
        }
        indices.push_back(manifest.trials[i].index);
    }
    return indices;
}

}  // namespace airbench
