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

}  // namespace airbench
