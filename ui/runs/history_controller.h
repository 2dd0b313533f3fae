#pragma once
// The run history as the GUI thread sees it. It owns that thread's connection to the file (a
// history::Database; the training thread has its own) and offers what the window, the Runs tab
// and its models do with the history: read runs, groups, details and kept networks, edit tags and
// notes, delete runs with their files, export them. The views hold no connection of their own:
// they ask here and follow changed().
//
// While polling (the Runs tab is shown) it looks at the file every second: when another
// connection committed (the training thread, `airbench train` in a terminal) it says changed();
// every few seconds it also turns the runs of writers that died "interrupted". Its own deletes
// say changed() too (SQLite's data version only counts other connections' commits).
//
// A history that could not be opened reads as empty (openError() says why) and refuses edits.
// Reads and edits throw std::exception (history::HistoryError) with the message to show.

#include <airbench/history.h>

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QTimer;

namespace airbench::ui {

class HistoryController : public QObject {
    Q_OBJECT

public:
    static constexpr int kPollIntervalMs = 1000;

    // Opens `path` (created when missing); when that fails, openError() says why.
    explicit HistoryController(const QString& path, QObject* parent = nullptr);
    ~HistoryController() override;

    QString path() const { return path_; }
    bool isOpen() const { return db_ != nullptr; }
    QString openError() const { return openError_; }

    // Reading; empty when the history is not open.
    std::vector<history::RunRecord> runs(const history::RunFilter& filter) const;
    std::vector<history::RunGroup> groups(const history::RunFilter& filter) const;
    // With its configuration; none for an unknown id.
    std::optional<history::RunRecord> run(int64_t id) const;
    // Epochs and step losses too; throws for an unknown id.
    history::RunDetails details(int64_t id) const;
    // The newest network run `id` kept (its "checkpoint" file, if that still exists); empty when
    // it kept none or was deleted meanwhile.
    QString checkpointOf(int64_t id) const;

    // Editing.
    void setTags(int64_t id, const std::vector<std::string>& tags);
    void setNotes(int64_t id, const std::string& notes);
    // The runs, their rows and their files; all or nothing (a run still being written refuses).
    history::Database::DeleteResult deleteRuns(const std::vector<int64_t>& ids);
    // The runs (oldest first, as given) as CSV, or JSON when `path` ends in .json (with epochs and
    // step losses: `airbench runs import` reads it back), written atomically.
    void exportRuns(const std::vector<int64_t>& ids, const QString& path) const;

    // Polls every kPollIntervalMs while on; turning it on looks at once.
    void setPolling(bool on);

public slots:
    // Says changed() when another connection wrote since the last look (always when forced).
    void refresh(bool force = false);

signals:
    void changed();
    // The file could not be read while polling.
    void failed(const QString& message);

private:
    history::Database& database() const;  // throws when not open

    QString path_;
    std::unique_ptr<history::Database> db_;
    QString openError_;
    int64_t lastVersion_ = -1;
    QElapsedTimer sinceInterruptCheck_;
    QTimer* poll_;
};

}  // namespace airbench::ui
