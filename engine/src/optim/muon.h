#pragma once
// Muon (airbench94_muon, RECIPES.md §5.5): momentum SGD whose update for each conv filter bank
// is orthogonalised by a quintic Newton-Schulz iteration. Per parameter p with gradient g:
//   buf = mu * buf + g          (buf starts at zero)
//   u   = g + mu * buf          (Nesterov) or buf
//   p  *= sqrt(rows) / |p|_F    (the weight is renormalised first; rows = out channels)
//   p  -= lr * NS(u as rows x rest)
// No weight decay.

#include <ATen/ATen.h>

#include <vector>

namespace airbench {

struct NewtonSchulzCoefficients {
    double a = 3.4445, b = -4.7750, c = 2.0315;
};

// Approximately orthogonalises a 2-D matrix: singular values end up roughly in [0.5, 1.5].
// Computes in bf16 on CUDA (as the reference) and fp32 on CPU (bf16 matmuls gain nothing there);
// returns the input's dtype.
at::Tensor newtonSchulz(const at::Tensor& g, int steps = 3, double eps = 1e-7,
                        NewtonSchulzCoefficients k = {});
// The same for a stack of equally shaped matrices (batch x rows x cols), each normalised and
// orthogonalised on its own, in one batched product per step.
at::Tensor newtonSchulzBatched(const at::Tensor& g, int steps = 3, double eps = 1e-7,
                               NewtonSchulzCoefficients k = {});

class Muon {
public:
    Muon(std::vector<at::Tensor> params, double lr, double momentum, bool nesterov = true);
    void setLrFactor(double factor) { lr_ = baseLr_ * factor; }
    double lr() const { return lr_; }
    double baseLr() const { return baseLr_; }
    void step();
    // The same update with the learning rate read from a device scalar (CUDA-graph capture).
    void step(const at::Tensor& deviceLr);

private:
    std::vector<at::Tensor> params_;
    std::vector<at::Tensor> buffers_;
    double baseLr_, lr_, momentum_;
    bool nesterov_;
};

}  // namespace airbench
