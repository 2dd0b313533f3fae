#include "explorer/mask_panel.h"

#include "explorer/class_count_chart.h"
#include "explorer/mask_list_model.h"

#include <airbench/error.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <exception>

namespace airbench::ui {
namespace {

// The engine's mask files are JSON objects; anything else is read as a list of indices.
bool looksLikeJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return false;
    }
    const QByteArray head = file.read(256).trimmed();
    return head.startsWith('{');
}

}  // namespace

MaskPanel::MaskPanel(QWidget* parent) : QWidget(parent) {
    model_ = new MaskListModel(this);
    table_ = new QTableView;
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    table_->verticalHeader()->setVisible(false);
    table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(MaskListModel::NameColumn,
                                                     QHeaderView::Stretch);
    table_->setToolTip(tr("Double-click a name to rename the mask"));
    table_->setMinimumHeight(4 * table_->verticalHeader()->defaultSectionSize());
    chart_ = new ClassCountChart;

    load_ = new QPushButton(tr("Load…"));
    load_->setToolTip(tr("A mask file (.json) or a text file of example indices"));
    save_ = new QPushButton(tr("Save…"));
    remove_ = new QPushButton(tr("Delete"));
    train_ = new QPushButton(tr("Train on mask"));
    train_->setToolTip(tr("Train the recipe of the form (with its overrides) on this mask only"));
    QFont bold = train_->font();
    bold.setBold(true);
    train_->setFont(bold);
    connect(load_, &QPushButton::clicked, this, &MaskPanel::loadWithDialog);
    connect(save_, &QPushButton::clicked, this, &MaskPanel::saveWithDialog);
    connect(remove_, &QPushButton::clicked, this, &MaskPanel::removeCurrent);
    connect(train_, &QPushButton::clicked, this, &MaskPanel::trainOnCurrent);

    // New mask.
    source_ = new QComboBox;
    source_->addItem(tr("Lowest scores (quantile)"), int(Source::LowestScores));
    source_->addItem(tr("Highest scores (quantile)"), int(Source::HighestScores));
    source_->addItem(tr("Random fraction (seeded)"), int(Source::Random));
    source_->addItem(tr("Classes"), int(Source::Classes));
    source_->addItem(tr("The grid's selection"), int(Source::Selection));
    source_->addItem(tr("File (mask or index list)…"), int(Source::File));
    fraction_ = new QDoubleSpinBox;
    fraction_->setRange(0.1, 99.9);
    fraction_->setDecimals(1);
    fraction_->setSuffix(QStringLiteral(" %"));
    fraction_->setValue(60);
    seed_ = new QSpinBox;
    seed_->setRange(0, 1'000'000);
    classes_ = new QListWidget;
    classes_->setFlow(QListView::LeftToRight);
    classes_->setWrapping(true);
    classes_->setResizeMode(QListView::Adjust);
    classes_->setMaximumHeight(3 * (fontMetrics().height() + 8));
    name_ = new QLineEdit;
    name_->setPlaceholderText(tr("automatic"));
    create_ = new QPushButton(tr("Create"));
    connect(create_, &QPushButton::clicked, this, &MaskPanel::createFromForm);
    connect(source_, &QComboBox::currentIndexChanged, this, &MaskPanel::updateForm);

    auto* parameters = new QHBoxLayout;
    parameters->addWidget(new QLabel(tr("Fraction")));
    parameters->addWidget(fraction_);
    parameters->addWidget(new QLabel(tr("Seed")));
    parameters->addWidget(seed_);
    auto* nameRow = new QHBoxLayout;
    nameRow->addWidget(name_, 1);
    nameRow->addWidget(create_);
    auto* newBox = new QGroupBox(tr("New mask"));
    auto* newForm = new QFormLayout(newBox);
    newForm->setContentsMargins(6, 4, 6, 4);
    newForm->addRow(tr("From"), source_);
    newForm->addRow(parameters);
    newForm->addRow(classes_);
    newForm->addRow(tr("Name"), nameRow);

    // Combine.
    first_ = new QComboBox;
    first_->setModel(model_);
    first_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    first_->setMinimumContentsLength(8);
    operation_ = new QComboBox;
    operation_->addItem(tr("∪ union"), int(Operation::Union));
    operation_->addItem(tr("∩ intersection"), int(Operation::Intersection));
    operation_->addItem(tr("− minus"), int(Operation::Difference));
    operation_->addItem(tr("complement"), int(Operation::Complement));
    second_ = new QComboBox;
    second_->setModel(model_);
    second_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    second_->setMinimumContentsLength(8);
    combine_ = new QPushButton(tr("Combine"));
    connect(combine_, &QPushButton::clicked, this, &MaskPanel::combineFromForm);
    connect(operation_, &QComboBox::currentIndexChanged, this, [this] {
        second_->setEnabled(Operation(operation_->currentData().toInt()) != Operation::Complement);
    });
    auto* combineBox = new QGroupBox(tr("Combine"));
    auto* combineRow = new QHBoxLayout(combineBox);
    combineRow->setContentsMargins(6, 4, 6, 4);
    combineRow->addWidget(first_, 2);
    combineRow->addWidget(operation_, 1);
    combineRow->addWidget(second_, 2);
    combineRow->addWidget(combine_);

    message_ = new QLabel;
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(load_);
    buttons->addWidget(save_);
    buttons->addWidget(remove_);
    buttons->addStretch(1);
    buttons->addWidget(train_);

    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(table_, 1);
    topLayout->addLayout(buttons);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(chart_);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({120, 180});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split, 1);
    layout->addWidget(newBox);
    layout->addWidget(combineBox);
    layout->addWidget(message_);

    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { updateChart(); });
    connect(model_, &QAbstractItemModel::modelReset, this, &MaskPanel::updateChart);
    connect(model_, &QAbstractItemModel::dataChanged, this, &MaskPanel::updateChart);
    connect(model_, &QAbstractItemModel::rowsInserted, this, &MaskPanel::masksChanged);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, &MaskPanel::masksChanged);
    connect(model_, &QAbstractItemModel::dataChanged, this, &MaskPanel::masksChanged);
    connect(model_, &QAbstractItemModel::modelReset, this, &MaskPanel::masksChanged);
    updateForm();
    updateChart();
}

