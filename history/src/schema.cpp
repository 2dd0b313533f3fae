#include "schema.h"

#include "loss_chunks.h"

#include <sqlite3.h>

#include <map>

namespace airbench::history::schema {
namespace {

// Version 1 (the first release): every step its own row. Kept verbatim: a database created
// today goes through the same steps as one created then.
void createVersion1(sql::Connection& db) {
    db.exec(R"sql(
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipe TEXT NOT NULL,
    config_json TEXT NOT NULL,
    dataset_name TEXT NOT NULL DEFAULT '',
    dataset_hash TEXT NOT NULL DEFAULT '',
    mask_name TEXT NOT NULL DEFAULT '',
    mask_hash TEXT NOT NULL DEFAULT '',
    seed INTEGER NOT NULL DEFAULT 0,
    device TEXT NOT NULL DEFAULT '',
    software_version TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'finished', 'cancelled', 'failed', 'interrupted')),
    error TEXT NOT NULL DEFAULT '',
    val_accuracy REAL,
    tta_val_accuracy REAL,
    train_seconds REAL,
    steps INTEGER NOT NULL DEFAULT 0,
    writer_pid INTEGER NOT NULL DEFAULT 0,
    writer_host TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_started_at ON runs(started_at);
CREATE TABLE epochs (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    steps INTEGER NOT NULL,
    train_loss REAL,
    train_accuracy REAL,
    val_accuracy REAL,
    seconds REAL,
    PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
CREATE TABLE steps (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    loss REAL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
)sql");
}

// Version 1 kept ~20 bytes per step per run (10,000 runs of airbench94: ~200 MB of step rows);
// packing each epoch into one float32 BLOB of bucket means takes ~4 bytes per step.
void packStepsIntoChunks(sql::Connection& db) {
    std::map<int64_t, int> buckets;
    {
        sql::Statement counts(db, "SELECT run_id, count(*) FROM steps GROUP BY run_id");
        while (counts.step()) {
            buckets[counts.int64(0)] = bucketSizeFor(counts.int64(1));
        }
    }
    sql::Statement insert(db,
                          "INSERT INTO loss_chunks (run_id, first_step, epoch, bucket, step_count, "
                          "losses) VALUES (?, ?, ?, ?, ?, ?)");
    auto write = [&](int64_t runId, LossBucketer& bucketer) {
        for (const LossChunk& c : packPoints(bucketer.take())) {
            insert.reset();
            insert.bind(1, runId)
                .bind(2, c.firstStep)
                .bind(3, int64_t{c.epoch})
                .bind(4, int64_t{c.bucket})
                .bind(5, c.stepCount)
                .bindBlob(6, encodeLosses(c.means));
            insert.run();
        }
    };
    sql::Statement rows(db, "SELECT run_id, step, epoch, loss FROM steps ORDER BY run_id, step");
    LossBucketer bucketer;
    int64_t current = -1;
    while (rows.step()) {
        const int64_t runId = rows.int64(0);
        if (runId != current) {
            if (current >= 0) {
                write(current, bucketer);
            }
            current = runId;
            bucketer.setBucket(buckets[runId]);
        }
        bucketer.add(rows.int64(1), static_cast<int>(rows.int64(2)), rows.real(3));
    }
    if (current >= 0) {
        write(current, bucketer);
    }
}

void upgradeToVersion2(sql::Connection& db) {
    db.exec(R"sql(
ALTER TABLE runs ADD COLUMN uid TEXT;
UPDATE runs SET uid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX runs_uid ON runs(uid);
ALTER TABLE runs ADD COLUMN config_key TEXT NOT NULL DEFAULT '';
UPDATE runs SET config_key = airbench_config_key(config_json);
CREATE INDEX runs_config_key ON runs(config_key);
CREATE INDEX runs_recipe ON runs(recipe);
CREATE INDEX runs_status ON runs(status);
ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN messages TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN planned_epochs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN planned_steps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN epochs_done INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET epochs_done = (SELECT count(*) FROM epochs WHERE epochs.run_id = runs.id);
ALTER TABLE runs ADD COLUMN updated_at TEXT;
UPDATE runs SET updated_at = coalesce(finished_at, started_at);
ALTER TABLE runs ADD COLUMN writer_start INTEGER NOT NULL DEFAULT 0;

CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, path)
);
CREATE INDEX artifacts_path ON artifacts(path);

CREATE TABLE loss_chunks (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    first_step INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    step_count INTEGER NOT NULL,
    losses BLOB NOT NULL,
    PRIMARY KEY (run_id, first_step)
) WITHOUT ROWID;
)sql");
    packStepsIntoChunks(db);
    db.exec("DROP TABLE steps");
}

void configKeyFunction(sqlite3_context* context, int, sqlite3_value** argv) {
    const auto* text = sqlite3_value_text(argv[0]);
    if (!text) {
        sqlite3_result_null(context);
        return;
    }
    const std::string key = configGroupKey(reinterpret_cast<const char*>(text));
    sqlite3_result_text(context, key.c_str(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
}

}  // namespace

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> steps = {
        {1, "runs, epochs and per-step losses", createVersion1},
        {2, "uid, group key, tags, notes, artifacts; losses as bucket-mean chunks",
         upgradeToVersion2},
        {3, "group keys without dataset and mask paths or names",
         [](sql::Connection& db) {
             db.exec("UPDATE runs SET config_key = airbench_config_key(config_json)");
         }},
    };
    return steps;
}

int userVersion(sql::Connection& db) {
    sql::Statement q(db, "PRAGMA user_version");
    q.step();
    return static_cast<int>(q.int64(0));
}

void registerFunctions(sql::Connection& db) {
    db.check(sqlite3_create_function(db.handle(), "airbench_config_key", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, configKeyFunction,
                                     nullptr, nullptr),
             "registering airbench_config_key");
}

void migrate(sql::Connection& db) {
    if (userVersion(db) > kCurrentVersion) {
        throw HistoryError("the run history '" + db.path() + "' has schema version " +
                           std::to_string(userVersion(db)) + ", newer than this build knows (" +
                           std::to_string(kCurrentVersion) + "): update Airbench Workbench");
    }
    for (const Migration& m : migrations()) {
        if (userVersion(db) >= m.version) {
            continue;
        }
        sql::Transaction transaction(db);
        // Another process may have migrated while we waited for the write lock.
        if (userVersion(db) >= m.version) {
            continue;
        }
        try {
            m.apply(db);
        } catch (const HistoryError& e) {
            throw HistoryError(std::string("migrating to schema version ") +
                               std::to_string(m.version) +
                               " failed (nothing changed): " + e.what());
        }
        db.exec("PRAGMA user_version = " + std::to_string(m.version));
        transaction.commit();
    }
}

}  // namespace airbench::history::schema
