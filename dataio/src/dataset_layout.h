#pragma once
// What a folder or archive member list looks like to the importer: the CIFAR-10 binary layout
// (where inside an extracted archive), the Python pickle layout (refused), an image folder.

#include <airbench/dataio.h>
#include <airbench/dataset.h>

#include <QString>

namespace airbench::dataio {

// The message for the Python (pickle) CIFAR-10 layout, which the engine does not read.
std::string pickleLayoutMessage(const QString& where);

// True for cifar-10-batches-py/, a folder holding one, or one holding data_batch_1 (no .bin).
bool isPickleLayout(const QString& folder);
// True when an archive member path belongs to the pickle layout.
bool isPickleMember(const QString& member);

// The folder below `root` that holds data_batch_1.bin: root itself, root/cifar-10-batches-bin,
// or the same two inside root's only subfolder (a tarball with a differently named top folder).
// Empty when none does.
QString locateBinaryLayout(const QString& root);

// True when `folder` has train/ and test/ subfolders (the image-folder layout).
bool looksLikeImageFolder(const QString& folder);

DatasetSummary summarize(const Dataset& dataset, const QString& path);

}  // namespace airbench::dataio
