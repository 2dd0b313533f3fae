#include "runs/runs_panel.h"

#include "common/format.h"
#include "runs/history_controller.h"
#include "runs/history_curve_plot.h"
#include "runs/run_comparison.h"
#include "runs/run_group_model.h"
#include "runs/run_history_model.h"

#include <airbench/history.h>
#include <airbench/recipe.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <set>

namespace airbench::ui {
namespace {

QTableView* makeTable() {
    auto* table = new QTableView;
    table->verticalHeader()->setVisible(false);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setAlternatingRowColors(true);
    table->setSortingEnabled(true);
    table->setWordWrap(false);
    return table;
}

QString idList(const std::vector<int64_t>& ids) {
    QStringList parts;
    for (size_t i = 0; i < ids.size() && i < 8; ++i) {
        parts << QStringLiteral("#%1").arg(ids[i]);
    }
    if (ids.size() > 8) {
        parts << QStringLiteral("…");
    }
    return parts.join(QStringLiteral(", "));
}

}  // namespace

RunsPanel::RunsPanel(HistoryController* history, QWidget* parent)
    : QWidget(parent), history_(history) {
    confirm_ = [this](const QString& question) {
        return QMessageBox::question(this, tr("Delete runs"), question,
                                     QMessageBox::Yes | QMessageBox::Cancel,
                                     QMessageBox::Cancel) == QMessageBox::Yes;
    };
    model_ = new RunHistoryModel(history_, this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(RunHistoryModel::SortRole);
    proxy_->setFilterKeyColumn(-1);  // the text filter matches any column
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    groups_ = new RunGroupModel(history_, this);
    comparison_ = new RunComparison(this);

    createLayout();

    connect(model_, &RunHistoryModel::editFailed, this, [this](const QString& text) {
        say(text, true);
        emit errorOccurred(text);
    });
    // A reset (runs deleted, filter changed) would drop the selection: keep it by run id.
    connect(proxy_, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { keptSelection_ = selectedTableIds(); });
    connect(proxy_, &QAbstractItemModel::modelReset, this, [this] {
        selectIds(keptSelection_);
        keptSelection_.clear();
    });
    // Likewise for the groups, by configuration key.
    QAbstractItemModel* groupView = groupTable_->model();
    connect(groupView, &QAbstractItemModel::modelAboutToBeReset, this, [this, groupView] {
        keptGroupSelection_.clear();
        const auto* proxy = static_cast<const QSortFilterProxyModel*>(groupView);
        for (const QModelIndex& row : groupTable_->selectionModel()->selectedRows()) {
            keptGroupSelection_.push_back(groups_->group(proxy->mapToSource(row).row()).configKey);
        }
    });
    connect(groupView, &QAbstractItemModel::modelReset, this, [this, groupView] {
        const auto* proxy = static_cast<const QSortFilterProxyModel*>(groupView);
        QItemSelection selection;
        for (int row = 0; row < groups_->rowCount(); ++row) {
            const std::string& key = groups_->group(row).configKey;
            if (std::find(keptGroupSelection_.begin(), keptGroupSelection_.end(), key) !=
                keptGroupSelection_.end()) {
                const QModelIndex index = proxy->mapFromSource(groups_->index(row, 0));
                selection.select(index, index);
            }
        }
        keptGroupSelection_.clear();
        if (!selection.isEmpty()) {
            groupTable_->selectionModel()->select(
                selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        }
    });
    connect(proxy_, &QAbstractItemModel::rowsInserted, this, &RunsPanel::updateCounts);
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &RunsPanel::updateCounts);
    connect(proxy_, &QAbstractItemModel::modelReset, this, &RunsPanel::updateCounts);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (!isGrouped()) {
            compareSelected();
        }
        updateCounts();
        updateOpenNetwork();
    });
    connect(groupTable_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (isGrouped()) {
            compareSelected();
        }
        updateCounts();
        updateOpenNetwork();
    });
    connect(comparison_, &RunComparison::changed, this, [this] {
        QHash<qint64, QColor> colours;
        const std::vector<int64_t> ids = comparison_->ids();
        for (int i = 0; i < static_cast<int>(ids.size()); ++i) {
            colours.insert(ids[static_cast<size_t>(i)], RunComparison::colorOf(i));
        }
        model_->setRunColors(colours);
    });

    connect(history_, &HistoryController::changed, this, &RunsPanel::reload);
    connect(history_, &HistoryController::failed, this,
            [this](const QString& message) { say(message, true); });

    if (!history_->isOpen()) {
        say(tr("The run history could not be opened: %1").arg(history_->openError()), true);
        setEnabled(false);
        return;
    }
    // The models loaded themselves when they were made: no second read of the history here.
    if (!model_->lastError().isEmpty()) {
        say(model_->lastError(), true);
    }
    updateCounts();
    fitColumns();
    table_->sortByColumn(RunHistoryModel::StartedColumn, Qt::DescendingOrder);
}

