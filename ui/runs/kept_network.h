#pragma once
// Open Network (Runs tab): a recorded run's kept network, loaded for the Explorer on the examples
// in use (its own dataset or another one) and evaluated as its run was: with the TTA level,
// label smoothing and epochs of the run's recorded configuration, else its recipe's defaults.

#include "analysis/analysis_types.h"

#include <airbench/device.h>
#include <airbench/history_types.h>

#include <QString>

#include <optional>

namespace airbench::ui {

struct KeptNetwork {
    TrainedModelPtr model;  // null when it could not be opened; `error` says why
    QString error;
    bool sameData = false;  // trained on exactly the examples in use (the dataset hash)
};

// `path`: the run's checkpoint; `record`: its history record with the configuration (none: the
// recipe's defaults). Fails when the file cannot be read or predicts another number of classes
// than `context` has.
KeptNetwork openKeptNetwork(qint64 historyId, const QString& path, const DataContext& context,
                            DeviceRequest device, const std::optional<history::RunRecord>& record);

}  // namespace airbench::ui
