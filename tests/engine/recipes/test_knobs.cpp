// The knob table: one row per knob, every recipe's table within its ranges, scopes that match
// what each recipe uses, and values that format and parse back.

#include <airbench/error.h>
#include <airbench/knobs.h>

#include <QtTest/QtTest>

#include <set>

using namespace airbench;

namespace {

std::set<std::string> keysOf(const std::vector<const Knob*>& list) {
    std::set<std::string> keys;
    for (const Knob* k : list) {
        keys.insert(std::string(k->key));
    }
    return keys;
}

}  // namespace

class TestKnobs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyKeyFlagAndLabelOnce() {
        std::set<std::string_view> keys, flags, labels;
        for (const Knob& k : knobs()) {
            QVERIFY2(keys.insert(k.key).second, k.key.data());
            QVERIFY2(flags.insert(k.flag).second, k.flag.data());
            QVERIFY2(labels.insert(k.label).second, k.label.data());
            QVERIFY2(k.flag.substr(0, 2) == "--", k.flag.data());
            QVERIFY2(!k.help.empty() && !k.section.empty() && k.min <= k.max && k.step > 0,
                     k.key.data());
            QVERIFY2((k.type == KnobType::Choice) == !k.choices.empty(), k.key.data());
        }
        QVERIFY_THROWS_EXCEPTION(Error, findKnob("learning_rat"));
        QVERIFY(knobOrNull("learning_rate") == &findKnob("learning_rate"));
    }

    void everyRecipesTableIsWithinItsRanges() {
        for (const Recipe& r : recipes()) {
            QVERIFY(!recipeKnobs(r).empty());
            for (const Knob* k : recipeKnobs(r)) {
                try {
                    k->check(knobValue(*k, r.hyp));
                } catch (const Error& e) {
                    QFAIL(qPrintable(QString::fromStdString(r.name + ": " + e.what())));
                }
            }
            validateRecipe(r);
        }
        const RunOptions defaults;
        for (const Knob* k : runKnobs()) {
            k->check(knobValue(*k, defaults));
        }
    }

    // What changes nothing in a recipe is not part of its table.
    void scopesMatchWhatEachRecipeUses() {
        const auto r94 = keysOf(recipeKnobs(findRecipe("airbench94")));
        const auto muon = keysOf(recipeKnobs(findRecipe("airbench94_muon")));
        const auto r96 = keysOf(recipeKnobs(findRecipe("airbench96")));
        const auto faster = keysOf(recipeKnobs(findRecipe("airbench96_faster")));
        for (const char* sgdOnly : {"bias_scaler", "lookahead", "warmup_fraction"}) {
            QVERIFY(r94.count(sgdOnly) && r96.count(sgdOnly) && !muon.count(sgdOnly));
        }
        QVERIFY(r94.count("lr_floor") && !r96.count("lr_floor") && !muon.count("lr_floor"));
        for (const char* muonOnly :
             {"whitening_bias_lr", "batchnorm_bias_lr", "head_lr", "sgd_momentum"}) {
            QVERIFY(muon.count(muonOnly) && !r94.count(muonOnly));
        }
        QVERIFY(faster.count("proxy_keep_fraction") && !r96.count("proxy_keep_fraction"));
        QVERIFY(!r94.count("seed"));  // run settings are not a recipe's
        QVERIFY(keysOf(runKnobs()).count("seed"));
    }

    void valuesFormatAndParseBack() {
        for (const Knob& k : knobs()) {
            for (double v : {k.min, k.max}) {
                QCOMPARE(k.parse(k.format(v)), v);
            }
        }
        const Knob& lookahead = findKnob("lookahead");
        QCOMPARE(lookahead.parse("off"), 0.0);
        QCOMPARE(lookahead.parse("yes"), 1.0);
        QCOMPARE(findKnob("device").parse("cuda"), 2.0);
        QCOMPARE(findKnob("device").format(1), std::string("cpu"));
        QCOMPARE(findKnob("weight_decay").format(0.0153), std::string("0.0153"));
        auto refusal = [](const char* key, const char* text) {
            try {
                findKnob(key).parse(text);
            } catch (const Error& e) {
                return QString(e.what());
            }
            return QString();
        };
        QCOMPARE(refusal("epochs", "ten"),
                 QString("epochs must be a number in [1e-04, 1000], got 'ten'"));
        QVERIFY(refusal("epochs", "0").contains("[1e-04, 1000]"));
        QVERIFY(refusal("batch_size", "3.5").contains("an integer in [1, 65536]"));
        QVERIFY(refusal("lookahead", "maybe").contains("true or false"));
        QVERIFY(refusal("warmup", "sometimes").contains("auto, on or off"));
    }

    void overridesAreDescribedInTableOrder() {
        const Recipe& r = findRecipe("airbench94");
        const Recipe changed =
            resolveRecipe(r, {{"width_multiplier", 0.125}, {"epochs", 2}, {"lookahead", 0}});
        const KnobValues diff = overridesOf(changed, r);
        QCOMPARE(diff.size(), size_t(3));
        QCOMPARE(describeOverrides(diff),
                 std::string("epochs=2, lookahead=false, width_multiplier=0.125"));
        QVERIFY(tableValues(r).count("lr_floor") && !tableValues(r).count("head_lr"));
    }
};

QTEST_GUILESS_MAIN(TestKnobs)
#include "test_knobs.moc"
