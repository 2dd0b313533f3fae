#pragma once
// Inference with test-time augmentation (RECIPES.md §4): level 0 = the image; 1 = mean of the
// image and its mirror; 2 = level 1 blended half-and-half with the mean of two 1-pixel diagonal
// shifts (6 forwards, weights 1/4, 1/4, 1/8 x 4). Logits are averaged, not probabilities.

#include <airbench/loader.h>
#include <airbench/model.h>

#include <cstdint>
#include <vector>

namespace airbench {

// (rows, classes) row-major logits.
struct Logits {
    int64_t rows = 0;
    int classes = 0;
    std::vector<float> values;
    float at(int64_t row, int c) const { return values[static_cast<size_t>(row * classes + c)]; }
    std::vector<int64_t> argmax() const;
};

// Logits for every example in use by `loader`, in stored order (its batch size and
// augmentation are ignored). Runs in eval mode (BatchNorm running statistics), no grad.
Logits infer(const Model& model, const CifarLoader& loader, int ttaLevel = 0);
// Fraction of the loader's examples whose argmax logit equals the label.
double evaluate(const Model& model, const CifarLoader& loader, int ttaLevel = 0);
double accuracy(const Logits& logits, const std::vector<int64_t>& labels);

}  // namespace airbench