QString MaskPanel::message() const {
    return message_->text();
}

const DataContext& MaskPanel::context() const {
    return model_->context();
}

void MaskPanel::setContext(const DataContext& context) {
    const DataContext& before = model_->context();
    const bool sameClasses = before.valid() && context.valid() &&
                             before.dataset->classNames == context.dataset->classNames;
    model_->setContext(context);
    if (!sameClasses) {
        classes_->clear();
        for (int c = 0; c < context.classes(); ++c) {
            auto* item = new QListWidgetItem(context.className(c), classes_);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Unchecked);
        }
    }
    updateChart();
}

void MaskPanel::setScoreValues(std::vector<float> values, const QString& scoreName) {
    scoreValues_ = std::move(values);
    scoreName_ = scoreName;
}

void MaskPanel::setSelectionProvider(std::function<std::vector<int64_t>()> provider) {
    selection_ = std::move(provider);
}

int MaskPanel::currentRow() const {
    return table_->currentIndex().isValid() ? table_->currentIndex().row() : -1;
}

void MaskPanel::setCurrentRow(int row) {
    table_->selectRow(row);
    table_->setCurrentIndex(model_->index(row, MaskListModel::NameColumn));
}

MaskPtr MaskPanel::currentMask() const {
    return model_->mask(currentRow());
}

void MaskPanel::showMessage(const QString& text, bool error) {
    message_->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    message_->setText(text);
}

void MaskPanel::fail(const QString& message) {
    showMessage(message, true);
    emit errorOccurred(message);
}

QString MaskPanel::withName(const QString& name, const QString& fallback) const {
    return name.trimmed().isEmpty() ? fallback : name.trimmed();
}

int MaskPanel::addMask(Mask mask) {
    if (mask.datasetHash().empty() && model_->applies(mask)) {
        mask.setDatasetHash(context().hash);
    }
    const int row = model_->addMask(std::move(mask));
    setCurrentRow(row);
    const MaskPtr m = model_->mask(row);
    showMessage(tr("Mask '%1': %2 of %3 examples.")
                    .arg(QString::fromStdString(m->name()))
                    .arg(QLocale().toString(static_cast<qlonglong>(m->count())))
                    .arg(QLocale().toString(static_cast<qlonglong>(m->size()))));
    return row;
}

