#include <airbench/stats.h>

#include <QtTest/QtTest>

using namespace airbench;

class TestStats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void summaryOfKnownValues() {
        const Summary s = summarize({0.93, 0.94, 0.95, 0.94});
        QCOMPARE(s.count, 4);
        QVERIFY(std::abs(s.mean - 0.94) < 1e-12);
        QVERIFY(std::abs(s.stddev - 0.0081649658) < 1e-9);               // sample std
        QVERIFY(std::abs(s.ci95 - 3.182446 * 0.0081649658 / 2) < 1e-6);  // t(3) = 3.1824
        QCOMPARE(summarize({0.5}).stddev, 0.0);
    }

    void studentQuantiles() {
        QVERIFY(std::abs(studentT975(1) - 12.7062) < 1e-3);
        QVERIFY(std::abs(studentT975(10) - 2.2281) < 1e-3);
        QVERIFY(std::abs(studentT975(1000) - 1.9623) < 1e-3);
    }

    void welchAgainstAHandComputedCase() {
        // Reference values: t and the Welch-Satterthwaite dof by hand, p by integrating the t pdf.
        const std::vector<double> a{1, 2, 3, 4, 5}, b{3, 4, 5, 6, 7, 8};
        const WelchTest w = welchTest(a, b);
        QVERIFY(std::abs(w.difference - 2.5) < 1e-12);
        // t = 2.5 / sqrt(2.5/5 + 3.5/6) = 2.40192; dof = 1.17361 / 0.130556 = 8.98936.
        QVERIFY2(std::abs(w.t - 2.40192) < 1e-4, qPrintable(QString::number(w.t)));
        QVERIFY2(std::abs(w.dof - 8.98936) < 1e-4, qPrintable(QString::number(w.dof)));
        QVERIFY2(std::abs(w.pValue - 0.0398031) < 1e-5, qPrintable(QString::number(w.pValue)));
        QVERIFY(welchTest(a, a).pValue > 0.99);
    }
};

QTEST_GUILESS_MAIN(TestStats)
#include "test_stats.moc"
