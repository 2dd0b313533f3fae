#pragma once
// Synthetic scores for the explorer's tests: logits drawn so that about 70% of the examples are
// predicted right, from two "runs" (so that the data map's variability is not 0), scored by the
// engine's own scoresFromLogits. Deterministic for a given seed.

#include "analysis/analysis_types.h"

#include <airbench/scores.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace airbench::test {

inline ExampleScores syntheticScores(const std::vector<int64_t>& labels, int classes,
                                     uint32_t seed = 1) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    std::uniform_int_distribution<int> anyClass(0, classes - 1);
    const int64_t n = static_cast<int64_t>(labels.size());
    std::vector<Logits> runs(2);
    for (Logits& l : runs) {
        l.rows = n;
        l.classes = classes;
        l.values.resize(static_cast<size_t>(n * classes));
        for (int64_t i = 0; i < n; ++i) {
            const int winner = uniform(rng) < 0.7f ? int(labels[size_t(i)]) : anyClass(rng);
            const float strength = 1.0f + 3.0f * uniform(rng);
            for (int c = 0; c < classes; ++c) {
                l.values[size_t(i * classes + c)] = noise(rng) + (c == winner ? strength : 0.0f);
            }
        }
    }
    ExampleScores s = scoresFromLogits(runs, labels);
    s.provenance.recipe = "synthetic";
    s.provenance.runs = 2;
    s.provenance.epochs = 1;
    return s;
}

inline ui::ScoreTable syntheticTable(const ui::DataContext& context, ui::Split split,
                                     uint32_t seed = 1) {
    ui::ScoreTable t;
    t.context = context;
    t.split = split;
    t.source = QStringLiteral("synthetic scores");
    t.scores = std::make_shared<const ExampleScores>(
        syntheticScores(context.labels(split), context.classes(), seed));
    return t;
}

}  // namespace airbench::test
