#pragma once
// The history's schema as numbered migration steps. PRAGMA user_version holds the number of the
// last step applied; opening a database applies the missing steps in order, each in its own
// transaction, so a crash mid-migration leaves the previous version intact.
//
// Version 1: runs (one row per run), epochs (one row per epoch), steps (one row per step).
// Version 2: runs gain uid, config_key, tags, notes, messages, planned_epochs, planned_steps,
//            epochs_done, updated_at, writer_start; artifacts (files a run produced); per-step
//            losses move from `steps` to `loss_chunks` (bucket means, one float32 BLOB per epoch).

#include "sqlite.h"

#include <vector>

namespace airbench::history::schema {

constexpr int kCurrentVersion = 3;

struct Migration {
    int version;  // user_version once applied
    const char* summary;
    void (*apply)(sql::Connection& db);
};
const std::vector<Migration>& migrations();

int userVersion(sql::Connection& db);

// SQL functions the migrations and writers use: airbench_config_key(json) (configGroupKey).
void registerFunctions(sql::Connection& db);

// Applies every missing step. Throws HistoryError for a database newer than this build.
void migrate(sql::Connection& db);

}  // namespace airbench::history::schema