RunsPanel::~RunsPanel() = default;

void RunsPanel::createLayout() {
    filter_ = new QLineEdit;
    filter_->setPlaceholderText(tr("Filter: recipe, dataset, tag, note…"));
    filter_->setClearButtonEnabled(true);
    connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
        proxy_->setFilterFixedString(text.trimmed());
        updateCounts();
    });
    status_ = new QComboBox;
    status_->addItem(tr("All statuses"));
    for (history::RunStatus s :
         {history::RunStatus::Running, history::RunStatus::Finished, history::RunStatus::Cancelled,
          history::RunStatus::Failed, history::RunStatus::Interrupted}) {
        const QString name = QString::fromStdString(history::statusName(s));
        status_->addItem(name, name);
    }
    recipe_ = new QComboBox;
    recipe_->addItem(tr("All recipes"));
    for (const std::string& name : recipeNames()) {
        recipe_->addItem(QString::fromStdString(name), QString::fromStdString(name));
    }
    connect(status_, &QComboBox::currentIndexChanged, this, &RunsPanel::applyFilter);
    connect(recipe_, &QComboBox::currentIndexChanged, this, &RunsPanel::applyFilter);
    auto* group = new QCheckBox(tr("Group by configuration"));
    group->setToolTip(
        tr("One row per configuration (runs that differ only in their seed): mean, standard "
           "deviation and 95% confidence interval of the TTA accuracy"));
    group_ = group;
    connect(group, &QCheckBox::toggled, this, &RunsPanel::setGrouped);

    auto* filters = new QHBoxLayout;
    filters->addWidget(filter_, 2);
    filters->addWidget(status_);
    filters->addWidget(recipe_);
    filters->addWidget(group_);

    table_ = makeTable();
    table_->setModel(proxy_);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                            QAbstractItemView::AnyKeyPressed);
    groupTable_ = makeTable();
    auto* groupProxy = new QSortFilterProxyModel(this);
    groupProxy->setSourceModel(groups_);
    groupProxy->setSortRole(RunGroupModel::SortRole);
    groupTable_->setModel(groupProxy);
    groupTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    stack_ = new QStackedWidget;
    stack_->addWidget(table_);
    stack_->addWidget(groupTable_);

    lossPlot_ = new HistoryCurvePlot(comparison_, HistoryCurvePlot::Kind::Loss);
    accuracyPlot_ = new HistoryCurvePlot(comparison_, HistoryCurvePlot::Kind::Accuracy);
    auto* plots = new QSplitter(Qt::Horizontal);
    plots->addWidget(lossPlot_);
    plots->addWidget(accuracyPlot_);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(stack_);
    split->addWidget(plots);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({200, 300});  // the curves get the larger share

    delete_ = new QPushButton(tr("Delete…"));
    delete_->setToolTip(tr("Delete the selected runs and the files they produced"));
    connect(delete_, &QPushButton::clicked, this, &RunsPanel::deleteSelected);
    exportCsv_ = new QPushButton(tr("Export CSV…"));
    exportCsv_->setToolTip(
        tr("The selected runs (all listed runs when none is selected), one row "
           "per run"));
    connect(exportCsv_, &QPushButton::clicked, this, &RunsPanel::exportCsvWithDialog);
    exportJson_ = new QPushButton(tr("Export JSON…"));
    exportJson_->setToolTip(
        tr("The selected runs with their epochs and step losses (`airbench "
           "runs import` reads it back)"));
    connect(exportJson_, &QPushButton::clicked, this, &RunsPanel::exportJsonWithDialog);
    openNetwork_ = new QPushButton(tr("Open Network"));
    openNetwork_->setToolTip(
        tr("Load the selected run's kept network into the Explorer, on the dataset in use (File "
           "> Keep trained networks keeps them)"));
    connect(openNetwork_, &QPushButton::clicked, this, &RunsPanel::openSelectedNetwork);
    counts_ = new QLabel;
    counts_->setObjectName(QStringLiteral("runCounts"));
    statusText_ = new QLabel;
    statusText_->setTextFormat(Qt::PlainText);
    statusText_->setWordWrap(true);
    statusText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(counts_);
    buttons->addWidget(statusText_, 1);
    buttons->addWidget(openNetwork_);
    buttons->addWidget(exportCsv_);
    buttons->addWidget(exportJson_);
    buttons->addWidget(delete_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(filters);
    layout->addWidget(split, 1);
    layout->addLayout(buttons);
}

