#include <airbench/sha256.h>
#include <airbench/trials.h>

#include <filesystem>

namespace airbench {
namespace {

// What a trial computes, for its id: the configuration without what changes only how fast it
// runs (threads, the warm-up) or where its files are (the data's folder: the data's hash says
// which examples they are), then the data, the mask and the seed.
std::string trialId(RunConfig config, const std::string& datasetHash, const std::string& maskHash) {
    const RunOptions defaults;
    config.run.threads = defaults.threads;
    config.run.warmup = defaults.warmup;
    config.run.runs = 1;
    config.data.path.clear();
    config.data.format = DatasetFormat::Auto;
    config.maskPath.clear();
    const std::string canonical = runConfigToJson(config) + "\n" + datasetHash + "\n" + maskHash;
    return sha256Hex(canonical.data(), canonical.size()).substr(0, 16);
}

}  // namespace

std::vector<Trial> expandTrials(const Experiment& e, const std::string& datasetHash,
                                int64_t trainExamples) {
    struct PointMask {
        std::string path, name, hash;
    };
    std::vector<PointMask> masks;
    for (size_t i = 0; i < e.masks.size(); ++i) {
        try {
            const Mask mask = Mask::load(e.masks[i], datasetHash, trainExamples);
            masks.push_back({e.masks[i], mask.name(), mask.hash()});
        } catch (const Error& err) {
            throw ExperimentError(e.maskWhere.at(i) + ": " + err.what());
        }
    }
    if (masks.empty()) {
        masks.push_back({});
    }
    const size_t zipLength = e.zipped.empty() ? 1 : e.zipped.front().values.size();

    // The points, in a fixed order: the masks outermost, then the grid (first key outermost),
    // then the zipped lists.
    std::vector<Trial> points;
    std::vector<size_t> odometer(e.grid.size(), 0);
    for (const PointMask& mask : masks) {
        std::fill(odometer.begin(), odometer.end(), 0);
        bool more = true;
        while (more) {
            for (size_t z = 0; z < zipLength; ++z) {
                Trial p;
                p.config.recipe = e.recipe;
                p.config.overrides = e.fixed;
                for (size_t g = 0; g < e.grid.size(); ++g) {
                    p.swept[e.grid[g].key] = e.grid[g].values[odometer[g]];
                }
                for (const SweptKnob& s : e.zipped) {
                    p.swept[s.key] = s.values[z];
                }
                for (const auto& [key, value] : p.swept) {
                    p.config.overrides[key] = value;
                }
                p.config.run = e.run;
                p.config.run.runs = 1;
                p.config.data = e.data;
                p.config.maskPath = mask.path;
                p.maskPath = mask.path;
                p.maskName = mask.name;
                points.push_back(std::move(p));
            }
            // Advance the grid's odometer, the last key fastest.
            more = false;
            for (size_t g = e.grid.size(); g-- > 0;) {
                if (++odometer[g] < e.grid[g].values.size()) {
                    more = true;
                    break;
                }
                odometer[g] = 0;
            }
        }
    }

    std::vector<Trial> trials;
    trials.reserve(points.size() * e.seeds.size());
    for (size_t p = 0; p < points.size(); ++p) {
        const std::string maskHash = masks[p * masks.size() / points.size()].hash;
        for (uint64_t seed : e.seeds) {
            Trial t = points[p];
            t.index = static_cast<int64_t>(trials.size());
            t.point = static_cast<int64_t>(p);
            t.seed = seed;
            t.config.run.seed = seed;
            validateRunConfig(t.config);
            t.id = trialId(t.config, datasetHash, maskHash);
            trials.push_back(std::move(t));
        }
    }
    return trials;
}

std::string describePoint(const Trial& trial) {
    std::string text = describeOverrides(trial.swept);
    if (!trial.maskName.empty()) {
        text += (text.empty() ? "mask " : ", mask ") + trial.maskName;
    }
    return text.empty() ? "the configuration" : text;
}

}  // namespace airbench
