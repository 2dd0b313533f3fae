#include <airbench/history.h>
#include <airbench/paths.h>

#include "loss_chunks.h"
#include "schema.h"
#include "sqlite.h"
#include "writer_process.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <variant>

namespace airbench::history {
namespace fs = std::filesystem;

struct Database::Impl {
    explicit Impl(const std::string& path) : db(path, true) {}
    sql::Connection db;
    int interrupted = 0;
};

namespace {

// The columns of a RunRecord, in the order readRun reads them. {config} is replaced by
// config_json or by '' for listings that skip it.
constexpr const char* kRunColumns =
    "id, uid, recipe, {config}, config_key, dataset_name, dataset_hash, mask_name, mask_hash, "
    "seed, device, software_version, started_at, finished_at, updated_at, status, error, "
    "val_accuracy, tta_val_accuracy, train_seconds, steps, epochs_done, planned_epochs, "
    "planned_steps, tags, notes, messages, writer_pid, writer_host";

std::string runColumns(bool withConfig) {
    std::string columns = kRunColumns;
    columns.replace(columns.find("{config}"), 8, withConfig ? "config_json" : "''");
    return columns;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(separator, start);
        if (end == std::string::npos) {
            end = text.size();
        }
        if (end > start) {
            out.push_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    return out;
}

std::string join(const std::vector<std::string>& parts, char separator) {
    std::string out;
    for (const std::string& part : parts) {
        if (!out.empty()) {
            out += separator;
        }
        out += part;
    }
    return out;
}

RunRecord readRun(const sql::Statement& q) {
    RunRecord r;
    int c = 0;
    r.id = q.int64(c++);
    r.uid = q.text(c++);
    r.recipe = q.text(c++);
    r.configJson = q.text(c++);
    r.configKey = q.text(c++);
    r.datasetName = q.text(c++);
    r.datasetHash = q.text(c++);
    r.maskName = q.text(c++);
    r.maskHash = q.text(c++);
    r.seed = static_cast<uint64_t>(q.int64(c++));  // stored as the same 64 bits, signed
    r.device = q.text(c++);
    r.softwareVersion = q.text(c++);
    r.startedAt = q.text(c++);
    r.finishedAt = q.text(c++);
    r.updatedAt = q.text(c++);
    r.status = parseStatus(q.text(c++));
    r.error = q.text(c++);
    r.valAccuracy = q.real(c++);
    r.ttaValAccuracy = q.real(c++);
    r.trainSeconds = q.real(c++);
    r.steps = q.int64(c++);
    r.epochsDone = static_cast<int>(q.int64(c++));
    r.plannedEpochs = static_cast<int>(q.int64(c++));
    r.plannedSteps = q.int64(c++);
    r.tags = split(q.text(c++), ',');
    r.notes = q.text(c++);
    r.messages = split(q.text(c++), '\n');
    r.writerPid = q.int64(c++);
    r.writerHost = q.text(c++);
    return r;
}

std::string randomUid() {
    std::random_device device;
    std::mt19937_64 generator((uint64_t{device()} << 32) ^ device());
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(generator()),
                  static_cast<unsigned long long>(generator()));
    return text;
}

// A WHERE clause with its arguments, built from a RunFilter.
struct Where {
    std::string sql;
    std::vector<std::variant<int64_t, std::string>> args;

