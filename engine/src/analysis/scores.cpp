// Per-example scores (see airbench/scores.h). Built on the public API only: train, infer.

#include <airbench/error.h>
#include <airbench/scores.h>

#include "util/random.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace airbench {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

void softmaxRow(const float* logits, int classes, float* out) {
    const float top = *std::max_element(logits, logits + classes);
    double sum = 0;
    for (int c = 0; c < classes; ++c)
        sum += std::exp(double(logits[c] - top));
    for (int c = 0; c < classes; ++c)
        out[c] = float(std::exp(double(logits[c] - top)) / sum);
}

std::vector<float> probabilitiesOf(const Logits& logits) {
    std::vector<float> p(logits.values.size());
    for (int64_t i = 0; i < logits.rows; ++i) {
        softmaxRow(logits.values.data() + i * logits.classes, logits.classes,
                   p.data() + i * logits.classes);
    }
    return p;
}

}  // namespace

std::vector<ScoreKind> allScoreKinds() {
    return {ScoreKind::Confidence,  ScoreKind::TrueProbability,
            ScoreKind::Margin,      ScoreKind::Entropy,
            ScoreKind::Loss,        ScoreKind::MeanTrueProbability,
            ScoreKind::Variability, ScoreKind::Forgetting};
}

std::string scoreName(ScoreKind kind) {
    switch (kind) {
        case ScoreKind::Confidence:
            return "confidence";
        case ScoreKind::TrueProbability:
            return "true_probability";
        case ScoreKind::Margin:
            return "margin";
        case ScoreKind::Entropy:
            return "entropy";
        case ScoreKind::Loss:
            return "loss";
        case ScoreKind::MeanTrueProbability:
            return "mean_true_probability";
        case ScoreKind::Variability:
            return "variability";
        case ScoreKind::Forgetting:
            return "forgetting";
    }
    return "?";
}

std::string scoreTitle(ScoreKind kind) {
    switch (kind) {
        case ScoreKind::Confidence:
            return "Confidence (max log-softmax)";
        case ScoreKind::TrueProbability:
            return "Probability of the true label";
        case ScoreKind::Margin:
            return "Margin (top-1 minus top-2 probability)";
        case ScoreKind::Entropy:
            return "Entropy of the prediction";
        case ScoreKind::Loss:
            return "Loss (cross-entropy, no smoothing)";
        case ScoreKind::MeanTrueProbability:
            return "Data map: mean p(true label)";
        case ScoreKind::Variability:
            return "Data map: variability (std of p(true label))";
        case ScoreKind::Forgetting:
            return "Forgetting events";
    }
    return "?";
}

ScoreKind parseScoreKind(const std::string& name) {
    std::string known;
    for (ScoreKind k : allScoreKinds()) {
        if (scoreName(k) == name)
            return k;
        known += (known.empty() ? "" : ", ") + scoreName(k);
    }
    throw Error("unknown score '" + name + "' (known: " + known + ")");
}

std::string ScoreProvenance::describe() const {
    std::ostringstream s;
    s << recipe << ", label smoothing " << labelSmoothing << ", TTA " << ttaLevel << ", " << runs
      << (runs == 1 ? " run" : " runs") << " of " << epochs << " epochs, "
      << (heldOut ? "held-out (" + std::to_string(folds) + " folds)" : std::string("in-sample"))
      << (perEpoch ? ", every epoch" : "");
    return s.str();
}

std::vector<float> ExampleScores::values(ScoreKind kind) const {
    std::vector<float> out(static_cast<size_t>(size));
    for (int64_t i = 0; i < size; ++i)
        out[static_cast<size_t>(i)] = value(kind, i);
    return out;
}

float ExampleScores::value(ScoreKind kind, int64_t i) const {
    const size_t k = static_cast<size_t>(i);
    auto at = [&](const std::vector<float>& v) { return k < v.size() ? v[k] : kNaN; };
    switch (kind) {
        case ScoreKind::Confidence:
            return at(confidence);
        case ScoreKind::TrueProbability:
            return at(trueProbability);
        case ScoreKind::Margin:
            return at(margin);
        case ScoreKind::Entropy:
            return at(entropy);
        case ScoreKind::Loss:
            return at(loss);
        case ScoreKind::MeanTrueProbability:
            return at(meanTrueProbability);
        case ScoreKind::Variability:
            return at(variability);
        case ScoreKind::Forgetting:
            return k < forgetting.size() ? float(forgetting[k]) : kNaN;
    }
    return kNaN;
}

std::vector<std::pair<int, float>> ExampleScores::topClasses(int64_t i, int k) const {
    std::vector<std::pair<int, float>> all;
    for (int c = 0; c < classes; ++c) {
        all.emplace_back(c, probabilities[static_cast<size_t>(i * classes + c)]);
    }
    k = std::min(k, classes);
    std::partial_sort(all.begin(), all.begin() + k, all.end(),
                      [](const auto& a, const auto& b) { return a.second > b.second; });
    all.resize(static_cast<size_t>(k));
    return all;
}

