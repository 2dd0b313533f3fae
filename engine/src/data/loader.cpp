#include <airbench/error.h>
#include <airbench/loader.h>
#include <airbench/recipe.h>

#include "core/torch_device.h"
#include "data/augment.h"
#include "data/fused_augment.h"
#include "data/loader_impl.h"

namespace airbench {

EpochDraws EpochDraws::to(const c10::Device& device) const {
    auto move = [&](const at::Tensor& t) { return t.defined() ? t.to(device) : t; };
    return {move(preFlip), move(flip),    move(cropY), move(cropX),
            move(cutoutY), move(cutoutX), move(order)};
}

EpochData::Batch EpochData::batch(int64_t k) const {
    const int64_t n = order.size(0);
    auto idx = order.slice(0, k * batchSize, std::min(n, (k + 1) * batchSize));
    return {images.index_select(0, idx), labels.index_select(0, idx), idx};
}

int64_t CifarLoader::Impl::batchCount() const {
    const int64_t n = size(), bs = options.batchSize;
    return dropLast ? n / bs : (n + bs - 1) / bs;
}

void CifarLoader::Impl::applyMask() {
    if (keep.empty()) {
        active = at::arange(fullLabels.size(0), fullLabels.options());
        images = fullImages;
        labels = fullLabels;
    } else {
        auto keepTensor = at::from_blob(keep.data(), {static_cast<int64_t>(keep.size())},
                                        at::TensorOptions().dtype(at::kByte))
                              .to(fullLabels.device())
                              .to(at::kBool);
        active = at::nonzero(keepTensor).view({-1});
        images = fullImages.index_select(0, active).contiguous(kImageFormat);
        labels = fullLabels.index_select(0, active);
    }
    epoch = 0;
    preFlipped = at::Tensor();
    padded = at::Tensor();
}

EpochDraws CifarLoader::Impl::draw(int epochIndex) const {
    return draw(epochIndex, toTorchDevice(device));
}

EpochDraws CifarLoader::Impl::draw(int epochIndex, const c10::Device& where) const {
    const Augmentation& aug = options.augmentation;
    const int64_t n = size();
    Device drawDevice = fromTorchDevice(where);
    at::Generator gen = makeGenerator(
        drawDevice, deriveSeed(options.seed, RandomStream::LoaderEpoch, uint64_t(epochIndex)));
    auto longs = at::TensorOptions().dtype(at::kLong).device(where);
    EpochDraws d;
    // A fixed draw order keeps the stream reproducible whatever the augmentation settings.
    if (aug.flip && aug.alternatingFlip && epochIndex == 0) {
        d.preFlip = at::rand({n}, gen, at::TensorOptions().device(where)).lt(0.5);
    }
    if (aug.flip && !aug.alternatingFlip) {
        d.flip = at::rand({n}, gen, at::TensorOptions().device(where)).lt(0.5);
    }
    if (aug.translate > 0) {
        d.cropY = at::randint(0, 2 * aug.translate + 1, {n}, gen, longs);
        d.cropX = at::randint(0, 2 * aug.translate + 1, {n}, gen, longs);
    }
    if (aug.cutout > 0) {
        d.cutoutY = at::randint(0, kImageSide - aug.cutout + 1, {n}, gen, longs);
        d.cutoutX = at::randint(0, kImageSide - aug.cutout + 1, {n}, gen, longs);
    }
    d.order = shuffle ? at::randperm(n, gen, longs) : at::arange(n, longs);
    return d;
}

EpochData CifarLoader::Impl::augment(const EpochDraws& d) {
    const Augmentation& aug = options.augmentation;
    if (epoch == 0) {
        // Cached once per reset, as in airbench: the pre-flip and the padded copy.
        preFlipped = d.preFlip.defined() ? augment::flipWhere(images, d.preFlip) : images;
        padded = aug.translate > 0 ? augment::reflectPad(preFlipped, aug.translate) : at::Tensor();
    }
    const bool fused =
        useFusedKernel && aug.translate > 0 && device.isCuda() && fusedAugmentationAvailable();
    at::Tensor out;
    if (fused) {
        EpochDraws draws = d;
        if (!(aug.flip && !aug.alternatingFlip)) {
            draws.flip = at::Tensor();
        }
        const bool flipAll = aug.flip && aug.alternatingFlip && epoch % 2 == 1;
        out = fusedCropFlipCutout(padded, draws, kImageSide, flipAll, aug.cutout);
    } else {
        out = aug.translate > 0 ? augment::crop(padded, d.cropY, d.cropX, kImageSide) : preFlipped;
    }
    if (aug.flip && !fused) {
        if (aug.alternatingFlip) {
            if (epoch % 2 == 1) {
                out = out.flip({3});
            }
        } else {
            out = augment::flipWhere(out, d.flip);
        }
    }
    if (aug.cutout > 0 && !fused) {
        out = augment::cutout(out, d.cutoutY, d.cutoutX, aug.cutout);
    }
    ++epoch;
    EpochData data;
    data.images = out.contiguous(kImageFormat);
    data.labels = labels;
    data.order = d.order;
    data.batchSize = options.batchSize;
    data.batches = batchCount();
    return data;
}

EpochData CifarLoader::Impl::nextEpoch() {
    return augment(draw(epoch));
}

// ---- public API ----------------------------------------------------------------------------

CifarLoader::CifarLoader(const ImageSet& set, bool train, LoaderOptions options, Device device)
    : impl_(std::make_unique<Impl>()) {
    if (options.batchSize <= 0) {
        throw Error("batch size must be positive, got " + std::to_string(options.batchSize));
    }
    const Augmentation& aug = options.augmentation;
    if (aug.translate < 0 || aug.translate > 8 || aug.cutout < 0 || aug.cutout > kImageSide) {
        throw Error("augmentation out of range: translate must be 0..8 and cutout 0..32");
    }
    if (set.pixels.size() != static_cast<size_t>(set.size()) * kImageBytes) {
        throw Error("image set holds " + std::to_string(set.pixels.size()) + " pixel bytes for " +
                    std::to_string(set.size()) + " labels");
    }
    Impl& s = *impl_;
    s.device = device;
    s.train = train;
    s.options = options;
    s.shuffle = options.shuffle.value_or(train);
    s.dropLast = options.dropLast.value_or(train);
    const auto where = toTorchDevice(device);
    const int64_t n = set.size();
    // One upload of the whole split; normalisation happens on the device.
    auto pixels = at::from_blob(const_cast<uint8_t*>(set.pixels.data()),
                                {n, kImageChannels, kImageSide, kImageSide}, at::kByte);
    auto labels = at::from_blob(const_cast<int64_t*>(set.labels.data()), {n}, at::kLong);
    if (device.isCuda()) {
        pixels = pixels.pin_memory();
    }
    s.fullImages = augment::normalize(pixels.to(where), set.normalization, computeDtype(device));
    s.fullLabels = labels.to(where).clone();
    s.applyMask();
}

CifarLoader::CifarLoader(CifarLoader&&) noexcept = default;
CifarLoader& CifarLoader::operator=(CifarLoader&&) noexcept = default;
CifarLoader::~CifarLoader() = default;

Device CifarLoader::device() const {
    return impl_->device;
}
int64_t CifarLoader::size() const {
    return impl_->size();
}
int64_t CifarLoader::batchCount() const {
    return impl_->batchCount();
}
int64_t CifarLoader::fullSize() const {
    return impl_->fullLabels.size(0);
}
int CifarLoader::batchSize() const {
    return impl_->options.batchSize;
}

void CifarLoader::setBatchSize(int batchSize) {
    if (batchSize <= 0) {
        throw Error("batch size must be positive, got " + std::to_string(batchSize));
    }
    impl_->options.batchSize = batchSize;
}

const Augmentation& CifarLoader::augmentation() const {
    return impl_->options.augmentation;
}

void CifarLoader::setAugmentation(const Augmentation& augmentation) {
    impl_->options.augmentation = augmentation;
    resetEpoch();
}

bool CifarLoader::shuffle() const {
    return impl_->shuffle;
}
bool CifarLoader::dropLast() const {
    return impl_->dropLast;
}
uint64_t CifarLoader::seed() const {
    return impl_->options.seed;
}

void CifarLoader::setSeed(uint64_t seed) {
    impl_->options.seed = seed;
    resetEpoch();
}

int CifarLoader::epoch() const {
    return impl_->epoch;
}

void CifarLoader::resetEpoch() {
    impl_->epoch = 0;
    impl_->preFlipped = at::Tensor();
    impl_->padded = at::Tensor();
}

void CifarLoader::setMask(const std::vector<uint8_t>& keep) {
    if (static_cast<int64_t>(keep.size()) != fullSize()) {
        throw Error("mask has " + std::to_string(keep.size()) + " entries but the loader holds " +
                    std::to_string(fullSize()) + " examples");
    }
    impl_->keep = keep;
    impl_->applyMask();
}

void CifarLoader::clearMask() {
    impl_->keep.clear();
    impl_->applyMask();
}

bool CifarLoader::masked() const {
    return !impl_->keep.empty();
}

std::vector<int64_t> CifarLoader::activeIndices() const {
    auto cpu = impl_->active.to(at::kCPU).contiguous();
    return {cpu.data_ptr<int64_t>(), cpu.data_ptr<int64_t>() + cpu.numel()};
}

std::vector<int64_t> CifarLoader::labels() const {
    auto cpu = impl_->labels.to(at::kCPU).contiguous();
    return {cpu.data_ptr<int64_t>(), cpu.data_ptr<int64_t>() + cpu.numel()};
}

CifarLoader makeTrainLoader(const Recipe& recipe, const ImageSet& images, Device device,
                            uint64_t seed) {
    LoaderOptions options;
    options.batchSize = recipe.hyp.batchSize;
    options.augmentation = augmentationOf(recipe.hyp);
    options.seed = seed;
    return CifarLoader(images, true, options, device);
}

CifarLoader makeTestLoader(const ImageSet& images, Device device, int batchSize) {
    LoaderOptions options;
    options.batchSize = batchSize;
    return CifarLoader(images, false, options, device);
}

}  // namespace airbench
