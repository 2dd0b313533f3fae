#include "training/run_config_form.h"

#include <airbench/device.h>
#include <airbench/knobs.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace airbench::ui {
namespace {

// A spin box for real knobs, whose values span orders of magnitude ("11.5", "0.0153", "1e-12"):
// the shortest text that reads back as the value instead of a fixed number of decimals, so no
// value is rounded away.
class KnobSpinBox : public QDoubleSpinBox {
public:
    explicit KnobSpinBox(const Knob& knob) {
        setDecimals(15);  // the value's resolution; the text shows what the value needs
        setRange(knob.min, knob.max);
        setSingleStep(knob.step);
        setAccelerated(true);
        locale_.setNumberOptions(QLocale::OmitGroupSeparator);
    }
    QString textFromValue(double value) const override { return locale_.toString(value, 'g', 12); }
    double valueFromText(const QString& text) const override { return locale_.toDouble(text); }
    QValidator::State validate(QString& text, int&) const override {
        bool ok = false;
        const double v = locale_.toDouble(text, &ok);
        if (ok) {
            return v >= minimum() && v <= maximum() ? QValidator::Acceptable
                                                    : QValidator::Intermediate;
        }
        // Half-typed numbers ("", "1e", "2.", "-", "1e-") may still become valid.
        static const QRegularExpression partial(
            QStringLiteral("^-?[0-9]*[.,]?[0-9]*([eE][-+]?[0-9]*)?$"));
        return partial.match(text).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
    }

private:
    QLocale locale_;
};

// The options that need this build's CUDA kernels, on a build without them.
bool lacksItsKernels(const Knob& knob) {
    return (knob.key == "fused_norm" || knob.key == "compact_pool") && !networkKernelsAvailable();
}

QString tooltipOf(const Knob& knob) {
    QString tip = QString::fromUtf8(knob.help.data(), int(knob.help.size()));
    if (!knob.unit.empty()) {
        tip +=
            QStringLiteral(" (%1)").arg(QString::fromUtf8(knob.unit.data(), int(knob.unit.size())));
    }
    if (knob.type == KnobType::Real || knob.type == KnobType::Integer) {
        tip += QStringLiteral(".\n") +
               QObject::tr("Allowed: %1.").arg(QString::fromStdString(knob.describeRange()));
    }
    tip +=
        QStringLiteral("\n") + QObject::tr("Key: %1 (configuration files), option: %2")
                                   .arg(QString::fromUtf8(knob.key.data(), int(knob.key.size())),
                                        QString::fromUtf8(knob.flag.data(), int(knob.flag.size())));
    return tip;
}

// Equal as the engine sees it: a spin box's round trip may move a value by its last bit.
bool sameValue(double a, double b) {
    return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b));
}

}  // namespace

RunConfigForm::RunConfigForm(QWidget* parent)
    : QGroupBox(tr("Run configuration"), parent), recipe_(recipes().front()) {
    auto* column = new QVBoxLayout(this);
    std::map<std::string_view, QGroupBox*> bySection;
    for (const Knob& knob : knobs()) {
        const std::string_view sectionName = knob.isRunSetting() ? "Run" : knob.section;
        QGroupBox*& section = bySection[sectionName];
        if (!section) {
            section = new QGroupBox(tr(std::string(sectionName).c_str()));
            section->setObjectName(QStringLiteral("section-") +
                                   QString::fromUtf8(sectionName.data(), int(sectionName.size())));
            section->setLayout(new QFormLayout);
            column->addWidget(section);
            sections_.push_back(section);
        }
        Row row;
        row.knob = &knob;
        row.editor = makeEditor(knob);
        row.editor->setObjectName(QString::fromUtf8(knob.key.data(), int(knob.key.size())));
        row.editor->setToolTip(tooltipOf(knob));
        if (lacksItsKernels(knob)) {
            row.editor->setToolTip(row.editor->toolTip() + QStringLiteral("\n") +
                                   tr("This build has no CUDA kernels: a run that asks for them "
                                      "says so and runs the usual operations."));
        }
        row.section = section;
        row.layout = static_cast<QFormLayout*>(section->layout());
        if (knob.type == KnobType::Flag) {
            row.layout->addRow(QString(), row.editor);
        } else {
            row.label = new QLabel(tr(std::string(knob.label).c_str()));
            row.label->setToolTip(row.editor->toolTip());
            row.label->setBuddy(row.editor);
            row.layout->addRow(row.label, row.editor);
        }
        rows_.emplace(std::string(knob.key), row);
    }
    reset_ = new QPushButton(tr("Reset to recipe defaults"));
    reset_->setToolTip(tr("Every hyperparameter back to the recipe's table"));
    connect(reset_, &QPushButton::clicked, this, &RunConfigForm::resetToRecipeDefaults);
    column->addWidget(reset_);
    column->addStretch(1);
    refresh();
}