ExampleScores scoresFromLogits(const std::vector<Logits>& runs,
                               const std::vector<int64_t>& labels) {
    if (runs.empty()) {
        throw Error("no logits to score");
    }
    ExampleScores s;
    s.size = runs[0].rows;
    s.classes = runs[0].classes;
    s.labels = labels;
    if (static_cast<int64_t>(labels.size()) != s.size) {
        throw Error("scores: " + std::to_string(s.size) + " rows of logits for " +
                    std::to_string(labels.size()) + " labels");
    }
    const size_t n = static_cast<size_t>(s.size), c = static_cast<size_t>(s.classes);
    s.probabilities.assign(n * c, 0.0f);
    std::vector<ScoreSnapshot> finals;
    for (size_t r = 0; r < runs.size(); ++r) {
        if (runs[r].rows != s.size || runs[r].classes != s.classes) {
            throw Error("scores: runs disagree on the shape of their logits");
        }
        const std::vector<float> p = probabilitiesOf(runs[r]);
        ScoreSnapshot snap;
        snap.run = static_cast<int>(r);
        snap.trueProbability.resize(n);
        for (size_t i = 0; i < n; ++i) {
            snap.trueProbability[i] = p[i * c + static_cast<size_t>(labels[i])];
            for (size_t k = 0; k < c; ++k)
                s.probabilities[i * c + k] += p[i * c + k] / runs.size();
        }
        finals.push_back(std::move(snap));
    }
    s.confidence.resize(n);
    s.trueProbability.resize(n);
    s.margin.resize(n);
    s.entropy.resize(n);
    s.loss.resize(n);
    s.predicted.resize(n);
    s.correct.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const float* p = s.probabilities.data() + i * c;
        int best = 0, second = -1;
        double entropy = 0;
        for (size_t k = 0; k < c; ++k) {
            if (p[k] > p[best])
                best = static_cast<int>(k);
            if (p[k] > 0)
                entropy -= double(p[k]) * std::log(double(p[k]));
        }
        for (size_t k = 0; k < c; ++k) {
            if (static_cast<int>(k) != best && (second < 0 || p[k] > p[second]))
                second = static_cast<int>(k);
        }
        const float trueP = p[static_cast<size_t>(labels[i])];
        s.confidence[i] = std::log(std::max(p[best], 1e-30f));
        s.trueProbability[i] = trueP;
        s.margin[i] = second >= 0 ? p[best] - p[second] : p[best];
        s.entropy[i] = static_cast<float>(entropy);
        s.loss[i] = -std::log(std::max(trueP, 1e-30f));
        s.predicted[i] = static_cast<int16_t>(best);
        s.correct[i] = best == labels[i] ? 1 : 0;
    }
    addDataMap(s, finals);
    return s;
}

void addDataMap(ExampleScores& s, const std::vector<ScoreSnapshot>& snapshots) {
    const size_t n = static_cast<size_t>(s.size);
    s.meanTrueProbability.assign(n, kNaN);
    s.variability.assign(n, kNaN);
    bool havePredictions = false;
    for (const auto& snap : snapshots)
        havePredictions |= !snap.predicted.empty();
    s.forgetting.clear();
    if (havePredictions)
        s.forgetting.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
        double sum = 0, squares = 0;
        int count = 0;
        for (const auto& snap : snapshots) {
            const float v = snap.trueProbability[i];
            if (std::isnan(v))
                continue;
            sum += v;
            squares += double(v) * v;
            ++count;
        }
        if (count > 0) {
            const double mean = sum / count;
            s.meanTrueProbability[i] = float(mean);
            s.variability[i] = float(std::sqrt(std::max(0.0, squares / count - mean * mean)));
        }
        if (!havePredictions)
            continue;
        // A forgetting event: correct at one snapshot, wrong at the next of the same run.
        for (size_t k = 1; k < snapshots.size(); ++k) {
            const auto& before = snapshots[k - 1];
            const auto& after = snapshots[k];
            if (before.run != after.run || before.predicted.empty() || after.predicted.empty())
                continue;
            if (before.predicted[i] == s.labels[i] && after.predicted[i] >= 0 &&
                after.predicted[i] != s.labels[i]) {
                ++s.forgetting[i];
            }
        }
    }
}

ExampleScores scoreModel(const Model& model, const CifarLoader& examples, int ttaLevel) {
    ExampleScores s = scoresFromLogits({infer(model, examples, ttaLevel)}, examples.labels());
    s.provenance.recipe = model.info().recipe;
    s.provenance.ttaLevel = ttaLevel;
    s.provenance.runs = 1;
    s.provenance.datasetHash = model.info().datasetHash;
    return s;
}

void writeScoresCsv(const std::string& path, const ExampleScores& s) {
    const std::string temporary = path + ".partial";
    FILE* f = std::fopen(temporary.c_str(), "w");
    if (!f) {
        throw Error("cannot write '" + path + "'");
    }
    std::fprintf(f, "# airbench scores: %s; dataset %s\n", s.provenance.describe().c_str(),
                 s.provenance.datasetHash.c_str());
    std::fprintf(f, "index,label,predicted,correct");
    const auto kinds = allScoreKinds();
    for (ScoreKind k : kinds)
        std::fprintf(f, ",%s", scoreName(k).c_str());
    std::fprintf(f, "\n");
    for (int64_t i = 0; i < s.size; ++i) {
        const size_t k = static_cast<size_t>(i);
        std::fprintf(f, "%lld,%lld,%d,%d", static_cast<long long>(i),
                     static_cast<long long>(s.labels[k]), int(s.predicted[k]), int(s.correct[k]));
        for (ScoreKind kind : kinds) {
            const float v = s.value(kind, i);
            if (std::isnan(v)) {
                std::fprintf(f, ",");
            } else {
                std::fprintf(f, ",%.7g", double(v));
            }
        }
        std::fprintf(f, "\n");
    }
    const bool ok = std::ferror(f) == 0;
    std::fclose(f);
    if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw Error("failed writing '" + path + "'");
    }
}

}  // namespace airbench
