// The schema: a new file gets the current version in WAL mode; a version 1 file written by hand
// (raw SQL, as the first release wrote it) migrates with its rows intact; a failing migration
// changes nothing; a newer file is refused; Qt's QSQLITE driver (the GUI's table) reads it.

#include <airbench/history.h>
#include <airbench/loss_bucketer.h>

#include "history_test_support.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <cmath>
#include <string>

using namespace airbench::history;

namespace {

// Raw SQLite, independent of the library under test.
class RawDb {
public:
    explicit RawDb(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
    ~RawDb() { sqlite3_close(db_); }
    bool exec(const std::string& sql) {
        char* error = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
        if (error) {
            qWarning("%s", error);
            sqlite3_free(error);
        }
        return rc == SQLITE_OK;
    }
    std::string text(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        std::string out;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
            out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        return out;
    }
    sqlite3* handle() { return db_; }

private:
    sqlite3* db_ = nullptr;
};

// The version 1 schema exactly as the first release created it.
const char* kVersion1 = R"sql(
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
PRAGMA user_version = 1;
)sql";

constexpr int kLongRunSteps = 5000;  // more than kMaxLossPoints: the migration must bucket it
constexpr int kShortRunSteps = 30;

// Two runs as version 1 stored them: a long finished one and a short failed one.
void writeVersion1(const std::string& path) {
    RawDb db(path);
    QVERIFY(db.exec(kVersion1));
    QVERIFY(db.exec(
        "INSERT INTO runs (recipe, config_json, dataset_name, dataset_hash, seed, device, "
        "software_version, started_at, finished_at, status, val_accuracy, tta_val_accuracy, "
        "train_seconds, steps, writer_pid, writer_host) VALUES "
        "('airbench94', '{\"seed\": 7, \"lr\": 11.5, \"runs\": 3}', 'CIFAR-10', 'h1', 7, 'cpu', "
        "'0.0.9', '2026-01-02T03:04:05.000Z', '2026-01-02T03:05:00.000Z', 'finished', 0.93, "
        "0.94, 3.5, 5000, 4242, 'old-host'),"
        "('airbench95', '{\"seed\": 1}', 'CIFAR-10', 'h1', 1, 'cpu', '0.0.9', "
        "'2026-01-03T00:00:00.000Z', '2026-01-03T00:01:00.000Z', 'failed', NULL, NULL, NULL, 30, "
        "4243, 'old-host')"));
    QVERIFY(db.exec("UPDATE runs SET error = 'diverged' WHERE id = 2"));
    QVERIFY(db.exec("BEGIN"));
    for (int e = 0; e < 10; ++e) {
        QVERIFY(db.exec("INSERT INTO epochs VALUES (1, " + std::to_string(e) + ", " +
                        std::to_string(500 * (e + 1)) + ", 1.0, 0.5, 0.9, " +
                        std::to_string(e + 1) + ".0)"));
    }
    for (int s = 1; s <= kLongRunSteps; ++s) {
        QVERIFY(db.exec("INSERT INTO steps VALUES (1, " + std::to_string(s) + ", " +
                        std::to_string((s - 1) / 500) + ", " + std::to_string(0.001 * s) + ")"));
    }
    for (int s = 1; s <= kShortRunSteps; ++s) {
        QVERIFY(db.exec("INSERT INTO steps VALUES (2, " + std::to_string(s) + ", 0, " +
                        std::to_string(3.0 - 0.01 * s) + ")"));
    }
    QVERIFY(db.exec("COMMIT"));
}

}  // namespace

