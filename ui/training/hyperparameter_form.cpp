#include "training/hyperparameter_form.h"

#include <airbench/device.h>

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

#include <limits>

namespace airbench::ui {
namespace {

QDoubleSpinBox* doubleBox(double min, double max, int decimals, double step, const QString& tip) {
    auto* box = new QDoubleSpinBox;
    box->setRange(min, max);
    box->setDecimals(decimals);
    box->setSingleStep(step);
    box->setToolTip(tip);
    box->setAccelerated(true);
    return box;
}

// A spin box for rates that span orders of magnitude ("11.5", "0.0153", "1e+12"): shortest
// round-trip text instead of a fixed number of decimals, so no rate is rounded away.
class RateSpinBox : public QDoubleSpinBox {
public:
    explicit RateSpinBox(double max) {
        setDecimals(12);  // the value's resolution; the text shows 6 significant digits
        setRange(0, max);
        locale_.setNumberOptions(QLocale::OmitGroupSeparator);
    }
    QString textFromValue(double value) const override { return locale_.toString(value, 'g', 6); }
    double valueFromText(const QString& text) const override { return locale_.toDouble(text); }
    QValidator::State validate(QString& text, int&) const override {
        bool ok = false;
        const double v = locale_.toDouble(text, &ok);
        if (ok) {
            return v >= minimum() && v <= maximum() ? QValidator::Acceptable
                                                    : QValidator::Intermediate;
        }
        // Half-typed numbers ("", "1e", "2.", "1e-") may still become valid.
        static const QRegularExpression partial(
            QStringLiteral("^[0-9]*[.,]?[0-9]*([eE][-+]?[0-9]*)?$"));
        return partial.match(text).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
    }

private:
    QLocale locale_;
};

// Sets the box and returns the value as it now displays (rounded to its decimals).
double showValue(QDoubleSpinBox* box, double value) {
    box->setValue(value);
    return box->value();
}

}  // namespace

HyperparameterForm::HyperparameterForm(QWidget* parent) : QGroupBox(tr("Hyperparameters"), parent) {
    epochs_ = doubleBox(0.01, 1000, 2, 1, tr("Epochs; fractional: the last epoch is cut short"));
    batchSize_ = new QSpinBox;
    batchSize_->setRange(1, 65536);
    batchSize_->setSingleStep(128);
    batchSize_->setToolTip(tr("Examples per optimizer step"));
    // Up to absurd rates on purpose: provoking a divergence is an experiment too.
    learningRate_ = new RateSpinBox(1e15);
    learningRate_->setMinimum(1e-6);
    learningRate_->setSingleStep(0.5);
    learningRate_->setToolTip(tr("Learning rate per 1024 examples (the recipe's units)"));
    weightDecay_ = new RateSpinBox(10);
    weightDecay_->setSingleStep(0.001);
    weightDecay_->setToolTip(tr("Decoupled weight decay per 1024 examples"));
    labelSmoothing_ = doubleBox(0, 0.99, 3, 0.05, tr("Label smoothing of the training loss"));
    tta_ = new QComboBox;
    tta_->addItem(tr("0: none"), 0);
    tta_->addItem(tr("1: mirror"), 1);
    tta_->addItem(tr("2: mirror + shifts"), 2);
    tta_->setToolTip(tr("Test-time augmentation of the final evaluation"));
    width_ = doubleBox(0.01, 8, 3, 0.125,
                       tr("Multiplies every block's width (0.125-0.25 for quick CPU runs)"));
    seed_ = new QSpinBox;
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setToolTip(tr("Seed of the first run; run k uses seed + k"));
    runs_ = new QSpinBox;
    runs_->setRange(1, 1000);
    runs_->setToolTip(tr("Seeded runs in a row; several give a mean and standard deviation"));
    device_ = new QComboBox;
    device_->addItem(tr("auto"), static_cast<int>(DeviceRequest::Auto));
    device_->addItem(tr("cpu"), static_cast<int>(DeviceRequest::Cpu));
    device_->addItem(tr("cuda"), static_cast<int>(DeviceRequest::Cuda));
    if (!cudaAvailable()) {
        if (auto* items = qobject_cast<QStandardItemModel*>(device_->model())) {
            items->item(2)->setEnabled(false);
            items->item(2)->setToolTip(libtorchHasCuda()
                                           ? tr("No CUDA device is available")
                                           : tr("This build's LibTorch has no CUDA support"));
        }
    }
    compiled_ = new QCheckBox(tr("Compiled (CUDA graph)"));
    compiled_->setToolTip(
        tr("Capture the training step in a CUDA graph; on CPU the run falls back to eager mode"));
    fusedKernels_ = new QCheckBox(tr("Fused kernels (CUDA)"));
    fusedKernels_->setToolTip(
        networkKernelsAvailable()
            ? tr("BatchNorm + GELU as one operation and max pooling with one-byte indices: the "
                 "same results with less memory traffic; on CPU the run uses the usual "
                 "operations")
            : tr("This build has no CUDA kernels: runs use the usual operations and say so"));
    reset_ = new QPushButton(tr("Reset to recipe defaults"));
    connect(reset_, &QPushButton::clicked, this, &HyperparameterForm::resetToRecipeDefaults);

    layout_ = new QFormLayout(this);
    layout_->addRow(tr("Epochs"), epochs_);
    layout_->addRow(tr("Batch size"), batchSize_);
    layout_->addRow(tr("Learning rate"), learningRate_);
    layout_->addRow(tr("Weight decay"), weightDecay_);
    layout_->addRow(tr("Label smoothing"), labelSmoothing_);
    layout_->addRow(tr("TTA level"), tta_);
    layout_->addRow(tr("Width multiplier"), width_);
    layout_->addRow(tr("Seed"), seed_);
    layout_->addRow(tr("Runs"), runs_);
    layout_->addRow(tr("Device"), device_);
    layout_->addRow(QString(), compiled_);
    layout_->addRow(QString(), fusedKernels_);
    layout_->addRow(QString(), reset_);

    auto edited = [this] {
        markOverrides();
        emit changed();
    };
    for (QDoubleSpinBox* box : {epochs_, learningRate_, weightDecay_, labelSmoothing_, width_}) {
        connect(box, &QDoubleSpinBox::valueChanged, this, edited);
    }
    for (QSpinBox* box : {batchSize_, seed_, runs_}) {
        connect(box, &QSpinBox::valueChanged, this, edited);
    }
    for (QComboBox* box : {tta_, device_}) {
        connect(box, &QComboBox::currentIndexChanged, this, edited);
    }
    connect(compiled_, &QCheckBox::toggled, this, edited);
    connect(fusedKernels_, &QCheckBox::toggled, this, edited);
    width_->setValue(1.0);
}

void HyperparameterForm::setRecipe(const Recipe& recipe) {
    recipe_ = recipe;
    setTitle(tr("Hyperparameters of %1").arg(QString::fromStdString(recipe.name)));
    showRecipeTable({});
}

void HyperparameterForm::showRecipeTable(const TrainOptions& o) {
    const Hyperparameters& h = recipe_.hyp;
    {
        // One `changed` for the whole table, not one per field.
        const QSignalBlocker b1(epochs_), b2(batchSize_), b3(learningRate_), b4(weightDecay_),
            b5(labelSmoothing_), b6(tta_);
        shownEpochs_ = showValue(epochs_, h.epochs);
        shownLr_ = showValue(learningRate_, h.learningRate);
        shownWd_ = showValue(weightDecay_, h.weightDecay);
        shownSmoothing_ = showValue(labelSmoothing_, h.labelSmoothing);
        epochs_->setValue(o.epochs.value_or(h.epochs));
        batchSize_->setValue(o.batchSize.value_or(h.batchSize));
        learningRate_->setValue(o.learningRate.value_or(h.learningRate));
        weightDecay_->setValue(o.weightDecay.value_or(h.weightDecay));
        labelSmoothing_->setValue(o.labelSmoothing.value_or(h.labelSmoothing));
        tta_->setCurrentIndex(qBound(0, o.ttaLevel.value_or(h.ttaLevel), 2));
    }
    markOverrides();
    emit changed();
}

RunSettings HyperparameterForm::settings() const {
    const Hyperparameters& h = recipe_.hyp;
    RunSettings s;
    s.recipe = recipe_.name;
    TrainOptions& o = s.options;
    if (epochs_->value() != shownEpochs_)
        o.epochs = epochs_->value();
    if (batchSize_->value() != h.batchSize)
        o.batchSize = batchSize_->value();
    if (learningRate_->value() != shownLr_)
        o.learningRate = learningRate_->value();
    if (weightDecay_->value() != shownWd_)
        o.weightDecay = weightDecay_->value();
    if (labelSmoothing_->value() != shownSmoothing_)
        o.labelSmoothing = labelSmoothing_->value();
    if (tta_->currentIndex() != h.ttaLevel)
        o.ttaLevel = tta_->currentIndex();
    o.widthMultiplier = width_->value();
    o.seed = static_cast<uint64_t>(seed_->value());
    o.compiled = compiled_->isChecked();
    o.fusedNormActivation = o.compactPooling = fusedKernels_->isChecked();
    s.runs = runs_->value();
    s.device = static_cast<DeviceRequest>(device_->currentData().toInt());
    return s;
}

void HyperparameterForm::applySettings(const RunSettings& s) {
    {
        const QSignalBlocker b1(width_), b2(seed_), b3(runs_), b4(device_), b5(compiled_),
            b6(fusedKernels_);
        width_->setValue(s.options.widthMultiplier);
        seed_->setValue(static_cast<int>(qMin<uint64_t>(s.options.seed, seed_->maximum())));
        runs_->setValue(s.runs);
        const int device = device_->findData(static_cast<int>(s.device));
        device_->setCurrentIndex(device >= 0 ? device : 0);
        compiled_->setChecked(s.options.compiled);
        fusedKernels_->setChecked(s.options.fusedNormActivation || s.options.compactPooling);
    }
    showRecipeTable(s.options);
}

bool HyperparameterForm::hasOverrides() const {
    const TrainOptions o = settings().options;
    return o.epochs || o.batchSize || o.learningRate || o.weightDecay || o.labelSmoothing ||
           o.ttaLevel || o.widthMultiplier != 1.0;
}

void HyperparameterForm::resetToRecipeDefaults() {
    {
        const QSignalBlocker block(width_);
        width_->setValue(1.0);
    }
    showRecipeTable({});
}

void HyperparameterForm::setEditable(bool editable) {
    for (QWidget* w : std::initializer_list<QWidget*>{
             epochs_, batchSize_, learningRate_, weightDecay_, labelSmoothing_, tta_, width_, seed_,
             runs_, device_, compiled_, fusedKernels_, reset_}) {
        w->setEnabled(editable);
    }
}

void HyperparameterForm::markOverrides() {
    const TrainOptions o = settings().options;
    const std::pair<QWidget*, bool> fields[] = {
        {epochs_, o.epochs.has_value()},
        {batchSize_, o.batchSize.has_value()},
        {learningRate_, o.learningRate.has_value()},
        {weightDecay_, o.weightDecay.has_value()},
        {labelSmoothing_, o.labelSmoothing.has_value()},
        {tta_, o.ttaLevel.has_value()},
        {width_, o.widthMultiplier != 1.0},
    };
    for (const auto& [field, overridden] : fields) {
        if (QWidget* label = layout_->labelForField(field)) {
            QFont font = label->font();
            font.setBold(overridden);
            label->setFont(font);
            label->setToolTip(overridden ? tr("Differs from the recipe's value") : QString());
        }
    }
}

}  // namespace airbench::ui
