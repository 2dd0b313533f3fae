// RunConfigForm: generated from the knob table (every knob of the recipe and every run setting,
// nothing else), edits become overrides of the recipe's table and nothing else, a recipe switch
// keeps the overrides the new recipe has, and the configuration survives the settings file.

#include "training/run_config_form.h"
#include "training/run_settings.h"

#include <airbench/knobs.h>
#include <airbench/recipe.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

namespace {

std::vector<std::string> expectedKnobs(const Recipe& recipe) {
    std::vector<std::string> keys;
    for (const Knob& knob : knobs()) {
        if (knob.isRunSetting() || knobApplies(knob, recipe)) {
            keys.push_back(std::string(knob.key));
        }
    }
    return keys;
}

bool labelIsBold(const RunConfigForm& form, const char* key) {
    QWidget* editor = form.editor(key);
    // The label whose buddy is the editor (a check box is its own label).
    for (QLabel* l : editor->parentWidget()->findChildren<QLabel*>()) {
        if (l->buddy() == editor) {
            return l->font().bold();
        }
    }
    return editor->font().bold();
}

}  // namespace

class TestRunConfigForm : public QObject {
    Q_OBJECT

private slots:
    // The form shows exactly the table's knobs of the recipe and the run settings.
    void showsExactlyTheKnobsOfTheTable() {
        RunConfigForm form;
        form.show();
        for (const Recipe& recipe : recipes()) {
            form.setRecipe(recipe);
            QCOMPARE(form.shownKnobs(), expectedKnobs(recipe));
            QVERIFY2(!form.hasOverrides(), recipe.name.c_str());
            const auto* batch = qobject_cast<QSpinBox*>(form.editor("batch_size"));
            QCOMPARE(batch->value(), recipe.hyp.batchSize);
            QCOMPARE(batch->maximum(), int(findKnob("batch_size").max));
            const auto* lr = qobject_cast<QDoubleSpinBox*>(form.editor("learning_rate"));
            QCOMPARE(lr->value(), recipe.hyp.learningRate);
            QVERIFY(lr->toolTip().contains("--lr"));
        }
        QVERIFY(form.editor("no_such_knob") == nullptr);
    }

    void editsBecomeOverridesAndResetClearsThem() {
        const Recipe& recipe = findRecipe("airbench94");
        RunConfigForm form;
        form.setRecipe(recipe);
        QSignalSpy changed(&form, &RunConfigForm::changed);
        qobject_cast<QDoubleSpinBox*>(form.editor("epochs"))->setValue(2.5);
        qobject_cast<QDoubleSpinBox*>(form.editor("label_smoothing"))->setValue(0.05);
        qobject_cast<QDoubleSpinBox*>(form.editor("width_multiplier"))->setValue(0.25);
        qobject_cast<QCheckBox*>(form.editor("lookahead"))->setChecked(false);
        qobject_cast<QSpinBox*>(form.editor("seed"))->setValue(7);
        qobject_cast<QSpinBox*>(form.editor("runs"))->setValue(3);
        qobject_cast<QCheckBox*>(form.editor("compiled"))->setChecked(true);
        qobject_cast<QComboBox*>(form.editor("device"))->setCurrentIndex(1);  // cpu
        QCOMPARE(changed.count(), 8);
        RunConfig c = form.config();
        QCOMPARE(c.recipe, std::string("airbench94"));
        QVERIFY(c.overrides == (KnobValues{{"epochs", 2.5},
                                           {"label_smoothing", 0.05},
                                           {"width_multiplier", 0.25},
                                           {"lookahead", 0}}));
        QCOMPARE(c.run.seed, uint64_t(7));
        QCOMPARE(c.run.runs, 3);
        QVERIFY(c.run.compiled);
        QCOMPARE(c.run.device, DeviceRequest::Cpu);
        // The engine sees exactly the edited values, and the table's for the rest.
        const Recipe resolved = resolvedRecipe(c);
        QCOMPARE(resolved.hyp.epochs, 2.5);
        QCOMPARE(resolved.hyp.learningRate, recipe.hyp.learningRate);
        QVERIFY(labelIsBold(form, "epochs"));
        QVERIFY(!labelIsBold(form, "batch_size"));
        // Back to the table's value: no override.
        qobject_cast<QDoubleSpinBox*>(form.editor("epochs"))->setValue(recipe.hyp.epochs);
        QVERIFY(!form.config().overrides.count("epochs"));
        QVERIFY(!labelIsBold(form, "epochs"));
        form.resetButton()->click();
        QVERIFY(form.config().overrides.empty());
        QCOMPARE(form.config().run.runs, 3);  // run settings are not the recipe's
        QCOMPARE(qobject_cast<QDoubleSpinBox*>(form.editor("width_multiplier"))->value(), 1.0);
    }

    void aRecipeSwitchKeepsTheOverridesTheNewRecipeHas() {
        RunConfigForm form;
        form.setRecipe(findRecipe("airbench94"));
        qobject_cast<QDoubleSpinBox*>(form.editor("width_multiplier"))->setValue(0.125);
        qobject_cast<QDoubleSpinBox*>(form.editor("lr_floor"))->setValue(0.1);
        QSignalSpy kept(&form, &RunConfigForm::overridesKept);
        form.setRecipe(findRecipe("airbench94_muon"));
        QCOMPARE(kept.count(), 1);
        QCOMPARE(kept.at(0).at(0).toString(), QString("width_multiplier=0.125"));
        QVERIFY(form.config().overrides == (KnobValues{{"width_multiplier", 0.125}}));
        QCOMPARE(qobject_cast<QDoubleSpinBox*>(form.editor("learning_rate"))->value(), 0.24);
    }

    void theConfigurationSurvivesTheSettingsFile() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("test.conf"), QSettings::IniFormat);
        RunConfig c;
        c.recipe = "airbench96";
        c.overrides = {{"epochs", 3}, {"cutout", 8}};
        c.run.seed = 11;
        c.run.runs = 4;
        c.data.trainSubset = 1000;
        saveRunConfig(settings, c);
        const RunConfig back = loadRunConfig(settings);
        QCOMPARE(back.recipe, c.recipe);
        QVERIFY(back.overrides == c.overrides);
        QCOMPARE(back.run.seed, c.run.seed);
        QCOMPARE(back.run.runs, c.run.runs);
        QCOMPARE(back.data.trainSubset, int64_t(1000));
        RunConfigForm form;
        form.setConfig(back);
        QCOMPARE(form.recipe().name, std::string("airbench96"));
        QCOMPARE(qobject_cast<QSpinBox*>(form.editor("cutout"))->value(), 8);
        // A settings file from elsewhere (an unknown knob) falls back to the defaults.
        settings.setValue(QStringLiteral("run/config"), QStringLiteral("{\"epoch\": 3}"));
        QCOMPARE(loadRunConfig(settings).recipe, std::string("airbench94"));
    }

    void editingIsDisabledWhileARunIsInFlight() {
        RunConfigForm form;
        form.setEditable(false);
        QVERIFY(!form.editor("epochs")->isEnabled());
        QVERIFY(!form.resetButton()->isEnabled());
        form.setEditable(true);
        QVERIFY(form.editor("seed")->isEnabled());
    }
};

QTEST_MAIN(TestRunConfigForm)
#include "test_run_config_form.moc"
