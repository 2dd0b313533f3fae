#include "common/thumbnail_cache.h"

namespace airbench::ui {

ThumbnailCache::ThumbnailCache(qint64 capacityBytes) : capacity_(capacityBytes) {}

QImage ThumbnailCache::render(const uint8_t* planes) {
    constexpr int kPlane = kImageSide * kImageSide;
    QImage image(kImageSide, kImageSide, QImage::Format_RGB888);
    for (int y = 0; y < kImageSide; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < kImageSide; ++x) {
            const int p = y * kImageSide + x;
            line[3 * x] = planes[p];
            line[3 * x + 1] = planes[kPlane + p];
            line[3 * x + 2] = planes[2 * kPlane + p];
        }
    }
    return image;
}

qint64 ThumbnailCache::costOf(const QImage& image) {
    // The pixels, QImage's private data and the list and hash nodes (about 160 bytes together).
    return image.sizeInBytes() + 160;
}

QImage ThumbnailCache::thumbnail(const ImageSet& images, int64_t index, quint64 key) {
    if (auto it = entries_.find(key); it != entries_.end()) {
        ++hits_;
        lru_.splice(lru_.begin(), lru_, it->second);
        return it->second->second;
    }
    ++misses_;
    if (index < 0 || index >= images.size()) {
        return {};
    }
    QImage image = render(images.image(index));
    lru_.emplace_front(key, image);
    entries_.emplace(key, lru_.begin());
    bytes_ += costOf(image);
    evict();
    return image;
}

void ThumbnailCache::clear() {
    lru_.clear();
    entries_.clear();
    bytes_ = 0;
}

void ThumbnailCache::setCapacityBytes(qint64 bytes) {
    capacity_ = bytes;
    evict();
}

void ThumbnailCache::evict() {
    while (bytes_ > capacity_ && !lru_.empty()) {
        bytes_ -= costOf(lru_.back().second);
        entries_.erase(lru_.back().first);
        lru_.pop_back();
    }
}

}  // namespace airbench::ui
