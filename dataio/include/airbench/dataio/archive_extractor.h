#pragma once
// Extracts an untrusted archive (tar, plain or gzip/bzip2/xz-compressed, or zip) with libarchive,
// writing only regular files and folders strictly inside a fresh destination folder. It refuses,
// naming the member: absolute paths and `..` (escapes), symlinks and hardlinks, devices, FIFOs
// and sockets, members that appear twice, truncated or corrupt data, and archives that exceed
// the size or member limits. It never applies the archive's owners, permissions or times.
// It deliberately does not understand what the files are (see dataset_layout.h for that).

#include <QString>

#include <cstdint>
#include <functional>

namespace airbench::dataio {

struct ExtractLimits {
    int64_t maxTotalBytes = int64_t{1} << 30;  // 1 GiB; CIFAR-10 binary extracts to 184 MB
    int maxMembers = 10000;                    // the official archive has 8
};

struct ExtractSummary {
    int files = 0;
    int folders = 0;
    int64_t bytes = 0;  // extracted bytes
};

// Called as the archive is read: compressed bytes consumed and the archive's size. Returning
// false cancels (extractArchive then throws dataio::Cancelled).
using ExtractProgress = std::function<bool(int64_t consumed, int64_t archiveBytes)>;
// Called with each member's cleaned relative path before anything is written for it; it may
// throw airbench::Error to refuse the archive early (the pickle layout, for example).
using MemberCheck = std::function<void(const QString& member)>;

// `destination` must not exist; it is created. On any failure it is removed again, so either
// the whole archive is there or nothing is. Throws airbench::Error (message names the member).
ExtractSummary extractArchive(const QString& archive, const QString& destination,
                              const ExtractLimits& limits = {},
                              const ExtractProgress& progress = {}, const MemberCheck& check = {});

}  // namespace airbench::dataio
