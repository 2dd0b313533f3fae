#pragma once
// Lookahead (RECIPES.md §2.2): a slow copy S of every floating-point parameter and buffer;
// update(decay) does S <- S + (1 - decay)(P - S), then P <- S.

#include <torch/nn/module.h>

#include <vector>

namespace airbench {

class Lookahead {
public:
    explicit Lookahead(torch::nn::Module& module);
    void update(double decay);

private:
    std::vector<at::Tensor> live_;
    std::vector<at::Tensor> slow_;
};

}  // namespace airbench