    void add(const std::string& condition) {
        sql += (sql.empty() ? " WHERE " : " AND ") + condition;
    }
    void bind(sql::Statement& q, int first = 1) const {
        for (size_t i = 0; i < args.size(); ++i) {
            const int index = first + static_cast<int>(i);
            if (const auto* n = std::get_if<int64_t>(&args[i])) {
                q.bind(index, *n);
            } else {
                q.bind(index, std::get<std::string>(args[i]));
            }
        }
    }
};

std::string likePattern(const std::string& text) {
    std::string out = "%";
    for (char ch : text) {
        if (ch == '%' || ch == '_' || ch == '\\') {
            out += '\\';
        }
        out += ch;
    }
    return out + "%";
}

Where whereOf(const RunFilter& f) {
    Where w;
    if (!f.ids.empty()) {
        std::string list;
        for (int64_t id : f.ids) {
            list += list.empty() ? "?" : ",?";
            w.args.emplace_back(id);
        }
        w.add("id IN (" + list + ")");
    }
    auto equals = [&](const char* column, const std::string& value) {
        if (!value.empty()) {
            w.add(std::string(column) + " = ?");
            w.args.emplace_back(value);
        }
    };
    equals("recipe", f.recipe);
    equals("config_key", f.configKey);
    equals("dataset_hash", f.datasetHash);
    if (f.status) {
        equals("status", statusName(*f.status));
    }
    if (!f.tag.empty()) {
        w.add("instr(',' || tags || ',', ',' || ? || ',') > 0");
        w.args.emplace_back(f.tag);
    }
    if (!f.startedAfter.empty()) {
        w.add("started_at >= ?");
        w.args.emplace_back(f.startedAfter);
    }
    if (!f.startedBefore.empty()) {
        w.add("started_at < ?");
        w.args.emplace_back(f.startedBefore);
    }
    if (!f.text.empty()) {
        w.add(
            "(recipe LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\' "
            "OR error LIKE ? ESCAPE '\\')");
        for (int i = 0; i < 4; ++i) {
            w.args.emplace_back(likePattern(f.text));
        }
    }
    return w;
}

void writeChunks(sql::Connection& db, int64_t runId, const std::vector<StepPoint>& points) {
    if (points.empty()) {
        return;
    }
    sql::Statement insert(db,
                          "INSERT OR REPLACE INTO loss_chunks (run_id, first_step, epoch, bucket, "
                          "step_count, losses) VALUES (?, ?, ?, ?, ?, ?)");
    for (const LossChunk& c : packPoints(points)) {
        insert.reset();
        insert.bind(1, runId)
            .bind(2, c.firstStep)
            .bind(3, int64_t{c.epoch})
            .bind(4, int64_t{c.bucket})
            .bind(5, c.stepCount)
            .bindBlob(6, encodeLosses(c.means));
        insert.run();
    }
}

void writeEpoch(sql::Connection& db, int64_t runId, const EpochMetrics& m) {
    sql::Statement q(db,
                     "INSERT OR REPLACE INTO epochs (run_id, epoch, steps, train_loss, "
                     "train_accuracy, val_accuracy, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, runId)
        .bind(2, int64_t{m.epoch})
        .bind(3, m.steps)
        .bind(4, m.trainLoss)
        .bind(5, m.trainAccuracy)
        .bind(6, m.valAccuracy)
        .bind(7, m.seconds);
    q.run();
}

// Runs an UPDATE of one run and insists that the run exists.
void updateRun(sql::Connection& db, sql::Statement& q, int64_t runId) {
    q.run();
    if (db.changes() == 0) {
        throw HistoryError("run " + std::to_string(runId) + " is not in the history '" + db.path() +
                           "'");
    }
}

}  // namespace

std::string Database::defaultPath() {
    if (const char* env = std::getenv("AIRBENCH_HISTORY_DB"); env && *env) {
        return env;
    }
    return (fs::path(userDataDirectory()) / "history.sqlite").string();
}

Database::Database(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::exists(parent, ec)) {
        fs::create_directories(parent, ec);
        if (ec) {
            throw HistoryError("cannot create the folder of the run history '" + path +
                               "': " + ec.message());
        }
    }
    impl_ = std::make_unique<Impl>(path);
    sql::Connection& db = impl_->db;
    db.exec("PRAGMA foreign_keys = ON");
    // WAL: readers see the last committed epoch while a run writes the next. NORMAL sync in WAL
    // survives a killed process (not a power cut) and saves an fsync per epoch.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    schema::registerFunctions(db);
    schema::migrate(db);
    impl_->interrupted = markInterruptedRuns();
}

Database::~Database() = default;
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;

const std::string& Database::path() const {
    return impl_->db.path();
}

int Database::schemaVersion() const {
    return schema::userVersion(impl_->db);
}

int Database::currentSchemaVersion() {
    return schema::kCurrentVersion;
}

int Database::interruptedAtOpen() const {
    return impl_->interrupted;
}

int Database::markInterruptedRuns() {
    sql::Connection& db = impl_->db;
    std::vector<std::pair<int64_t, WriterProcess>> dead;
    {
        sql::Statement q(db,
                         "SELECT id, writer_pid, writer_host, writer_start FROM runs "
                         "WHERE status = 'running'");
        while (q.step()) {
            const WriterProcess writer{q.int64(1), q.text(2), q.int64(3)};
            if (!writerAlive(writer)) {
                dead.emplace_back(q.int64(0), writer);
            }
        }
    }
    if (dead.empty()) {
        return 0;
    }
    sql::Transaction transaction(db);
    sql::Statement mark(db,
                        "UPDATE runs SET status = 'interrupted', "
                        "finished_at = coalesce(updated_at, started_at), "
                        "error = CASE WHEN error = '' THEN ? ELSE error END "
                        "WHERE id = ? AND status = 'running'");
    int marked = 0;
    for (const auto& [id, writer] : dead) {
        mark.reset();
        mark.bind(1, "its process (pid " + std::to_string(writer.pid) + " on " + writer.host +
                         ") ended before the run did")
            .bind(2, id);
        mark.run();
        marked += db.changes();
    }
    transaction.commit();
    impl_->interrupted = marked;
    return marked;
}

int64_t Database::dataVersion() const {
    sql::Statement q(impl_->db, "PRAGMA data_version");
    q.step();
    return q.int64(0);
}

int64_t Database::beginRun(RunRecord r) {
    const WriterProcess writer = currentWriter();
    if (r.uid.empty()) {
        r.uid = randomUid();
    }
    if (r.startedAt.empty()) {
        r.startedAt = currentTimestamp();
    }
    if (r.softwareVersion.empty()) {
        r.softwareVersion = historyLibraryVersion();
    }
    r.configKey = configGroupKey(r.configJson);
    r.tags = normalizeTags(r.tags);
    sql::Statement q(impl_->db,
                     "INSERT INTO runs (uid, recipe, config_json, config_key, dataset_name, "
                     "dataset_hash, mask_name, mask_hash, seed, device, software_version, "
                     "started_at, updated_at, status, tags, notes, planned_epochs, planned_steps, "
                     "writer_pid, writer_host, writer_start) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)");
    q.bindAll(r.uid, r.recipe, r.configJson, r.configKey, r.datasetName, r.datasetHash, r.maskName,
              r.maskHash, static_cast<int64_t>(r.seed), r.device, r.softwareVersion, r.startedAt,
              r.startedAt, join(r.tags, ','), r.notes, int64_t{r.plannedEpochs}, r.plannedSteps,
              writer.pid, writer.host, writer.startTicks);
    q.run();
    return impl_->db.lastInsertId();
}

void Database::setPlan(int64_t runId, const RunPlan& plan) {
    sql::Statement q(impl_->db,
                     "UPDATE runs SET planned_epochs = ?, planned_steps = ? WHERE id = ?");
    q.bind(1, int64_t{plan.epochs}).bind(2, plan.totalSteps).bind(3, runId);
    updateRun(impl_->db, q, runId);
}

void Database::recordEpoch(int64_t runId, const EpochMetrics& metrics,
                           const std::vector<StepPoint>& steps) {
    sql::Connection& db = impl_->db;
    sql::Transaction transaction(db);
    sql::Statement q(db, "UPDATE runs SET steps = ?, updated_at = ? WHERE id = ?");
    q.bind(1, metrics.steps).bind(2, currentTimestamp()).bind(3, runId);
    updateRun(db, q, runId);
    writeEpoch(db, runId, metrics);
    writeChunks(db, runId, steps);
    // Counted, not incremented: a replayed epoch (INSERT OR REPLACE) must not count twice.
    sql::Statement count(
        db,
        "UPDATE runs SET epochs_done = (SELECT count(*) FROM epochs WHERE run_id = ?1) "
        "WHERE id = ?1");
    count.bind(1, runId);
    count.run();
    transaction.commit();
}

void Database::addMessage(int64_t runId, const std::string& message) {
    sql::Statement q(impl_->db,
                     "UPDATE runs SET messages = CASE WHEN messages = '' THEN ?2 "
                     "ELSE messages || char(10) || ?2 END WHERE id = ?1");
    q.bind(1, runId).bind(2, message);
    updateRun(impl_->db, q, runId);
}

void Database::finishRun(int64_t runId, const RunSummary& s,
                         const std::vector<StepPoint>& trailingSteps) {
    sql::Connection& db = impl_->db;
    sql::Transaction transaction(db);
    writeChunks(db, runId, trailingSteps);
    const std::string now = currentTimestamp();
    sql::Statement q(db,
                     "UPDATE runs SET status = ?, finished_at = ?, updated_at = ?, "
                     "val_accuracy = ?, tta_val_accuracy = ?, train_seconds = ?, steps = ?, "
                     "device = CASE WHEN device = '' THEN ? ELSE device END WHERE id = ?");
    q.bind(1, statusName(s.cancelled ? RunStatus::Cancelled : RunStatus::Finished))
        .bind(2, now)
        .bind(3, now)
        .bind(4, s.valAccuracy)
        .bind(5, s.ttaValAccuracy)
        .bind(6, s.seconds)
        .bind(7, s.steps)
        .bind(8, s.device)
        .bind(9, runId);
    updateRun(db, q, runId);
    transaction.commit();
}

void Database::endRun(int64_t runId, RunStatus status, const std::string& error) {
    const std::string now = currentTimestamp();
    sql::Statement q(impl_->db,
                     "UPDATE runs SET status = ?, error = ?, finished_at = ?, updated_at = ? "
                     "WHERE id = ?");
    q.bind(1, statusName(status)).bind(2, error).bind(3, now).bind(4, now).bind(5, runId);
    updateRun(impl_->db, q, runId);
}

std::optional<RunRecord> Database::run(int64_t runId) const {
    sql::Statement q(impl_->db, "SELECT " + runColumns(true) + " FROM runs WHERE id = ?");
    q.bind(1, runId);
    if (!q.step()) {
        return std::nullopt;
    }
    return readRun(q);
}

std::vector<RunRecord> Database::runs(const RunFilter& filter) const {
    const Where w = whereOf(filter);
    sql::Statement q(impl_->db, "SELECT " + runColumns(filter.withConfig) + " FROM runs" + w.sql +
                                    " ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?");
    w.bind(q);
    const int next = static_cast<int>(w.args.size()) + 1;
    q.bind(next, filter.limit).bind(next + 1, filter.offset);
    std::vector<RunRecord> out;
    while (q.step()) {
        out.push_back(readRun(q));
    }
    return out;
}

int64_t Database::countRuns(const RunFilter& filter) const {
    const Where w = whereOf(filter);
    sql::Statement q(impl_->db, "SELECT count(*) FROM runs" + w.sql);
    w.bind(q);
    q.step();
    return q.int64(0);
}

std::vector<EpochMetrics> Database::epochs(int64_t runId) const {
    sql::Statement q(impl_->db,
                     "SELECT epoch, steps, train_loss, train_accuracy, val_accuracy, seconds "
                     "FROM epochs WHERE run_id = ? ORDER BY epoch");
    q.bind(1, runId);
    std::vector<EpochMetrics> out;
    while (q.step()) {
        EpochMetrics m;
        m.epoch = static_cast<int>(q.int64(0));
        m.steps = q.int64(1);
        m.trainLoss = q.real(2);
        m.trainAccuracy = q.real(3);
        m.valAccuracy = q.real(4);
        m.seconds = q.real(5);
        out.push_back(m);
    }
    return out;
}

std::vector<StepPoint> Database::steps(int64_t runId) const {
    sql::Statement q(impl_->db,
                     "SELECT first_step, epoch, bucket, step_count, losses FROM loss_chunks "
                     "WHERE run_id = ? ORDER BY first_step");
    q.bind(1, runId);
    std::vector<StepPoint> out;
    while (q.step()) {
        LossChunk c;
        c.firstStep = q.int64(0);
        c.epoch = static_cast<int>(q.int64(1));
        c.bucket = static_cast<int>(q.int64(2));
        c.stepCount = q.int64(3);
        c.means = decodeLosses(q.blob(4));
        for (const StepPoint& p : chunkPoints(c)) {
            out.push_back(p);
        }
    }
    return out;
}

std::vector<Artifact> Database::artifacts(int64_t runId) const {
    sql::Statement q(impl_->db,
                     "SELECT id, run_id, kind, path, created_at FROM artifacts WHERE run_id = ? "
                     "ORDER BY id");
    q.bind(1, runId);
    std::vector<Artifact> out;
    while (q.step()) {
        out.push_back({q.int64(0), q.int64(1), q.text(2), q.text(3), q.text(4)});
    }
    return out;
}

RunDetails Database::details(int64_t runId) const {
    std::optional<RunRecord> record = run(runId);
    if (!record) {
        throw HistoryError("no run " + std::to_string(runId) + " in the history '" + path() + "'");
    }
    return {std::move(*record), epochs(runId), steps(runId), artifacts(runId)};
}

std::vector<RunGroup> Database::groups(const RunFilter& filter) const {
    RunFilter listing = filter;
    listing.withConfig = false;
    const std::vector<RunRecord> records = runs(listing);  // newest first
    std::vector<RunGroup> groups;
    std::map<std::string, size_t> index;
    std::vector<std::vector<double>> accuracies, seconds;
    for (auto r = records.rbegin(); r != records.rend(); ++r) {
        auto [at, added] = index.try_emplace(r->configKey, groups.size());
        if (added) {
            groups.push_back({r->configKey, r->recipe, {}, 0, {}, {}, r->startedAt, {}});
            accuracies.emplace_back();
            seconds.emplace_back();
        }
        RunGroup& g = groups[at->second];
        g.runIds.push_back(r->id);
        g.lastStartedAt = r->startedAt;
        if (r->status == RunStatus::Finished) {
            ++g.finished;
            if (std::isfinite(r->ttaValAccuracy)) {
                accuracies[at->second].push_back(r->ttaValAccuracy);
                seconds[at->second].push_back(r->trainSeconds);
            }
        }
    }
    for (size_t i = 0; i < groups.size(); ++i) {
        groups[i].ttaAccuracy = summarize(accuracies[i]);
        groups[i].seconds = summarize(seconds[i]);
    }
    std::stable_sort(groups.begin(), groups.end(), [](const RunGroup& a, const RunGroup& b) {
        return a.lastStartedAt > b.lastStartedAt;
    });
    return groups;
}

void Database::setTags(int64_t runId, const std::vector<std::string>& tags) {
    sql::Statement q(impl_->db, "UPDATE runs SET tags = ? WHERE id = ?");
    q.bind(1, join(normalizeTags(tags), ',')).bind(2, runId);
    updateRun(impl_->db, q, runId);
}

void Database::addTags(int64_t runId, const std::vector<std::string>& tags) {
    sql::Transaction transaction(impl_->db);
    std::optional<RunRecord> r = run(runId);
    if (!r) {
        throw HistoryError("no run " + std::to_string(runId) + " in the history '" + path() + "'");
    }
    std::vector<std::string> all = r->tags;
    all.insert(all.end(), tags.begin(), tags.end());
    setTags(runId, all);
    transaction.commit();
}

void Database::removeTags(int64_t runId, const std::vector<std::string>& tags) {
    sql::Transaction transaction(impl_->db);
    std::optional<RunRecord> r = run(runId);
    if (!r) {
        throw HistoryError("no run " + std::to_string(runId) + " in the history '" + path() + "'");
    }
    const std::vector<std::string> removed = normalizeTags(tags);
    std::vector<std::string> kept;
    for (const std::string& tag : r->tags) {
        if (!std::binary_search(removed.begin(), removed.end(), tag)) {
            kept.push_back(tag);
        }
    }
    setTags(runId, kept);
    transaction.commit();
}

void Database::setNotes(int64_t runId, const std::string& notes) {
    sql::Statement q(impl_->db, "UPDATE runs SET notes = ? WHERE id = ?");
    q.bind(1, notes).bind(2, runId);
    updateRun(impl_->db, q, runId);
}

int64_t Database::addArtifact(int64_t runId, const std::string& kind, const std::string& path) {
    checkArtifactKind(kind);
    if (!run(runId)) {
        throw HistoryError("no run " + std::to_string(runId) + " in the history '" + this->path() +
                           "'");
    }
    const std::string absolute = fs::absolute(path).lexically_normal().string();
    sql::Statement insert(impl_->db,
                          "INSERT INTO artifacts (run_id, kind, path, created_at) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT (run_id, path) DO UPDATE SET kind = "
                          "excluded.kind");
    insert.bind(1, runId).bind(2, kind).bind(3, absolute).bind(4, currentTimestamp());
    insert.run();
    sql::Statement id(impl_->db, "SELECT id FROM artifacts WHERE run_id = ? AND path = ?");
    id.bind(1, runId).bind(2, absolute);
    id.step();
    return id.int64(0);
}

Database::DeleteResult Database::deleteRuns(const std::vector<int64_t>& runIds, bool removeFiles) {
    sql::Connection& db = impl_->db;
    DeleteResult result;
    std::set<std::string> paths;
    {
        sql::Transaction transaction(db);
        for (int64_t id : runIds) {
            sql::Statement q(db,
                             "SELECT status, writer_pid, writer_host, writer_start FROM runs "
                             "WHERE id = ?");
            q.bind(1, id);
            if (!q.step()) {
                throw HistoryError("no run " + std::to_string(id) + " in the history '" + path() +
                                   "'");
            }
            const WriterProcess writer{q.int64(1), q.text(2), q.int64(3)};
            if (parseStatus(q.text(0)) == RunStatus::Running && writerAlive(writer)) {
                throw HistoryError(
                    "run " + std::to_string(id) + " is still being written by process " +
                    std::to_string(writer.pid) + " on " + writer.host + "; stop it first");
            }
            for (const Artifact& a : artifacts(id)) {
                paths.insert(a.path);
            }
        }
        sql::Statement erase(db, "DELETE FROM runs WHERE id = ?");
        for (int64_t id : runIds) {
            erase.reset();
            erase.bind(1, id);
            erase.run();
            result.runs += db.changes();
        }
        transaction.commit();
    }
    if (!removeFiles) {
        return result;
    }
    // Files go after the commit: a failure to delete a file never resurrects a deleted run.
    sql::Statement shared(db, "SELECT 1 FROM artifacts WHERE path = ? LIMIT 1");
    for (const std::string& file : paths) {
        shared.reset();
        shared.bind(1, file);
        std::error_code ec;
        if (shared.step()) {
            result.filesShared.push_back(file);
        } else if (!fs::exists(fs::symlink_status(file, ec))) {
            result.filesMissing.push_back(file);
        } else if (fs::is_directory(fs::symlink_status(file, ec))) {
            result.failures.push_back(file + ": a folder (left in place)");
        } else if (fs::remove(file, ec)) {
            result.filesRemoved.push_back(file);
        } else {
            result.failures.push_back(file + ": " + ec.message());
        }
    }
    return result;
}

int64_t Database::insertRun(const RunDetails& run) {
    sql::Connection& db = impl_->db;
    RunRecord r = run.record;
    if (r.uid.empty()) {
        r.uid = randomUid();
    }
    sql::Transaction transaction(db);
    {
        sql::Statement exists(db, "SELECT 1 FROM runs WHERE uid = ?");
        exists.bind(1, r.uid);
        if (exists.step()) {
            return 0;
        }
    }
    if (r.status == RunStatus::Running) {
        r.status = RunStatus::Interrupted;
        if (r.error.empty()) {
            r.error = "imported while still running";
        }
    }
    sql::Statement q(db,
                     "INSERT INTO runs (uid, recipe, config_json, config_key, dataset_name, "
                     "dataset_hash, mask_name, mask_hash, seed, device, software_version, "
                     "started_at, finished_at, updated_at, status, error, val_accuracy, "
                     "tta_val_accuracy, train_seconds, steps, epochs_done, planned_epochs, "
                     "planned_steps, tags, notes, messages, writer_pid, writer_host) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                     "?, ?, ?)");
    const std::string startedAt = r.startedAt.empty() ? currentTimestamp() : r.startedAt;
    q.bindAll(
        r.uid, r.recipe, r.configJson, configGroupKey(r.configJson), r.datasetName, r.datasetHash,
        r.maskName, r.maskHash, static_cast<int64_t>(r.seed), r.device, r.softwareVersion,
        startedAt, r.finishedAt.empty() ? std::nullopt : std::optional<std::string>(r.finishedAt),
        r.updatedAt.empty() ? startedAt : r.updatedAt, statusName(r.status), r.error, r.valAccuracy,
        r.ttaValAccuracy, r.trainSeconds, r.steps, static_cast<int64_t>(run.epochs.size()),
        int64_t{r.plannedEpochs}, r.plannedSteps, join(normalizeTags(r.tags), ','), r.notes,
        join(r.messages, '\n'), r.writerPid, r.writerHost);
    q.run();
    const int64_t id = db.lastInsertId();
    for (const EpochMetrics& m : run.epochs) {
        writeEpoch(db, id, m);
    }
    writeChunks(db, id, run.steps);
    sql::Statement artifact(db,
                            "INSERT OR IGNORE INTO artifacts (run_id, kind, path, created_at) "
                            "VALUES (?, ?, ?, ?)");
    for (const Artifact& a : run.artifacts) {
        checkArtifactKind(a.kind);
        artifact.reset();
        artifact.bind(1, id).bind(2, a.kind).bind(3, a.path).bind(
            4, a.createdAt.empty() ? currentTimestamp() : a.createdAt);
        artifact.run();
    }
    transaction.commit();
    return id;
}

}  // namespace airbench::history
