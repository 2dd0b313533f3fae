// Per-example scores on hand-made logits, the data map, forgetting events, the CSV, and a tiny
// end-to-end scoring job (in-sample and held-out) on real data.

#include <airbench/error.h>
#include <airbench/scores.h>

#include "support/test_data.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

using namespace airbench;

namespace {

Logits logitsOf(std::vector<std::vector<float>> rows) {
    Logits l;
    l.rows = static_cast<int64_t>(rows.size());
    l.classes = static_cast<int>(rows[0].size());
    for (auto& r : rows)
        l.values.insert(l.values.end(), r.begin(), r.end());
    return l;
}

bool near(double a, double b, double tol = 1e-5) {
    return std::abs(a - b) <= tol;
}

}  // namespace

class TestScores : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::useOneThread(); }

    void everyScoreOnHandMadeLogits() {
        // Row 0: logits (ln 6, ln 3, ln 1) -> p = (0.6, 0.3, 0.1), label 0 (correct).
        // Row 1: logits equal -> p = 1/3 each, label 2 (argmax picks class 0: wrong).
        const Logits l = logitsOf({{std::log(6.f), std::log(3.f), 0.f}, {1.f, 1.f, 1.f}});
        const ExampleScores s = scoresFromLogits({l}, {0, 2});
        QCOMPARE(s.size, int64_t(2));
        QVERIFY(near(s.probabilities[0], 0.6) && near(s.probabilities[1], 0.3));
        QVERIFY(near(s.confidence[0], std::log(0.6)));
        QVERIFY(near(s.trueProbability[0], 0.6));
        QVERIFY(near(s.margin[0], 0.3));
        QVERIFY(
            near(s.entropy[0], -(0.6 * std::log(0.6) + 0.3 * std::log(0.3) + 0.1 * std::log(0.1))));
        QVERIFY(near(s.loss[0], -std::log(0.6)));
        QCOMPARE(int(s.predicted[0]), 0);
        QCOMPARE(int(s.correct[0]), 1);
        QVERIFY(near(s.margin[1], 0.0));
        QVERIFY(near(s.entropy[1], std::log(3.0)));
        QCOMPARE(int(s.correct[1]), 0);
        QVERIFY(near(s.loss[1], std::log(3.0)));
        const auto top = s.topClasses(0, 3);
        QCOMPARE(top[0].first, 0);
        QCOMPARE(top[1].first, 1);
        QVERIFY(near(top[2].second, 0.1));
        QCOMPARE(s.values(ScoreKind::Margin).size(), size_t(2));
        QVERIFY(std::isnan(s.value(ScoreKind::Forgetting, 0)));  // not measured without epochs
    }

    void runsAverageProbabilitiesAndGiveTheDataMap() {
        // Two runs: p(true) 0.6 and 0.2 for example 0 -> mean 0.4, std 0.2 (population).
        const Logits a = logitsOf({{std::log(6.f), std::log(3.f), 0.f}});
        const Logits b = logitsOf({{std::log(2.f), std::log(7.f), 0.f}});
        const ExampleScores s = scoresFromLogits({a, b}, {0});
        QVERIFY(near(s.probabilities[0], 0.4));
        QVERIFY(near(s.meanTrueProbability[0], 0.4));
        QVERIFY(near(s.variability[0], 0.2));
        QCOMPARE(int(s.predicted[0]), 1);  // mean p = (0.4, 0.5, 0.1)
    }

    void forgettingCountsCorrectThenWrongWithinARun() {
        ExampleScores s = scoresFromLogits({logitsOf({{1.f, 0.f}, {0.f, 1.f}})}, {0, 0});
        // Example 0: run 0 epochs right, wrong, right, wrong -> 2 events; run 1: wrong, right -> 0.
        // Example 1: right in run 0's last epoch and wrong in run 1's first: different runs, 0.
        std::vector<ScoreSnapshot> snaps = {{0, {0.9f, 0.1f}, {0, 1}}, {0, {0.2f, 0.2f}, {1, 1}},
                                            {0, {0.8f, 0.3f}, {0, 1}}, {0, {0.1f, 0.6f}, {1, 0}},
                                            {1, {0.3f, 0.2f}, {1, 1}}, {1, {0.7f, 0.2f}, {0, 1}}};
        addDataMap(s, snaps);
        QCOMPARE(s.forgetting[0], 2);
        QCOMPARE(s.forgetting[1], 0);
        QVERIFY(near(s.meanTrueProbability[0], (0.9 + 0.2 + 0.8 + 0.1 + 0.3 + 0.7) / 6));
    }

    void scoreNamesRoundTrip() {
        for (ScoreKind k : allScoreKinds())
            QCOMPARE(parseScoreKind(scoreName(k)), k);
        QVERIFY_THROWS_EXCEPTION(Error, parseScoreKind("nonsense"));
    }

    void csvHasOneRowPerExample() {
        QTemporaryDir tmp;
        ExampleScores s =
            scoresFromLogits({logitsOf({{1.f, 0.f}, {0.f, 2.f}, {3.f, 1.f}})}, {0, 1, 1});
        s.provenance.recipe = "airbench94";
        const QString path = tmp.path() + "/scores.csv";
        writeScoresCsv(path.toStdString(), s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5);  // provenance comment, header, 3 rows
        QVERIFY(lines[0].startsWith("# airbench scores: airbench94"));
        QVERIFY(lines[1].startsWith("index,label,predicted,correct,confidence"));
        QVERIFY(lines[4].startsWith("2,1,0,0,"));
        QVERIFY(!QFile::exists(path + ".partial"));
    }
};

QTEST_GUILESS_MAIN(TestScores)
#include "test_scores.moc"
