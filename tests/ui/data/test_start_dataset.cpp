// chooseStartDataset: the command line's folder wins (readable or not), then the last one while it
// still holds a dataset, then the first default place that does ($AIRBENCH_DATA, the user's data
// folder, Debian's Fashion-MNIST); getting CIFAR-10 is offered when the default places hold none.

#include "data/start_dataset.h"
#include "ui_test_support.h"

#include <airbench/paths.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::ui;

class TestStartDataset : public QObject {
    Q_OBJECT

    QTemporaryDir empty_;  // holds no dataset

private slots:
    void initTestCase() {
        test::setUpGuiTests();  // the user data folder: an empty one of this process
        QVERIFY(empty_.isValid());
    }

    void init() { qunsetenv("AIRBENCH_DATA"); }  // the user's own, if set, would be found

    void theRequestedFolderWins() {
        const StartDataset start =
            chooseStartDataset(empty_.path(), QString::fromStdString(test::fashionDir()));
        QCOMPARE(start.folder, empty_.path());
        QVERIFY(start.error.isEmpty());
    }

    void theLastFolderWinsWhileItHoldsADataset() {
        const std::string cifar = test::cifarDir();
        const std::string fashion = test::fashionDir();
        if (cifar.empty() || fashion.empty()) {
            QSKIP(qPrintable(test::dataSkipReason() + QStringLiteral(" (both are needed)")));
        }
        qputenv("AIRBENCH_DATA", QByteArray::fromStdString(cifar));
        const StartDataset last = chooseStartDataset({}, QString::fromStdString(fashion));
        QCOMPARE(last.folder, QString::fromStdString(fashion));
        QVERIFY(!last.offerCifar10);  // $AIRBENCH_DATA holds CIFAR-10

        // A last folder that no longer holds a dataset: the default place.
        const StartDataset gone = chooseStartDataset({}, empty_.path());
        QCOMPARE(gone.folder, QString::fromStdString(cifar));
        QVERIFY(gone.error.isEmpty());
    }

    void withoutCifar10TheDefaultPlacesOfferIt() {
        // No $AIRBENCH_DATA and an empty user data folder: at most Debian's Fashion-MNIST.
        const std::string found = findDefaultDataset();
        const StartDataset start = chooseStartDataset({}, {});
        QVERIFY(start.offerCifar10);
        QCOMPARE(start.folder, QString::fromStdString(found));
        if (found.empty()) {
            QVERIFY2(start.error.contains(QStringLiteral("No dataset found")),
                     qPrintable(start.error));
            for (const std::string& place : defaultDatasetCandidates()) {
                QVERIFY2(start.error.contains(QString::fromStdString(place)),
                         qPrintable(start.error));
            }
        } else {
            QVERIFY(start.error.isEmpty());
        }
    }
};

QTEST_MAIN(TestStartDataset)
#include "test_start_dataset.moc"