QWidget* RunConfigForm::makeEditor(const Knob& knob) {
    switch (knob.type) {
        case KnobType::Flag: {
            auto* box = new QCheckBox(tr(std::string(knob.label).c_str()));
            connect(box, &QCheckBox::toggled, this, [this, &knob] { onEdited(knob); });
            if (lacksItsKernels(knob)) {
                // Short, so that the form stays narrow; the tooltip says the rest.
                box->setText(box->text() + tr(" (CUDA only)"));
            }
            return box;
        }
        case KnobType::Choice: {
            auto* box = new QComboBox;
            for (std::string_view choice : knob.choices) {
                box->addItem(QString::fromUtf8(choice.data(), int(choice.size())));
            }
            if (knob.key == "device" && !cudaAvailable()) {
                if (auto* items = qobject_cast<QStandardItemModel*>(box->model())) {
                    QStandardItem* cuda = items->item(box->findText(QStringLiteral("cuda")));
                    cuda->setEnabled(false);
                    cuda->setToolTip(libtorchHasCuda()
                                         ? tr("No CUDA device is available")
                                         : tr("This build's LibTorch has no CUDA support"));
                }
            }
            connect(box, &QComboBox::currentIndexChanged, this, [this, &knob] { onEdited(knob); });
            return box;
        }
        case KnobType::Integer: {
            auto* box = new QSpinBox;
            box->setRange(int(std::max<double>(knob.min, std::numeric_limits<int>::min())),
                          int(std::min<double>(knob.max, std::numeric_limits<int>::max())));
            box->setSingleStep(int(knob.step));
            box->setAccelerated(true);
            connect(box, &QSpinBox::valueChanged, this, [this, &knob] { onEdited(knob); });
            return box;
        }
        case KnobType::Real:
            break;
    }
    auto* box = new KnobSpinBox(knob);
    connect(box, &QDoubleSpinBox::valueChanged, this, [this, &knob] { onEdited(knob); });
    return box;
}

double RunConfigForm::editorValue(const Row& row) const {
    switch (row.knob->type) {
        case KnobType::Flag:
            return static_cast<QCheckBox*>(row.editor)->isChecked() ? 1 : 0;
        case KnobType::Choice:
            return static_cast<QComboBox*>(row.editor)->currentIndex();
        case KnobType::Integer:
            return static_cast<QSpinBox*>(row.editor)->value();
        case KnobType::Real:
            break;
    }
    return static_cast<QDoubleSpinBox*>(row.editor)->value();
}

void RunConfigForm::showValue(const Row& row, double value) {
    const QSignalBlocker block(row.editor);
    switch (row.knob->type) {
        case KnobType::Flag:
            static_cast<QCheckBox*>(row.editor)->setChecked(value != 0);
            return;
        case KnobType::Choice:
            static_cast<QComboBox*>(row.editor)->setCurrentIndex(int(std::lround(value)));
            return;
        case KnobType::Integer:
            static_cast<QSpinBox*>(row.editor)->setValue(int(std::llround(value)));
            return;
        case KnobType::Real:
            break;
    }
    static_cast<QDoubleSpinBox*>(row.editor)->setValue(value);
}

