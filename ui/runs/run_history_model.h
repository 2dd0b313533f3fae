#pragma once
// The run history as a table: one row per run of HistoryController::runs(filter), newest first,
// as the CLI's `airbench runs` lists them (every run the GUI and the CLI recorded in the file).
// Tags and notes are editable in place and written straight back through the controller.
// reload() re-reads the file: new runs are inserted at the top and changed rows updated, so views
// keep their selection while the runs of another process come and go.

#include <airbench/history_types.h>

#include <QAbstractTableModel>
#include <QColor>
#include <QHash>

#include <cstdint>
#include <vector>

namespace airbench::ui {

class HistoryController;

class RunHistoryModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        RecipeColumn,
        StartedColumn,
        DatasetColumn,
        MaskColumn,
        SeedColumn,
        ValAccuracyColumn,
        TtaAccuracyColumn,
        TimeColumn,
        StatusColumn,
        TagsColumn,
        NotesColumn,
        ColumnCount
    };
    enum Role {
        IdRole = Qt::UserRole + 1,  // the run's database id (qint64), any column
        SortRole,                   // numbers as numbers, times as ISO text
    };

    // `history` must outlive the model; one that could not be opened: an empty table. Reads the
    // runs at once (lastError() says when that failed).
    explicit RunHistoryModel(HistoryController* history, QObject* parent = nullptr);

    // Status, recipe, ... (RunFilter); reloads. Text filtering is the view's (a proxy), which
    // matches what the columns show.
    void setFilter(const history::RunFilter& filter);
    const history::RunFilter& filter() const { return filter_; }
    // Re-reads the runs; returns false when the database could not be read (lastError()).
    bool reload();
    QString lastError() const { return error_; }

    const history::RunRecord& record(int row) const { return runs_.at(static_cast<size_t>(row)); }
    int rowOf(int64_t id) const;
    // The colour swatch of the runs on the comparison plots (empty: none).
    void setRunColors(const QHash<qint64, QColor>& colors);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // "baseline, lr-sweep" <-> {"baseline", "lr-sweep"}.
    static QString joinTags(const std::vector<std::string>& tags);
    static std::vector<std::string> splitTags(const QString& text);
    // A stored timestamp (UTC, ISO 8601) in local time, "2026-11-27 11:15:03".
    static QString localTime(const std::string& timestamp);

signals:
    // Writing a tag or a note failed (bad tag, read-only file): the message to show.
    void editFailed(const QString& message);

private:
    HistoryController* history_;
    history::RunFilter filter_;
    std::vector<history::RunRecord> runs_;
    QHash<qint64, int> rowOfId_;  // rowOf(), rebuilt whenever the rows move
    void indexRows();
    QHash<qint64, QColor> colors_;
    QString error_;
};

}  // namespace airbench::ui