bool RunsPanel::isGrouped() const {
    return stack_->currentWidget() == groupTable_;
}

void RunsPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    history_->setPolling(true);
}

void RunsPanel::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    history_->setPolling(false);
}

void RunsPanel::applyFilter() {
    history::RunFilter filter;
    if (status_->currentIndex() > 0) {
        filter.status = history::parseStatus(status_->currentData().toString().toStdString());
    }
    filter.recipe = recipe_->currentData().toString().toStdString();
    model_->setFilter(filter);
    groups_->setFilter(filter);
    updateCounts();
}

void RunsPanel::reload() {
    if (!model_->reload()) {
        say(model_->lastError(), true);
    }
    if (!groups_->reload()) {
        say(groups_->lastError(), true);
    }
    reloadComparison();
    updateCounts();
    updateOpenNetwork();
    fitColumns();
}

void RunsPanel::fitColumns() {
    // Once, when the first runs are listed (a fresh history starts empty): later the widths are
    // the user's.
    if (columnsFitted_ || proxy_->rowCount() == 0) {
        return;
    }
    columnsFitted_ = true;
    table_->resizeColumnsToContents();
    const int widest = 24 * table_->fontMetrics().averageCharWidth();  // long notes, many tags
    for (int c = 0; c < RunHistoryModel::ColumnCount; ++c) {
        table_->setColumnWidth(c, qMin(table_->columnWidth(c), widest));
    }
}

void RunsPanel::reloadComparison() {
    // Only when a compared run changed (a run still training, a deleted one): reloading redraws
    // the plots and resets their view.
    bool stale = false;
    for (const history::RunDetails& d : comparison_->runs()) {
        const int row = model_->rowOf(d.record.id);
        if (row < 0 || model_->record(row).updatedAt != d.record.updatedAt) {
            stale = true;
            break;
        }
    }
    if (!stale) {
        return;
    }
    comparison_->setRuns(detailsOf(comparison_->ids(), /*reportErrors=*/false));
}

