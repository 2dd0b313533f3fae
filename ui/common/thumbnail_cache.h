#pragma once
// Thumbnails of dataset images, rendered on first use and kept in a least-recently-used cache
// bounded in bytes. The cache holds each image at its native 32x32 (RGB888, about 3 KB); views
// upscale at paint time without smoothing (nearest neighbour), so pixels stay crisp at any zoom
// and a zoom change costs nothing. Used from the GUI thread only.

#include <airbench/dataset.h>

#include <QImage>

#include <cstdint>
#include <list>
#include <unordered_map>
#include <utility>

namespace airbench::ui {

class ThumbnailCache {
public:
    static constexpr qint64 kDefaultCapacityBytes = 64ll << 20;  // ~20,000 thumbnails

    explicit ThumbnailCache(qint64 capacityBytes = kDefaultCapacityBytes);

    // Image `index` of `images`; `key` must identify it among everything this cache holds (the
    // split in the high bits, the index in the low ones: see keyOf).
    QImage thumbnail(const ImageSet& images, int64_t index, quint64 key);
    static quint64 keyOf(int split, int64_t index) {
        return (quint64(split) << 40) | quint64(index);
    }

    // The planar CIFAR layout (R plane, G plane, B plane) as a 32x32 RGB888 image.
    static QImage render(const uint8_t* planes);

    void clear();
    void setCapacityBytes(qint64 bytes);  // evicts at once when shrinking
    qint64 capacityBytes() const { return capacity_; }
    qint64 bytes() const { return bytes_; }  // pixel bytes plus a per-entry estimate
    int64_t count() const { return static_cast<int64_t>(entries_.size()); }
    int64_t hits() const { return hits_; }
    int64_t misses() const { return misses_; }

private:
    using Entry = std::pair<quint64, QImage>;
    static qint64 costOf(const QImage& image);
    void evict();

    qint64 capacity_;
    qint64 bytes_ = 0;
    int64_t hits_ = 0, misses_ = 0;
    std::list<Entry> lru_;  // most recent first
    std::unordered_map<quint64, std::list<Entry>::iterator> entries_;
};

}  // namespace airbench::ui