int MaskPanel::createFromQuantile(double fraction, bool lowest, const QString& name) {
    if (!context().valid()) {
        fail(tr("No dataset is loaded."));
        return -1;
    }
    if (static_cast<int64_t>(scoreValues_.size()) != context().trainCount) {
        fail(
            tr("A quantile mask needs scores of the training set in use: score it first "
               "(Scores tab)."));
        return -1;
    }
    try {
        const QString fallback = tr("%1 %2% %3")
                                     .arg(lowest ? tr("lowest") : tr("highest"))
                                     .arg(100 * fraction, 0, 'g', 3)
                                     .arg(scoreName_);
        Mask m = maskFromQuantile(scoreValues_, fraction, lowest,
                                  withName(name, fallback).toStdString());
        m.setDescription(tr("the %1 %2% of the training set by %3")
                             .arg(lowest ? tr("lowest") : tr("highest"))
                             .arg(100 * fraction, 0, 'g', 3)
                             .arg(scoreName_)
                             .toStdString());
        return addMask(std::move(m));
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return -1;
    }
}

int MaskPanel::createRandom(double fraction, uint64_t seed, const QString& name) {
    if (!context().valid()) {
        fail(tr("No dataset is loaded."));
        return -1;
    }
    try {
        const QString fallback =
            tr("random %1% (seed %2)").arg(100 * fraction, 0, 'g', 3).arg(seed);
        Mask m = maskRandom(context().trainCount, fraction, seed,
                            withName(name, fallback).toStdString());
        return addMask(std::move(m));
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return -1;
    }
}

int MaskPanel::createFromClasses(const std::set<int64_t>& classes, const QString& name) {
    if (!context().valid()) {
        fail(tr("No dataset is loaded."));
        return -1;
    }
    if (classes.empty()) {
        fail(tr("Tick at least one class."));
        return -1;
    }
    QStringList names;
    for (int64_t c : classes) {
        names << context().className(c);
    }
    try {
        Mask m = maskFromClasses(
            context().labels(Split::Train), classes,
            withName(name, tr("classes %1").arg(names.join(QStringLiteral(", ")))).toStdString());
        return addMask(std::move(m));
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return -1;
    }
}

int MaskPanel::createFromSelection(const QString& name) {
    if (!context().valid()) {
        fail(tr("No dataset is loaded."));
        return -1;
    }
    const std::vector<int64_t> selected = selection_ ? selection_() : std::vector<int64_t>();
    if (selected.empty()) {
        fail(tr("Select training images in the grid first (click, Ctrl/Shift+click, Ctrl+A)."));
        return -1;
    }
    try {
        Mask m = maskFromIndices(
            context().trainCount, selected,
            withName(name, tr("selection of %1").arg(selected.size())).toStdString());
        return addMask(std::move(m));
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return -1;
    }
}

int MaskPanel::combine(int first, Operation operation, int second) {
    const MaskPtr a = model_->mask(first);
    const MaskPtr b = model_->mask(second);
    if (!a || (operation != Operation::Complement && !b)) {
        fail(tr("Choose the masks to combine."));
        return -1;
    }
    const QString an = QString::fromStdString(a->name());
    const QString bn = b ? QString::fromStdString(b->name()) : QString();
    try {
        Mask m;
        QString name;
        switch (operation) {
            case Operation::Union:
                m = a->unite(*b);
                name = QStringLiteral("%1 ∪ %2").arg(an, bn);
                break;
            case Operation::Intersection:
                m = a->intersect(*b);
                name = QStringLiteral("%1 ∩ %2").arg(an, bn);
                break;
            case Operation::Difference:
                m = a->subtract(*b);
                name = QStringLiteral("%1 − %2").arg(an, bn);
                break;
            case Operation::Complement:
                m = a->complement();
                name = tr("not %1").arg(an);
                break;
        }
        m.setName(name.toStdString());  // the engine's operations keep a's dataset hash
        return addMask(std::move(m));
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return -1;
    }
}

int MaskPanel::loadFile(const QString& path) {
    if (!context().valid()) {
        fail(tr("Load a dataset before loading a mask."));
        return -1;
    }
    try {
        if (looksLikeJson(path)) {
            // The engine refuses a mask of other examples, and a corrupted file, with a message
            // that names the file.
            return addMask(Mask::load(path.toStdString(), context().hash, context().trainCount));
        }
        Mask m = maskFromIndexFile(path.toStdString(), context().trainCount);
        m.setName(QFileInfo(path).completeBaseName().toStdString());
        return addMask(std::move(m));  // which gives it the data's hash
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return -1;
    }
}

