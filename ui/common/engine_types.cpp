#include "common/engine_types.h"

namespace airbench::ui {

void registerEngineMetaTypes() {
    qRegisterMetaType<airbench::RunPlan>();
    qRegisterMetaType<airbench::StepMetrics>();
    qRegisterMetaType<airbench::EpochMetrics>();
    qRegisterMetaType<airbench::RunSummary>();
    qRegisterMetaType<airbench::ui::DatasetPtr>();
}

}  // namespace airbench::ui
