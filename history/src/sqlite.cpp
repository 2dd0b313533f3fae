#include "sqlite.h"

#include <sqlite3.h>

#include <cmath>

namespace airbench::history::sql {
namespace {

// Long enough for another process's epoch transaction or a migration, short enough that a
// stuck writer turns into an error a user can read.
constexpr int kBusyTimeoutMs = 10000;

}  // namespace

Connection::Connection(const std::string& path, bool create) : path_(path) {
    const int flags =
        SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw HistoryError("cannot open the run history '" + path + "': " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
}

Connection::~Connection() {
    // sqlite3_close_v2 defers the close until every statement is finalized; none outlive us.
    sqlite3_close_v2(db_);
}

void Connection::check(int rc, const std::string& what) const {
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) {
        return;
    }
    throw HistoryError("run history '" + path_ + "': " + what + ": " + sqlite3_errmsg(db_));
}

void Connection::exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        const std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw HistoryError("run history '" + path_ + "': " + message);
    }
}

int64_t Connection::lastInsertId() const {
    return sqlite3_last_insert_rowid(db_);
}

int Connection::changes() const {
    return sqlite3_changes(db_);
}

Statement::Statement(const Connection& db, const std::string& sql) : db_(db), sql_(sql) {
    db_.check(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr),
              "preparing '" + sql + "'");
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, int64_t value) {
    db_.check(sqlite3_bind_int64(stmt_, index, value), "binding");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    if (std::isnan(value)) {
        return bindNull(index);
    }
    db_.check(sqlite3_bind_double(stmt_, index, value), "binding");
    return *this;
}

Statement& Statement::bind(int index, const std::string& value) {
    db_.check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                SQLITE_TRANSIENT),
              "binding");
    return *this;
}

Statement& Statement::bindNull(int index) {
    db_.check(sqlite3_bind_null(stmt_, index), "binding");
    return *this;
}

Statement& Statement::bindBlob(int index, const std::vector<uint8_t>& bytes) {
    // An empty vector's data() may be null, which SQLite would store as NULL; zeroblob keeps it
    // a zero-length blob.
    const int rc = bytes.empty()
                       ? sqlite3_bind_zeroblob(stmt_, index, 0)
                       : sqlite3_bind_blob(stmt_, index, bytes.data(),
                                           static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    db_.check(rc, "binding");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    db_.check(rc, "running '" + sql_ + "'");
    return false;
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const {
    return isNull(column) ? std::nan("") : sqlite3_column_double(stmt_, column);
}

std::string Statement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}

std::vector<uint8_t> Statement::blob(int column) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
}

Transaction::Transaction(Connection& db) : db_(db) {
    db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (open_) {
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Transaction::commit() {
    db_.exec("COMMIT");
    open_ = false;
}

}  // namespace airbench::history::sql
