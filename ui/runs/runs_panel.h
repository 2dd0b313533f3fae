#pragma once
// The Runs tab: every run in the history database (the GUI's and the CLI's), as a sortable,
// filterable table with editable tags and notes; or grouped by configuration with the mean, std
// and 95% CI of their TTA accuracy. Selected runs (or groups) overlay their loss and accuracy
// curves, export to CSV or JSON, and can be deleted with their files after a confirmation.
//
// It reads and edits the history through a HistoryController and, while visible, has it poll the
// file: runs that another connection writes (the GUI's training thread, `airbench train` in a
// terminal) appear on their own, and runs whose writer died show as "interrupted".

#include <QString>
#include <QWidget>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

class QAbstractButton;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace airbench::history {
struct RunDetails;
}

namespace airbench::ui {

class HistoryController;
class HistoryCurvePlot;
class RunComparison;
class RunGroupModel;
class RunHistoryModel;

class RunsPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kMaxCompared = 10;  // one colour each

    // `history` must outlive the panel. When it could not be opened, the panel says why and
    // stays empty and disabled.
    explicit RunsPanel(HistoryController* history, QWidget* parent = nullptr);
    ~RunsPanel() override;

    HistoryController* history() const { return history_; }

    RunHistoryModel* model() const { return model_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    RunGroupModel* groupModel() const { return groups_; }
    RunComparison* comparison() const { return comparison_; }
    QTableView* table() const { return table_; }
    QTableView* groupTable() const { return groupTable_; }
    QLineEdit* filterEdit() const { return filter_; }
    QComboBox* statusBox() const { return status_; }
    QComboBox* recipeBox() const { return recipe_; }
    QAbstractButton* groupButton() const { return group_; }
    QPushButton* deleteButton() const { return delete_; }
    QPushButton* openNetworkButton() const { return openNetwork_; }
    HistoryCurvePlot* lossPlot() const { return lossPlot_; }
    HistoryCurvePlot* accuracyPlot() const { return accuracyPlot_; }
    bool isGrouped() const;

    // Asks before deleting; the default shows a QMessageBox. Tests answer it themselves.
    using Confirmation = std::function<bool(const QString& question)>;
    void setConfirmation(Confirmation confirm) { confirm_ = std::move(confirm); }

    // The runs the buttons act on: the selected rows, or the runs of the selected groups.
    std::vector<int64_t> selectedIds() const;
    // The runs selected in the runs table, whatever the view shows (a reset keeps these).
    std::vector<int64_t> selectedTableIds() const;
    void selectIds(const std::vector<int64_t>& ids);
    // The last thing said below the table (what was deleted or exported, or an error).
    QString statusText() const;

public slots:
    void setGrouped(bool grouped);
    // Overlays the selected runs' curves (the first kMaxCompared of them).
    void compareSelected();
    // Asks, then deletes the selected runs and their files; true when it deleted.
    bool deleteSelected();
    // The selected runs (every listed run when none is selected) as CSV, or JSON when `path`
    // ends in .json; true on success.
    bool exportSelected(const QString& path);
    void exportCsvWithDialog();
    void exportJsonWithDialog();
    // Asks the window to load the single selected run's kept network (openNetworkRequested).
    void openSelectedNetwork();

signals:
    // Something went wrong that the window should show (a failed delete, an unwritable file).
    void errorOccurred(const QString& message);
    // A short report for the status bar.
    void message(const QString& text);
    // Open Network: the run's kept network, for the window to load into the Explorer.
    void openNetworkRequested(qint64 historyId, const QString& path);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void createLayout();
    // Re-reads the runs and what shows them (the history changed).
    void reload();
    void applyFilter();
    void updateCounts();
    void updateOpenNetwork();
    void reloadComparison();
    // The details of `ids` for the comparison, reusing those it holds that are still current.
    std::vector<history::RunDetails> detailsOf(const std::vector<int64_t>& ids, bool reportErrors);
    void fitColumns();
    void say(const QString& text, bool error = false);
    void exportWithDialog(const QString& suffix, const QString& filter);

    HistoryController* history_;
    std::vector<int64_t> keptSelection_;           // across a model reset
    std::vector<std::string> keptGroupSelection_;  // configuration keys, across a reset
    bool columnsFitted_ = false;                   // to the first runs listed
    Confirmation confirm_;

    RunHistoryModel* model_;
    QSortFilterProxyModel* proxy_;
    RunGroupModel* groups_;
    RunComparison* comparison_;

    QLineEdit* filter_;
    QComboBox* status_;
    QComboBox* recipe_;
    QAbstractButton* group_;
    QStackedWidget* stack_;
    QTableView* table_;
    QTableView* groupTable_;
    HistoryCurvePlot* lossPlot_;
    HistoryCurvePlot* accuracyPlot_;
    QPushButton* delete_;
    QPushButton* exportCsv_;
    QPushButton* exportJson_;
    QPushButton* openNetwork_;
    QLabel* counts_;
    QLabel* statusText_;
};

}  // namespace airbench::ui