std::vector<history::RunDetails> RunsPanel::detailsOf(const std::vector<int64_t>& ids,
                                                      bool reportErrors) {
    std::vector<history::RunDetails> runs;
    for (int64_t id : ids) {
        // A compared run that has not changed since it was read is not read again (its epochs
        // and up to 2000 step losses).
        const int row = model_->rowOf(id);
        const auto& compared = comparison_->runs();
        const auto known = std::find_if(compared.begin(), compared.end(), [&](const auto& d) {
            return d.record.id == id && row >= 0 &&
                   model_->record(row).updatedAt == d.record.updatedAt;
        });
        if (known != compared.end()) {
            runs.push_back(*known);
            continue;
        }
        try {
            runs.push_back(history_->details(id));
        } catch (const std::exception& e) {
            if (reportErrors) {  // else: deleted meanwhile
                say(QString::fromUtf8(e.what()), true);
            }
        }
    }
    return runs;
}

std::vector<int64_t> RunsPanel::selectedIds() const {
    std::vector<int64_t> ids;
    if (isGrouped()) {
        const auto* proxy = static_cast<const QSortFilterProxyModel*>(groupTable_->model());
        QModelIndexList rows = groupTable_->selectionModel()->selectedRows();
        std::sort(rows.begin(), rows.end());
        for (const QModelIndex& row : rows) {
            const history::RunGroup& g = groups_->group(proxy->mapToSource(row).row());
            // Newest first, like the table.
            ids.insert(ids.end(), g.runIds.rbegin(), g.runIds.rend());
        }
        return ids;
    }
    return selectedTableIds();
}

std::vector<int64_t> RunsPanel::selectedTableIds() const {
    std::vector<int64_t> ids;
    QModelIndexList rows = table_->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());  // in the table's order
    for (const QModelIndex& row : rows) {
        ids.push_back(row.data(RunHistoryModel::IdRole).toLongLong());
    }
    return ids;
}

