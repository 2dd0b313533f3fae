#pragma once
// Runs out of and into the history as files: JSON holds everything (configuration, epochs, step
// losses, artifacts) and imports back losslessly, for moving runs between machines; CSV is one
// row per run (or per epoch) for a spreadsheet. Epochs are numbered from 1 in both, like the
// CLI's table.
//
// JSON: {"format": "airbench-runs", "version": 1, "exported_at": "...", "runs": [run...]} where a
// run is the object recordsJson writes plus "epochs": [{"epoch", "steps", "train_loss",
// "train_acc", "val_acc", "time_seconds"}], "step_losses": {"step": [...], "epoch": [...],
// "loss": [...], "count": [...]} and "artifacts": [{"kind", "path", "created_at"}]. Numbers that
// were not measured are null.

#include <airbench/history.h>

#include <cstdint>
#include <string>
#include <vector>

namespace airbench::history {

// Empty `runIds`: every run, oldest first. Throws HistoryError for an unknown id.
std::string exportRunsJson(const Database& db, const std::vector<int64_t>& runIds = {});
std::string exportRunsCsv(const Database& db, const std::vector<int64_t>& runIds = {});
std::string exportEpochsCsv(const Database& db, const std::vector<int64_t>& runIds = {});

struct ImportResult {
    std::vector<int64_t> imported;  // new ids, in file order
    int skipped = 0;                // already here (same uid)
};
// All or nothing per run; throws HistoryError for a file that is not an airbench-runs export.
ImportResult importRunsJson(Database& db, const std::string& json);

// A JSON array of run records (no epochs or steps), the listing `airbench runs --json` prints.
std::string recordsJson(const std::vector<RunRecord>& records);

}  // namespace airbench::history
