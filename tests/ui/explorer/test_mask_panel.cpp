// Masks in the GUI: made from a score quantile, a seeded random fraction, classes, the grid's
// selection and files; combined (union, intersection, difference, complement); saved and loaded
// again; a mask of another dataset and a corrupted file refused with the engine's message; the
// per-class bar chart; and "train on mask" only for a mask that fits the training set in use.

#include "explorer/class_count_chart.h"
#include "explorer/mask_list_model.h"
#include "explorer/mask_panel.h"
#include "explorer_test_support.h"
#include "ui_test_support.h"

#include <airbench/error.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>

using namespace airbench;
using namespace airbench::ui;

namespace {

QString engineMessage(const std::string& path, const std::string& hash, int64_t size) {
    try {
        Mask::load(path, hash, size);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestMaskPanel : public QObject {
    Q_OBJECT

    std::unique_ptr<MaskPanel> panel_;
    DataContext context_;
    std::vector<float> confidence_;
    std::vector<int64_t> selection_;

private slots:
    void initTestCase() {
        test::setUpGuiTests();
        qRegisterMetaType<MaskPtr>();
        if (test::sharedData()) {
            context_ = makeDataContext(test::sharedData(), 5000, 1000);
            confidence_ = test::syntheticScores(context_.labels(Split::Train), 10, 2)
                              .values(ScoreKind::Confidence);
        }
    }

    void init() {
        AIRBENCH_REQUIRE_SOME_DATA();
        panel_ = std::make_unique<MaskPanel>();
        panel_->resize(480, 760);
        panel_->show();
        panel_->setContext(context_);
        panel_->setScoreValues(confidence_, QStringLiteral("confidence"));
        selection_ = {4, 8, 15, 16, 23, 42};
        panel_->setSelectionProvider([this] { return selection_; });
    }

    void cleanup() { panel_.reset(); }

    void createsMasksFromEverySource() {
        MaskListModel* m = panel_->model();
        // Quantile: the engine's exact selection.
        const int low = panel_->createFromQuantile(0.2, true);
        QVERIFY(low >= 0);
        QCOMPARE(m->mask(low)->keep(), maskFromQuantile(confidence_, 0.2, true).keep());
        QCOMPARE(m->mask(low)->count(), int64_t(1000));
        QCOMPARE(m->mask(low)->datasetHash(), context_.hash);
        QCOMPARE(m->index(low, MaskListModel::KeptColumn).data().toString(),
                 QLocale().toString(1000));
        QCOMPARE(m->index(low, MaskListModel::ShareColumn).data().toString(),
                 QStringLiteral("20.0%"));
        // The chart shows the current (new) mask's examples per class.
        const std::vector<int64_t> counts =
            m->mask(low)->classCounts(context_.labels(Split::Train), 10);
        QCOMPARE(panel_->chart()->barValues(), std::vector<double>(counts.begin(), counts.end()));
        const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
        QCOMPARE(m->index(low, MaskListModel::ClassRangeColumn).data().toString(),
                 QStringLiteral("%1–%2").arg(*lo).arg(*hi));
        const int high = panel_->createFromQuantile(0.2, false);
        QCOMPARE(m->mask(high)->keep(), maskFromQuantile(confidence_, 0.2, false).keep());

        // Random, through the form: source, fraction, seed, Create.
        panel_->sourceBox()->setCurrentIndex(
            panel_->sourceBox()->findData(int(MaskPanel::Source::Random)));
        panel_->fractionBox()->setValue(30);
        panel_->seedBox()->setValue(4);
        QTest::mouseClick(panel_->createButton(), Qt::LeftButton);
        QCOMPARE(m->maskCount(), 3);
        QCOMPARE(m->mask(2)->keep(), maskRandom(5000, 0.3, 4).keep());
        QCOMPARE(panel_->currentRow(), 2);

        // Classes, ticked in the form.
        panel_->sourceBox()->setCurrentIndex(
            panel_->sourceBox()->findData(int(MaskPanel::Source::Classes)));
        QCOMPARE(panel_->classList()->count(), 10);
        panel_->classList()->item(0)->setCheckState(Qt::Checked);
        panel_->classList()->item(3)->setCheckState(Qt::Checked);
        QTest::mouseClick(panel_->createButton(), Qt::LeftButton);
        const MaskPtr classes = m->mask(3);
        QVERIFY(classes);
        const auto labels = context_.labels(Split::Train);
        QCOMPARE(classes->count(), int64_t(std::count(labels.begin(), labels.end(), 0) +
                                           std::count(labels.begin(), labels.end(), 3)));
        QVERIFY(QString::fromStdString(classes->name()).contains(context_.className(3)));
        const std::vector<double> bars = panel_->chart()->barValues();
        QCOMPARE(bars[1], 0.0);
        QVERIFY(bars[0] > 0 && bars[3] > 0);

        // The grid's selection.
        const int selected = panel_->createFromSelection(QStringLiteral("picked"));
        QCOMPARE(m->mask(selected)->indices(), selection_);
        QCOMPARE(QString::fromStdString(m->mask(selected)->name()), QStringLiteral("picked"));
        selection_.clear();
        QCOMPARE(panel_->createFromSelection(), -1);
        QVERIFY(panel_->message().contains(QStringLiteral("Select training images")));
        // Names stay unique.
        QCOMPARE(QString::fromStdString(m->mask(panel_->createFromQuantile(0.2, true))->name()),
                 QString::fromStdString(m->mask(low)->name()) + QStringLiteral(" (2)"));
    }

    void combinesMasks() {
        MaskListModel* m = panel_->model();
        const int a = panel_->createFromQuantile(0.5, true);
        const int b = panel_->createRandom(0.5, 9);
        const Mask& ma = *m->mask(a);
        const Mask& mb = *m->mask(b);
        const int u = panel_->combine(a, MaskPanel::Operation::Union, b);
        const int i = panel_->combine(a, MaskPanel::Operation::Intersection, b);
        const int d = panel_->combine(a, MaskPanel::Operation::Difference, b);
        const int c = panel_->combine(a, MaskPanel::Operation::Complement);
        QCOMPARE(m->mask(u)->keep(), ma.unite(mb).keep());
        QCOMPARE(m->mask(i)->keep(), ma.intersect(mb).keep());
        QCOMPARE(m->mask(d)->keep(), ma.subtract(mb).keep());
        QCOMPARE(m->mask(c)->keep(), ma.complement().keep());
        QCOMPARE(m->mask(u)->count() + m->mask(i)->count(), ma.count() + mb.count());
        QCOMPARE(m->mask(c)->count(), 5000 - ma.count());
        QVERIFY(QString::fromStdString(m->mask(u)->name()).contains(QStringLiteral("∪")));
        QCOMPARE(m->mask(i)->datasetHash(), context_.hash);
        // Through the form: A − B.
        panel_->firstOperandBox()->setCurrentIndex(b);
        panel_->operationBox()->setCurrentIndex(
            panel_->operationBox()->findData(int(MaskPanel::Operation::Difference)));
        panel_->secondOperandBox()->setCurrentIndex(a);
        QTest::mouseClick(panel_->combineButton(), Qt::LeftButton);
        QCOMPARE(m->mask(m->maskCount() - 1)->keep(), mb.subtract(ma).keep());
    }

    void savesAndLoadsMasksAndIndexLists() {
        QTemporaryDir dir;
        const int row = panel_->createRandom(0.25, 3, QStringLiteral("quarter"));
        const QString path = dir.filePath(QStringLiteral("quarter.json"));
        QVERIFY(panel_->saveMask(row, path));
        const int again = panel_->loadFile(path);
        QVERIFY2(again >= 0, qPrintable(panel_->message()));
        const MaskPtr loaded = panel_->model()->mask(again);
        QCOMPARE(loaded->keep(), panel_->model()->mask(row)->keep());
        QCOMPARE(QString::fromStdString(loaded->name()), QStringLiteral("quarter (2)"));
        QCOMPARE(loaded->datasetHash(), context_.hash);

        const QString list = dir.filePath(QStringLiteral("hard.txt"));
        QFile file(list);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("# hard examples\n3\n14\n159\n");
        file.close();
        const int fromList = panel_->loadFile(list);
        QVERIFY2(fromList >= 0, qPrintable(panel_->message()));
        QCOMPARE(panel_->model()->mask(fromList)->indices(), (std::vector<int64_t>{3, 14, 159}));
        QCOMPARE(QString::fromStdString(panel_->model()->mask(fromList)->name()),
                 QStringLiteral("hard"));
    }

    void refusesAMaskOfAnotherDatasetAndACorruptedFile() {
        QTemporaryDir dir;
        QSignalSpy errors(panel_.get(), &MaskPanel::errorOccurred);
        // Same size, another dataset's hash.
        Mask other = maskRandom(5000, 0.5, 1, "elsewhere");
        other.setDatasetHash(std::string(64, 'a'));
        const QString otherPath = dir.filePath(QStringLiteral("other.json"));
        other.save(otherPath.toStdString());
        const QString expected = engineMessage(otherPath.toStdString(), context_.hash, 5000);
        QVERIFY(!expected.isEmpty());
        QCOMPARE(panel_->loadFile(otherPath), -1);
        QCOMPARE(panel_->message(), expected);
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.at(0).at(0).toString(), expected);
        QCOMPARE(panel_->model()->maskCount(), 0);

        // Another size (the whole dataset's mask on a subset).
        Mask whole = maskRandom(50000, 0.5, 1, "whole");
        const QString wholePath = dir.filePath(QStringLiteral("whole.json"));
        whole.save(wholePath.toStdString());
        QCOMPARE(panel_->loadFile(wholePath), -1);
        QCOMPARE(panel_->message(), engineMessage(wholePath.toStdString(), context_.hash, 5000));

        // A saved mask with one byte of its bits changed: the checksum refuses it.
        const int row = panel_->createRandom(0.5, 2);
        const QString good = dir.filePath(QStringLiteral("good.json"));
        QVERIFY(panel_->saveMask(row, good));
        QFile file(good);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray text = file.readAll();
        file.close();
        const int bits = text.indexOf("\"bits\"");
        QVERIFY(bits > 0);
        const int at = text.indexOf('"', text.indexOf(':', bits)) + 5;
        text[at] = text[at] == 'A' ? 'B' : 'A';
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        QFile out(bad);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
        out.close();
        const int before = panel_->model()->maskCount();
        QCOMPARE(panel_->loadFile(bad), -1);
        QCOMPARE(panel_->model()->maskCount(), before);
        QCOMPARE(panel_->message(), engineMessage(bad.toStdString(), context_.hash, 5000));
        QVERIFY2(panel_->message().contains(QStringLiteral("corrupted")),
                 qPrintable(panel_->message()));
        // Not JSON at all.
        QFile garbage(dir.filePath(QStringLiteral("garbage.json")));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("{ this is not a mask");
        garbage.close();
        QCOMPARE(panel_->loadFile(garbage.fileName()), -1);
        QVERIFY(panel_->message().contains(QStringLiteral("garbage.json")));
    }

    void trainsOnlyOnAMaskThatFits() {
        QSignalSpy train(panel_.get(), &MaskPanel::trainRequested);
        QSignalSpy errors(panel_.get(), &MaskPanel::errorOccurred);
        const int fits = panel_->createRandom(0.4, 1);
        QTest::mouseClick(panel_->trainButton(), Qt::LeftButton);
        QCOMPARE(train.count(), 1);
        QCOMPARE(train.at(0).at(0).value<MaskPtr>()->keep(), panel_->model()->mask(fits)->keep());
        // A mask made for the whole dataset: listed greyed, refused for training.
        const int other = panel_->addMask(maskRandom(50000, 0.5, 1, "whole set"));
        QVERIFY(!panel_->model()->applies(other));
        QCOMPARE(panel_->model()->index(other, 0).data(Qt::ForegroundRole).value<QBrush>().color(),
                 QColor(Qt::gray));
        QTest::mouseClick(panel_->trainButton(), Qt::LeftButton);
        QCOMPARE(train.count(), 1);
        QCOMPARE(errors.count(), 1);
        QVERIFY(panel_->message().contains(QStringLiteral("made for other examples")));
    }
};

QTEST_MAIN(TestMaskPanel)
#include "test_mask_panel.moc"