bool MaskPanel::saveMask(int row, const QString& path) {
    const MaskPtr m = model_->mask(row);
    if (!m) {
        fail(tr("Choose a mask to save."));
        return false;
    }
    try {
        m->save(path.toStdString());
        showMessage(tr("Saved '%1' to %2").arg(QString::fromStdString(m->name()), path));
        return true;
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return false;
    }
}

void MaskPanel::createFromForm() {
    const double fraction = fraction_->value() / 100.0;
    const QString name = name_->text();
    switch (Source(source_->currentData().toInt())) {
        case Source::LowestScores:
            createFromQuantile(fraction, true, name);
            break;
        case Source::HighestScores:
            createFromQuantile(fraction, false, name);
            break;
        case Source::Random:
            createRandom(fraction, static_cast<uint64_t>(seed_->value()), name);
            break;
        case Source::Classes: {
            std::set<int64_t> chosen;
            for (int c = 0; c < classes_->count(); ++c) {
                if (classes_->item(c)->checkState() == Qt::Checked) {
                    chosen.insert(c);
                }
            }
            createFromClasses(chosen, name);
            break;
        }
        case Source::Selection:
            createFromSelection(name);
            break;
        case Source::File:
            loadWithDialog();
            break;
    }
    name_->clear();
}

void MaskPanel::combineFromForm() {
    combine(first_->currentIndex(), Operation(operation_->currentData().toInt()),
            second_->currentIndex());
}

void MaskPanel::loadWithDialog() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Load a mask"), QString(),
        tr("Masks and index lists (*.json *.txt *.csv);;All files (*)"));
    if (!path.isEmpty()) {
        loadFile(path);
    }
}

void MaskPanel::saveWithDialog() {
    const MaskPtr m = currentMask();
    if (!m) {
        fail(tr("Choose a mask to save."));
        return;
    }
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save mask"), QString::fromStdString(m->name()) + ".json", tr("Masks (*.json)"));
    if (path.isEmpty()) {
        return;
    }
    if (!path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)) {
        path += QLatin1String(".json");
    }
    saveMask(currentRow(), path);
}

void MaskPanel::removeCurrent() {
    model_->removeMask(currentRow());
}

void MaskPanel::trainOnCurrent() {
    const MaskPtr m = currentMask();
    if (!m) {
        fail(tr("Choose the mask to train on."));
        return;
    }
    if (!model_->applies(*m)) {
        fail(tr("Mask '%1' was made for other examples (%2 of them); the training set in use has "
                "%3.")
                 .arg(QString::fromStdString(m->name()))
                 .arg(m->size())
                 .arg(context().trainCount));
        return;
    }
    if (m->count() == 0) {
        fail(tr("Mask '%1' keeps no examples.").arg(QString::fromStdString(m->name())));
        return;
    }
    emit trainRequested(m);
}

void MaskPanel::setTrainingEnabled(bool enabled) {
    trainingEnabled_ = enabled;
    train_->setEnabled(enabled);
}

void MaskPanel::updateForm() {
    const Source s = Source(source_->currentData().toInt());
    const bool quantile = s == Source::LowestScores || s == Source::HighestScores;
    fraction_->setEnabled(quantile || s == Source::Random);
    seed_->setEnabled(s == Source::Random);
    classes_->setVisible(s == Source::Classes);
    name_->setEnabled(s != Source::File);
    create_->setText(s == Source::File ? tr("Load…") : tr("Create"));
}

void MaskPanel::updateChart() {
    const int row = currentRow();
    const MaskPtr m = model_->mask(row);
    save_->setEnabled(m != nullptr);
    remove_->setEnabled(m != nullptr);
    train_->setEnabled(trainingEnabled_ && m != nullptr);
    if (!m) {
        chart_->clearCounts(model_->maskCount() == 0 ? tr("No masks yet") : tr("Choose a mask"));
        return;
    }
    const QString name = QString::fromStdString(m->name());
    if (!model_->applies(row)) {
        chart_->clearCounts(tr("%1: made for other examples").arg(name));
        return;
    }
    QStringList names;
    for (int c = 0; c < context().classes(); ++c) {
        names << context().className(c);
    }
    const std::vector<int64_t> all =
        Mask::all(context().trainCount)
            .classCounts(context().labels(Split::Train), context().classes());
    chart_->setCounts(
        tr("%1: %2 kept").arg(name, QLocale().toString(static_cast<qlonglong>(m->count()))),
        model_->classCounts(row), all, names);
}

}  // namespace airbench::ui
