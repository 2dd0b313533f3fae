// HyperparameterForm turns edits into overrides of the recipe's table (and nothing else), and
// RunSettings survive a QSettings round trip.

#include "training/hyperparameter_form.h"
#include "training/run_settings.h"

#include <airbench/recipe.h>
#include <airbench/train.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

namespace {

bool anyTableOverride(const TrainOptions& o) {
    return o.epochs || o.batchSize || o.learningRate || o.weightDecay || o.labelSmoothing ||
           o.ttaLevel;
}

}  // namespace

class TestHyperparameterForm : public QObject {
    Q_OBJECT

private slots:
    void showsTheRecipeWithoutOverrides() {
        for (const Recipe& recipe : recipes()) {
            HyperparameterForm form;
            form.setRecipe(recipe);
            const RunSettings s = form.settings();
            QCOMPARE(s.recipe, recipe.name);
            QVERIFY2(!anyTableOverride(s.options), recipe.name.c_str());
            QCOMPARE(s.options.widthMultiplier, 1.0);
            QCOMPARE(form.batchSizeBox()->value(), recipe.hyp.batchSize);
            QCOMPARE(form.ttaBox()->currentIndex(), recipe.hyp.ttaLevel);
            QVERIFY(!form.hasOverrides());
        }
    }

    void editsBecomeOverridesAndResetClearsThem() {
        const Recipe& recipe = recipes().front();
        HyperparameterForm form;
        form.setRecipe(recipe);
        QSignalSpy changed(&form, &HyperparameterForm::changed);
        form.epochsBox()->setValue(2.5);
        form.labelSmoothingBox()->setValue(0.05);
        form.widthBox()->setValue(0.25);
        form.seedBox()->setValue(7);
        form.runsBox()->setValue(3);
        form.compiledBox()->setChecked(true);
        form.fusedKernelsBox()->setChecked(true);
        QVERIFY(changed.count() >= 7);
        RunSettings s = form.settings();
        QCOMPARE(s.options.epochs.value_or(-1), 2.5);
        QCOMPARE(s.options.labelSmoothing.value_or(-1), 0.05);
        QVERIFY(!s.options.batchSize && !s.options.learningRate && !s.options.ttaLevel);
        QCOMPARE(s.options.widthMultiplier, 0.25);
        QCOMPARE(s.options.seed, uint64_t(7));
        QCOMPARE(s.runs, 3);
        QVERIFY(s.options.compiled);
        QVERIFY(s.options.fusedNormActivation && s.options.compactPooling);
        // The engine sees exactly the edited values.
        const Recipe resolved = resolveRecipe(recipe, s.options);
        QCOMPARE(resolved.hyp.epochs, 2.5);
        QCOMPARE(resolved.hyp.labelSmoothing, 0.05);
        QCOMPARE(resolved.hyp.learningRate, recipe.hyp.learningRate);
        // Overridden fields say so.
        auto* layout = qobject_cast<QFormLayout*>(form.layout());
        QVERIFY(layout->labelForField(form.epochsBox())->font().bold());
        QVERIFY(!layout->labelForField(form.batchSizeBox())->font().bold());

        form.resetButton()->click();
        s = form.settings();
        QVERIFY(!anyTableOverride(s.options));
        QCOMPARE(s.options.widthMultiplier, 1.0);
        QCOMPARE(s.runs, 3);  // not the recipe's: kept
        QVERIFY(!layout->labelForField(form.epochsBox())->font().bold());
    }

    // A value the spin box cannot show exactly is not an override: the engine keeps the recipe's.
    void roundingIsNotAnOverride() {
        Recipe recipe = recipes().front();
        recipe.hyp.labelSmoothing = 0.2345;
        recipe.hyp.epochs = 9.875;
        HyperparameterForm form;
        form.setRecipe(recipe);
        const TrainOptions o = form.settings().options;
        QVERIFY(!o.labelSmoothing);
        QVERIFY(!o.epochs);
    }

    // Rates keep every digit and read naturally across orders of magnitude.
    void ratesKeepTheirDigits() {
        Recipe recipe = recipes().front();
        recipe.hyp.weightDecay = 0.0000123;
        HyperparameterForm form;
        form.setRecipe(recipe);
        QCOMPARE(form.weightDecayBox()->value(), 0.0000123);
        QVERIFY(!form.settings().options.weightDecay);
        form.learningRateBox()->setValue(1e12);
        QCOMPARE(form.settings().options.learningRate.value_or(-1), 1e12);
        QCOMPARE(form.learningRateBox()->text(), QStringLiteral("1e+12"));
        form.learningRateBox()->setValue(11.5);
        QCOMPARE(form.learningRateBox()->text(), QStringLiteral("11.5"));
    }

    void settingsRoundTripThroughQSettings() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("run.ini")), QSettings::IniFormat);
        RunSettings a;
        a.recipe = recipes().back().name;
        a.options.epochs = 3.5;
        a.options.batchSize = 512;
        a.options.ttaLevel = 1;
        a.options.widthMultiplier = 0.5;
        a.options.seed = 42;
        a.options.compiled = true;
        a.options.compactPooling = true;
        a.runs = 4;
        a.device = DeviceRequest::Cpu;
        saveRunSettings(settings, a);
        RunSettings b = loadRunSettings(settings);
        QCOMPARE(b.recipe, a.recipe);
        QCOMPARE(b.options.epochs.value_or(-1), 3.5);
        QCOMPARE(b.options.batchSize.value_or(-1), 512);
        QCOMPARE(b.options.ttaLevel.value_or(-1), 1);
        QVERIFY(!b.options.learningRate && !b.options.labelSmoothing && !b.options.weightDecay);
        QCOMPARE(b.options.widthMultiplier, 0.5);
        QCOMPARE(b.options.seed, uint64_t(42));
        QVERIFY(b.options.compiled);
        QVERIFY(b.options.compactPooling && !b.options.fusedNormActivation);
        QCOMPARE(b.runs, 4);
        QVERIFY(b.device == DeviceRequest::Cpu);

        // An override that is gone is removed, so the recipe's value comes back.
        a.options.epochs.reset();
        saveRunSettings(settings, a);
        QVERIFY(!loadRunSettings(settings).options.epochs);

        // In the form: applySettings shows them, settings() gives them back.
        HyperparameterForm form;
        form.setRecipe(findRecipe(b.recipe));
        form.applySettings(b);
        const RunSettings c = form.settings();
        QCOMPARE(c.options.epochs.value_or(-1), 3.5);
        QCOMPARE(c.options.batchSize.value_or(-1), 512);
        QCOMPARE(c.options.ttaLevel.value_or(-1), 1);
        QCOMPARE(c.runs, 4);
        QVERIFY(c.device == DeviceRequest::Cpu);
    }
};

QTEST_MAIN(TestHyperparameterForm)
#include "test_hyperparameter_form.moc"
