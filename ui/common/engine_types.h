#pragma once
// The engine's plain structs as Qt metatypes, so that they can travel through queued signals
// from the training thread to the GUI thread unchanged (no parallel Qt copies of each struct).

#include <airbench/dataset.h>
#include <airbench/train.h>

#include <QMetaType>

#include <memory>
#include <vector>

namespace airbench::ui {

// Datasets are large (CIFAR-10: 184 MB) and immutable once loaded: shared, never copied.
using DatasetPtr = std::shared_ptr<const Dataset>;

// Call once before the first queued connection (MainWindow's constructor does).
void registerEngineMetaTypes();

}  // namespace airbench::ui

Q_DECLARE_METATYPE(airbench::RunPlan)
Q_DECLARE_METATYPE(airbench::StepMetrics)
Q_DECLARE_METATYPE(airbench::EpochMetrics)
Q_DECLARE_METATYPE(airbench::RunSummary)
Q_DECLARE_METATYPE(airbench::ui::DatasetPtr)