void RunsPanel::selectIds(const std::vector<int64_t>& ids) {
    QItemSelection selection;
    for (int64_t id : ids) {
        const int row = model_->rowOf(id);
        if (row < 0) {
            continue;
        }
        const QModelIndex index = proxy_->mapFromSource(model_->index(row, 0));
        if (index.isValid()) {
            selection.select(index, index);
        }
    }
    table_->selectionModel()->select(
        selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

QString RunsPanel::statusText() const {
    return statusText_->text();
}

void RunsPanel::setGrouped(bool grouped) {
    if (group_->isChecked() != grouped) {
        group_->setChecked(grouped);  // comes back here through toggled
        return;
    }
    stack_->setCurrentWidget(grouped ? static_cast<QWidget*>(groupTable_) : table_);
    if (grouped) {
        groups_->reload();
        groupTable_->resizeColumnsToContents();
    }
    compareSelected();
    updateCounts();
    updateOpenNetwork();
}

void RunsPanel::compareSelected() {
    if (!history_->isOpen()) {
        return;
    }
    std::vector<int64_t> ids = selectedIds();
    if (ids.size() > static_cast<size_t>(kMaxCompared)) {
        ids.resize(kMaxCompared);
        say(tr("Comparing the first %1 of the selected runs.").arg(kMaxCompared));
    }
    if (ids == comparison_->ids()) {
        return;
    }
    comparison_->setRuns(detailsOf(ids, /*reportErrors=*/true));
}

bool RunsPanel::deleteSelected() {
    const std::vector<int64_t> ids = selectedIds();
    if (!history_->isOpen() || ids.empty()) {
        say(tr("Select the runs to delete first."));
        return false;
    }
    const QString question =
        tr("Delete %1 (%2) from the history, with the files they produced? This cannot be undone.")
            .arg(formatCount(static_cast<qint64>(ids.size()), tr("run"), tr("runs")), idList(ids));
    if (!confirm_ || !confirm_(question)) {
        return false;
    }
    history::Database::DeleteResult result;
    try {
        result = history_->deleteRuns(ids);  // the views follow its changed()
    } catch (const std::exception& e) {
        const QString text = QString::fromUtf8(e.what());
        say(text, true);
        emit errorOccurred(text);
        return false;
    }
    QString text = tr("Deleted %1").arg(formatCount(result.runs, tr("run"), tr("runs")));
    if (!result.filesRemoved.empty()) {
        text += tr(" and %1").arg(
            formatCount(static_cast<qint64>(result.filesRemoved.size()), tr("file"), tr("files")));
    }
    text += QLatin1Char('.');
    for (const std::string& failure : result.failures) {
        text += QLatin1Char(' ') + tr("Not removed: %1.").arg(QString::fromStdString(failure));
    }
    say(text, !result.failures.empty());
    emit message(text);
    return true;
}

bool RunsPanel::exportSelected(const QString& path) {
    if (!history_->isOpen()) {
        return false;
    }
    std::vector<int64_t> ids = selectedIds();
    if (ids.empty()) {
        for (int row = 0; row < proxy_->rowCount(); ++row) {
            ids.push_back(proxy_->index(row, 0).data(RunHistoryModel::IdRole).toLongLong());
        }
    }
    if (ids.empty()) {
        say(tr("No runs to export."));
        return false;
    }
    // The export lists runs oldest first, like the history's own exports.
    std::sort(ids.begin(), ids.end());
    try {
        history_->exportRuns(ids, path);
    } catch (const std::exception& e) {
        const QString message = QString::fromUtf8(e.what());
        say(message, true);
        emit errorOccurred(message);
        return false;
    }
    const QString done =
        tr("Exported %1 to %2")
            .arg(formatCount(static_cast<qint64>(ids.size()), tr("run"), tr("runs")), path);
    say(done);
    emit message(done);
    return true;
}

void RunsPanel::exportWithDialog(const QString& suffix, const QString& filter) {
    QString path = QFileDialog::getSaveFileName(this, tr("Export runs"),
                                                QStringLiteral("runs.") + suffix, filter);
    if (path.isEmpty()) {
        return;
    }
    if (!path.endsWith(QLatin1Char('.') + suffix, Qt::CaseInsensitive)) {
        path += QLatin1Char('.') + suffix;
    }
    exportSelected(path);
}

void RunsPanel::exportCsvWithDialog() {
    exportWithDialog(QStringLiteral("csv"), tr("CSV files (*.csv)"));
}

void RunsPanel::exportJsonWithDialog() {
    exportWithDialog(QStringLiteral("json"), tr("JSON files (*.json)"));
}

void RunsPanel::updateCounts() {
    const int listed = proxy_->rowCount();
    const std::vector<int64_t> ids = selectedIds();
    const size_t selected = ids.size();
    // formatCount, not tr("%n run(s)"): the workbench ships no translations to resolve "(s)".
    QString text = isGrouped()
                       ? formatCount(groups_->rowCount(), tr("configuration"), tr("configurations"))
                       : formatCount(listed, tr("run"), tr("runs"));
    if (selected > 0) {
        text += tr(" · %1 selected").arg(selected);
    }
    counts_->setText(text);
    delete_->setEnabled(history_->isOpen() && selected > 0);
}

void RunsPanel::updateOpenNetwork() {
    // Apart from updateCounts, which runs on every row change: this asks the database and the disk.
    const std::vector<int64_t> ids = selectedIds();
    openNetwork_->setEnabled(ids.size() == 1 && !history_->checkpointOf(ids.front()).isEmpty());
}

void RunsPanel::openSelectedNetwork() {
    const std::vector<int64_t> ids = selectedIds();
    if (ids.size() != 1) {
        return;
    }
    const QString path = history_->checkpointOf(ids.front());
    if (path.isEmpty()) {
        say(tr("Run #%1 kept no network.").arg(ids.front()), true);
        return;
    }
    emit openNetworkRequested(ids.front(), path);
}

void RunsPanel::say(const QString& text, bool error) {
    statusText_->setText(text);
    statusText_->setStyleSheet(error ? QStringLiteral("color: #b3261e;") : QString());
}

}  // namespace airbench::ui
