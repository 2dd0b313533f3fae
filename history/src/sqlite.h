#pragma once
// A thin RAII layer over SQLite's C API: a connection, prepared statements with typed binds and
// columns, and a transaction guard. Every failure becomes a HistoryError naming the database.
// Deliberately not a general wrapper: only what the history needs.

#include <airbench/history_types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace airbench::history::sql {

class Connection {
public:
    // Opens (creating when `create`) the file in serialized mode with a busy timeout, so that a
    // writer in another process delays us instead of failing us.
    Connection(const std::string& path, bool create);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

    // Runs one or more statements that return no rows.
    void exec(const std::string& sql);
    int64_t lastInsertId() const;
    int changes() const;
    // Throws HistoryError with SQLite's message for a non-OK result code.
    void check(int rc, const std::string& what) const;

private:
    sqlite3* db_ = nullptr;
    std::string path_;
};

class Statement {
public:
    Statement(const Connection& db, const std::string& sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binds are 1-based like SQLite's; NaN doubles bind as NULL.
    Statement& bind(int index, int64_t value);
    Statement& bind(int index, double value);
    Statement& bind(int index, const std::string& value);
    Statement& bindNull(int index);
    Statement& bindBlob(int index, const std::vector<uint8_t>& bytes);
    Statement& bind(int index, const std::optional<std::string>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }
    // Binds the values to ?1, ?2, ... in order.
    template <typename... Values>
    Statement& bindAll(const Values&... values) {
        int index = 1;
        (bind(index++, values), ...);
        return *this;
    }

    // Steps once: true while a row is available.
    bool step();
    // Steps to completion (for statements without rows).
    void run();
    void reset();

    bool isNull(int column) const;
    int64_t int64(int column) const;
    double real(int column) const;  // NULL reads as NaN
    std::string text(int column) const;
    std::vector<uint8_t> blob(int column) const;

private:
    const Connection& db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string sql_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed uncommitted (an exception on the way).
// IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout instead of
// one failing mid-transaction with SQLITE_BUSY.
class Transaction {
public:
    explicit Transaction(Connection& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Connection& db_;
    bool open_ = true;
};

}  // namespace airbench::history::sql
