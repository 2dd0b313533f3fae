#include "data/batch_stream.h"

namespace airbench {

BatchStream::BatchStream(CifarLoader::Impl& loader, int64_t batchSize)
    : loader_(loader), batchSize_(batchSize) {
    loader_.epoch = 0;
    loader_.preFlipped = at::Tensor();
    loader_.padded = at::Tensor();
}

EpochData::Batch BatchStream::next() {
    std::vector<at::Tensor> images, labels, indices;
    int64_t needed = batchSize_;
    while (needed > 0) {
        if (!epoch_.order.defined() || position_ >= epoch_.order.size(0)) {
            epoch_ = loader_.nextEpoch();
            position_ = 0;
        }
        const int64_t take = std::min(needed, epoch_.order.size(0) - position_);
        const at::Tensor idx = epoch_.order.slice(0, position_, position_ + take);
        images.push_back(epoch_.images.index_select(0, idx));
        labels.push_back(epoch_.labels.index_select(0, idx));
        indices.push_back(idx);
        position_ += take;
        needed -= take;
    }
    if (images.size() == 1) {
        return {images[0], labels[0], indices[0]};
    }
    return {at::cat(images), at::cat(labels), at::cat(indices)};
}

}  // namespace airbench
