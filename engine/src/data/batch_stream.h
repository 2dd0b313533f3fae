#pragma once
// Fixed-size batches that run across epoch boundaries (airbench96_faster's InfiniteCifarLoader):
// when an epoch runs out mid-batch, the batch is completed from the next augmented epoch. The
// epochs are the loader's, drawn from its seed, so two streams over loaders with the same seed
// and data yield identical batches.

#include "data/loader_impl.h"

namespace airbench {

class BatchStream {
public:
    // Restarts `loader` at epoch 0.
    BatchStream(CifarLoader::Impl& loader, int64_t batchSize);
    EpochData::Batch next();

private:
    CifarLoader::Impl& loader_;
    int64_t batchSize_;
    EpochData epoch_;
    int64_t position_ = 0;
};

}  // namespace airbench