class TestHistorySchema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void newDatabaseIsCurrentAndInWalMode() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("sub/folder/history.sqlite").toStdString();
        {
            Database db(path);  // creates the missing folders too
            QCOMPARE(db.schemaVersion(), Database::currentSchemaVersion());
            QCOMPARE(db.schemaVersion(), 3);
            QCOMPARE(db.path(), path);
        }
        RawDb raw(path);
        QCOMPARE(raw.text("PRAGMA journal_mode"), std::string("wal"));
        QCOMPARE(raw.text("PRAGMA user_version"), std::string("3"));
        for (const char* table : {"runs", "epochs", "loss_chunks", "artifacts"}) {
            QCOMPARE(raw.text(std::string("SELECT name FROM sqlite_master WHERE name = '") + table +
                              "'"),
                     std::string(table));
        }
        QVERIFY(raw.text("SELECT name FROM sqlite_master WHERE name = 'steps'").empty());
    }

    void groupKeyIgnoresWhereDataAndMasksCameFrom() {
        // The CLI records a mask's file, the GUI does not; the same data in two folders is the
        // same data: hashes decide, paths and names do not.
        const std::string cli =
            R"({"lr":11.5,"seed":3,"runs":5,"dataset":{"path":"/a","hash":"d1","name":"CIFAR-10"},)"
            R"("mask":{"path":"/m/keep.json","name":"keep","hash":"m1","examples":30000}})";
        const std::string gui =
            R"({"lr":11.5,"seed":4,"runs":1,"dataset":{"path":"/b","hash":"d1","name":"CIFAR-10"},)"
            R"("mask":{"name":"low confidence","hash":"m1","examples":30000}})";
        QCOMPARE(configGroupKey(cli), configGroupKey(gui));
        QCOMPARE(configGroupKey(gui),
                 std::string(R"({"dataset":{"hash":"d1","name":"CIFAR-10"},"lr":11.5,)"
                             R"("mask":{"examples":30000,"hash":"m1"}})"));
        // Another mask (hash) or another setting is another group.
        std::string other = gui;
        other.replace(other.find("\"m1\""), 4, "\"m2\"");
        QVERIFY(configGroupKey(other) != configGroupKey(gui));
        QVERIFY(configGroupKey(R"({"lr":11})") != configGroupKey(R"({"lr":11.5})"));
    }

    void defaultPathFollowsTheEnvironment() {
        qputenv("AIRBENCH_HISTORY_DB", "/tmp/somewhere/h.sqlite");
        QCOMPARE(Database::defaultPath(), std::string("/tmp/somewhere/h.sqlite"));
        qunsetenv("AIRBENCH_HISTORY_DB");
        QVERIFY(QString::fromStdString(Database::defaultPath())
                    .endsWith("airbench-workbench/history.sqlite"));
    }

    void migratesVersion1AndKeepsEveryRow() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("v1.sqlite").toStdString();
        writeVersion1(path);
        if (QTest::currentTestFailed()) {
            return;
        }

        Database db(path);
        QCOMPARE(db.schemaVersion(), 3);
        // Both runs survive with their version 1 columns.
        const std::vector<RunRecord> runs = db.runs();
        QCOMPARE(runs.size(), size_t(2));
        const RunRecord a = *db.run(1), b = *db.run(2);
        QCOMPARE(a.recipe, std::string("airbench94"));
        QCOMPARE(a.seed, uint64_t(7));
        QCOMPARE(a.status, RunStatus::Finished);
        QCOMPARE(a.ttaValAccuracy, 0.94);
        QCOMPARE(a.trainSeconds, 3.5);
        QCOMPARE(a.startedAt, std::string("2026-01-02T03:04:05.000Z"));
        QCOMPARE(a.writerHost, std::string("old-host"));
        QCOMPARE(b.status, RunStatus::Failed);
        QCOMPARE(b.error, std::string("diverged"));
        QVERIFY(std::isnan(b.ttaValAccuracy));
        // New columns exist, with values derived from the old ones.
        QCOMPARE(a.uid.size(), size_t(32));
        QVERIFY(a.uid != b.uid);
        QCOMPARE(a.configKey, configGroupKey(a.configJson));
        QCOMPARE(a.configKey, std::string("{\"lr\":11.5}"));  // seed and run count left out
        QCOMPARE(a.epochsDone, 10);
        QCOMPARE(b.epochsDone, 0);
        QCOMPARE(a.updatedAt, a.finishedAt);
        QVERIFY(a.tags.empty() && a.notes.empty());
        QCOMPARE(db.epochs(1).size(), size_t(10));
        QCOMPARE(db.epochs(1)[9].seconds, 10.0);

        // The long run's 5,000 step rows became bucket means of 3 steps (ceil(5000 / 2000)),
        // a bucket closing at each epoch end (500 = 166 * 3 + 2).
        const std::vector<StepPoint> points = db.steps(1);
        QCOMPARE(bucketSizeFor(kLongRunSteps), 3);
        QVERIFY(points.size() <= size_t(kMaxLossPoints + 10));
        QCOMPARE(points.size(), size_t(10 * 167));
        int64_t covered = 0;
        for (const StepPoint& p : points) {
            double sum = 0;
            for (int64_t s = p.step - p.count + 1; s <= p.step; ++s) {
                sum += 0.001 * double(s);
            }
            QVERIFY2(std::abs(p.loss - sum / p.count) < 1e-5, qPrintable(QString::number(p.step)));
            QCOMPARE(p.epoch, int((p.step - 1) / 500));
            covered += p.count;
        }
        QCOMPARE(covered, int64_t(kLongRunSteps));
        // The short run keeps every step.
        const std::vector<StepPoint> exact = db.steps(2);
        QCOMPARE(exact.size(), size_t(kShortRunSteps));
        QCOMPARE(exact[4].step, int64_t(5));
        QCOMPARE(exact[4].count, 1);
        QVERIFY(std::abs(exact[4].loss - 2.95) < 1e-6);

        // Version 2 features work on the migrated rows.
        db.addTags(1, {"baseline"});
        QVERIFY(db.addArtifact(1, "checkpoint", dir.filePath("a.model").toStdString()) > 0);
        RunFilter byTag;
        byTag.tag = "baseline";
        QCOMPARE(db.runs(byTag).size(), size_t(1));

        // Opening again is a no-op.
        Database again(path);
        QCOMPARE(again.schemaVersion(), 3);
        QCOMPARE(again.steps(1).size(), points.size());
    }

    void failedMigrationChangesNothing() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("broken.sqlite").toStdString();
        writeVersion1(path);
        if (QTest::currentTestFailed()) {
            return;
        }
        {
            // A table in the way of version 2's CREATE TABLE makes the step fail half-way.
            RawDb raw(path);
            QVERIFY(raw.exec("CREATE TABLE artifacts (x)"));
        }
        QVERIFY_EXCEPTION_THROWN(Database{path}, HistoryError);
        RawDb raw(path);
        QCOMPARE(raw.text("PRAGMA user_version"), std::string("1"));
        QCOMPARE(raw.text("SELECT count(*) FROM steps"),
                 std::to_string(kLongRunSteps + kShortRunSteps));
        // The columns added before the failure were rolled back with it.
        QVERIFY(raw.text("SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'uid'") ==
                "0");
    }

    void refusesANewerSchema() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("future.sqlite").toStdString();
        {
            RawDb raw(path);
            QVERIFY(raw.exec("CREATE TABLE runs (id INTEGER); PRAGMA user_version = 99"));
        }
        try {
            Database db(path);
            QFAIL("opened a schema newer than this build");
        } catch (const HistoryError& e) {
            QVERIFY2(std::string(e.what()).find("99") != std::string::npos, e.what());
        }
        RawDb raw(path);
        QCOMPARE(raw.text("PRAGMA user_version"), std::string("99"));
    }

    void refusesAFileThatIsNotADatabase() {
        QTemporaryDir dir;
        const QString path = dir.filePath("text.sqlite");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        QVERIFY_EXCEPTION_THROWN(Database{path.toStdString()}, HistoryError);
    }

    void qtSqliteDriverReadsTheFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("gui.sqlite").toStdString();
        Database db(path);
        const int64_t id = test::writeRun(db, test::sampleRecord(3), 2, 10, 0.91);
        {
            QSqlDatabase qt = QSqlDatabase::addDatabase("QSQLITE", "history-test");
            qt.setDatabaseName(QString::fromStdString(path));
            qt.setConnectOptions("QSQLITE_OPEN_READONLY");
            QVERIFY(qt.open());
            QSqlQuery q(qt);
            QVERIFY(q.exec("SELECT id, recipe, status, tta_val_accuracy, seed FROM runs"));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toLongLong(), qlonglong(id));
            QCOMPARE(q.value(1).toString(), QString("airbench94"));
            QCOMPARE(q.value(2).toString(), QString("finished"));
            QCOMPARE(q.value(3).toDouble(), 0.91);
            QCOMPARE(q.value(4).toInt(), 3);
            QVERIFY(q.exec("SELECT count(*) FROM epochs"));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 2);
            qt.close();
        }
        QSqlDatabase::removeDatabase("history-test");
    }
};

QTEST_GUILESS_MAIN(TestHistorySchema)
#include "test_history_schema.moc"
