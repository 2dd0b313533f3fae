#pragma once
// Installing a dataset archive: extract it (safely) into a staging folder next to the target,
// find the CIFAR-10 binary layout inside, load it with airbench::loadDataset, and only then
// rename it into place. Used by `import` for tarballs and by DatasetFetchJob after a download.

#include <airbench/dataio.h>
#include <airbench/dataio/archive_extractor.h>

#include <QString>

namespace airbench::dataio {

// `target` receives the folder holding data_batch_1.bin ... directly (not a
// cifar-10-batches-bin/ child). An occupied target is replaced only when `replace` is set.
// Throws airbench::Error (the pickle layout gets a message pointing to the binary one) or
// Cancelled; either way nothing is left at the target or next to it.
DatasetSummary installArchive(const QString& archive, const QString& target, bool replace,
                              const ExtractLimits& limits = {}, const Callbacks& callbacks = {});

}  // namespace airbench::dataio
