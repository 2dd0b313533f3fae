#pragma once
// airbench96_faster's distinctive parts, exposed for its tests.

#include <airbench/recipe.h>

#include <ATen/ATen.h>

#include <functional>

namespace airbench::builtin {

// Positions of the `keep` largest values of `losses` (B): the examples the main network trains on.
at::Tensor hardestExamples(const at::Tensor& losses, int64_t keep);

// The proxy of `recipe`'s table: 2-conv groups at the proxy widths (times the width
// multiplier) and the proxy's BatchNorm momentum.
NetworkSpec proxyNetwork(const Recipe& recipe);

// Test seam: called for every batch of the proxy ("proxy") and main ("main") phases with the
// step, the batch's example positions (before filtering), the kept positions within the batch,
// and (proxy only) the per-example losses that chose them.
using BatchHook = std::function<void(const char* phase, int64_t step, const at::Tensor& indices,
                                     const at::Tensor& kept, const at::Tensor& losses)>;
void setBatchHookForTesting(BatchHook hook);

}  // namespace airbench::builtin