void RunConfigForm::onEdited(const Knob& knob) {
    const Row& row = rows_.find(knob.key)->second;
    const double value = editorValue(row);
    const std::string key(knob.key);
    if (knob.isRunSetting()) {
        setKnobValue(knob, run_, value);
    } else if (sameValue(value, knobValue(knob, recipe_.hyp))) {
        overrides_.erase(key);
    } else {
        overrides_[key] = value;
    }
    refresh();
    emit changed();
}

void RunConfigForm::refresh() {
    std::map<QGroupBox*, bool> sectionShown;
    for (auto& [key, row] : rows_) {
        const Knob& knob = *row.knob;
        const bool shown = knobApplies(knob, recipe_);
        row.layout->setRowVisible(row.editor, shown);
        sectionShown[row.section] |= shown;
        if (!shown) {
            continue;
        }
        const auto it = overrides_.find(key);
        const bool overridden = it != overrides_.end();
        const double value = knob.isRunSetting() ? knobValue(knob, run_)
                             : overridden        ? it->second
                                                 : knobValue(knob, recipe_.hyp);
        if (!sameValue(editorValue(row), value)) {
            showValue(row, value);
        }
        QWidget* label = row.label ? static_cast<QWidget*>(row.label) : row.editor;
        QFont font = label->font();
        font.setBold(overridden);
        label->setFont(font);
        label->setStatusTip(
            overridden ? tr("%1 differs from %2's table (%3)")
                             .arg(QString::fromUtf8(knob.label.data(), int(knob.label.size())),
                                  QString::fromStdString(recipe_.name),
                                  QString::fromStdString(knob.format(knobValue(knob, recipe_.hyp))))
                       : QString());
    }
    for (QGroupBox* section : sections_) {
        section->setVisible(sectionShown[section]);
    }
    setTitle(recipe_.name.empty()
                 ? tr("Run configuration")
                 : tr("Run configuration of %1").arg(QString::fromStdString(recipe_.name)));
}

void RunConfigForm::setRecipe(const Recipe& recipe) {
    if (recipe.name == recipe_.name) {
        return;
    }
    KnobValues kept;
    for (const auto& [key, value] : overrides_) {
        if (knobApplies(findKnob(key), recipe) &&
            !sameValue(value, knobValue(findKnob(key), recipe.hyp))) {
            kept[key] = value;
        }
    }
    recipe_ = recipe;
    overrides_ = kept;
    refresh();
    if (!kept.empty()) {
        emit overridesKept(QString::fromStdString(describeOverrides(kept)));
    }
    emit changed();
}

RunConfig RunConfigForm::config() const {
    RunConfig c;
    c.recipe = recipe_.name;
    c.overrides = overrides_;
    c.run = run_;
    return c;
}

void RunConfigForm::setConfig(const RunConfig& config) {
    recipe_ = findRecipe(config.recipe);
    overrides_.clear();
    for (const auto& [key, value] : config.overrides) {
        if (knobApplies(findKnob(key), recipe_)) {
            overrides_[key] = value;
        }
    }
    run_ = config.run;
    refresh();
    emit changed();
}

QWidget* RunConfigForm::editor(std::string_view key) const {
    const auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : it->second.editor;
}

std::vector<std::string> RunConfigForm::shownKnobs() const {
    std::vector<std::string> keys;
    for (const Knob& knob : knobs()) {
        const Row& row = rows_.find(knob.key)->second;
        if (row.layout->isRowVisible(row.editor) && row.section->isVisibleTo(this)) {
            keys.push_back(std::string(knob.key));
        }
    }
    return keys;
}

void RunConfigForm::resetToRecipeDefaults() {
    overrides_.clear();
    refresh();
    emit changed();
}

void RunConfigForm::setEditable(bool editable) {
    for (auto& [key, row] : rows_) {
        row.editor->setEnabled(editable);
    }
    reset_->setEnabled(editable);
}

}  // namespace airbench::ui
