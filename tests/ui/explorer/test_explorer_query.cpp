// The explorer's data path without its panel: ExampleQuery's sort and filters on index vectors,
// the grid model over them, and the thumbnail cache. Prints (never asserts) how long sorting and
// filtering 50,000 examples take, how long the grid takes to lay out 50,000 rows, and the memory
// of 50,000 cached thumbnails (cache bytes and the process's RSS before and after).

#include "common/thumbnail_cache.h"
#include "explorer/example_grid_model.h"
#include "explorer/example_query.h"
#include "explorer/thumbnail_delegate.h"
#include "explorer_test_support.h"
#include "ui_test_support.h"

#include <QElapsedTimer>
#include <QFile>
#include <QListView>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

using namespace airbench;
using namespace airbench::ui;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// VmRSS of this process in KiB (Linux), -1 elsewhere.
qint64 residentKiB() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
    }
    return -1;
}

double medianMs(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// 50,000 examples of 10 classes with random pixels: timing needs no real data.
std::shared_ptr<Dataset> syntheticDataset(int64_t n) {
    auto d = std::make_shared<Dataset>();
    d->name = "synthetic";
    for (int c = 0; c < 10; ++c) {
        d->classNames.push_back("class" + std::to_string(c));
    }
    std::mt19937 rng(7);
    d->train.labels.resize(static_cast<size_t>(n));
    d->train.pixels.resize(static_cast<size_t>(n * kImageBytes));
    for (auto& l : d->train.labels) {
        l = rng() % 10;
    }
    for (auto& p : d->train.pixels) {
        p = static_cast<uint8_t>(rng());
    }
    d->test = d->train.head(100);
    d->hash = "synthetic";
    return d;
}

}  // namespace

class TestExplorerQuery : public QObject {
    Q_OBJECT

    std::vector<int64_t> labels_ = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
    std::vector<int16_t> predicted_ = {0, 1, 0, 0, 2, 2, 1, 1, 2, 0};
    std::vector<uint8_t> correct_ = {1, 1, 0, 1, 0, 1, 0, 1, 1, 1};
    std::vector<float> values_ = {0.5f, -1.0f, 2.0f, kNaN, 0.0f, 3.0f, -2.0f, 1.0f, 0.25f, 0.75f};

    ExampleQuery smallQuery() {
        ExampleQuery q;
        q.setColumns({10, &labels_, &predicted_, &correct_});
        q.setScoreValues(values_);
        return q;
    }

private slots:
    void initTestCase() { test::setUpGuiTests(); }

    void sortsByScoreWithNaNLast() {
        ExampleQuery q = smallQuery();
        q.setOrder(SortOrder::Ascending);
        QCOMPARE(q.rows(), (std::vector<int64_t>{6, 1, 4, 8, 0, 9, 7, 2, 5, 3}));
        q.setOrder(SortOrder::Descending);
        QCOMPARE(q.rows(), (std::vector<int64_t>{5, 2, 7, 9, 0, 8, 4, 1, 6, 3}));
        q.setOrder(SortOrder::Index);
        QCOMPARE(q.rows(), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        // Without scores, the dataset order whatever the sort.
        q.setScoreValues({});
        q.setOrder(SortOrder::Ascending);
        QCOMPARE(q.rows().size(), size_t(10));
        QCOMPARE(q.rows().front(), int64_t(0));
    }

    void filtersKeepTheSortOrder() {
        ExampleQuery q = smallQuery();
        q.setOrder(SortOrder::Ascending);
        ExampleFilter f;
        f.trueClass = 0;
        q.setFilter(f);
        QCOMPARE(q.rows(), (std::vector<int64_t>{6, 0, 9, 3}));  // class 0, ascending, NaN last
        f.correctness = ExampleFilter::Correctness::Incorrect;
        q.setFilter(f);
        QCOMPARE(q.rows(), (std::vector<int64_t>{6}));
        f = ExampleFilter{};
        f.predictedClass = 2;
        q.setFilter(f);
        QCOMPARE(q.rows(), (std::vector<int64_t>{4, 8, 5}));
        f = ExampleFilter{};
        f.correctness = ExampleFilter::Correctness::Correct;
        q.setFilter(f);
        QCOMPARE(q.rows(), (std::vector<int64_t>{1, 8, 0, 9, 7, 5, 3}));
        // A mask, and its outside.
        f = ExampleFilter{};
        f.mask = std::make_shared<const Mask>(maskFromIndices(10, {0, 2, 4, 6}));
        q.setFilter(f);
        QCOMPARE(q.rows(), (std::vector<int64_t>{6, 4, 0, 2}));
        f.outsideMask = true;
        q.setFilter(f);
        QCOMPARE(q.rows(), (std::vector<int64_t>{1, 8, 9, 7, 5, 3}));
        // A threshold on the score: NaN never passes.
        f = ExampleFilter{};
        f.threshold = ExampleFilter::Threshold::AtMost;
        f.thresholdValue = 0.25f;
        q.setFilter(f);
        QCOMPARE(q.rows(), (std::vector<int64_t>{6, 1, 4, 8}));
        f.threshold = ExampleFilter::Threshold::AtLeast;
        q.setFilter(f);
        QCOMPARE(q.rows(), (std::vector<int64_t>{8, 0, 9, 7, 2, 5}));
        // The histogram sees every filter but the threshold.
        f.trueClass = 1;
        q.setFilter(f);
        QCOMPARE(q.valuesBeforeThreshold().size(), size_t(3));
        // A region (the data map's rectangle).
        f = ExampleFilter{};
        f.region = std::make_shared<const std::vector<uint8_t>>(
            std::vector<uint8_t>{0, 1, 1, 0, 0, 0, 0, 0, 0, 1});
        q.setFilter(f);
        QCOMPARE(q.rows(), (std::vector<int64_t>{1, 9, 2}));
    }

    void gridModelMapsRowsToExamples() {
        AIRBENCH_REQUIRE_SOME_DATA();
        const DataContext context = makeDataContext(test::sharedData(), 1000, 200);
        const ScoreTable table = test::syntheticTable(context, Split::Train);
        ExampleGridModel model;
        model.setSource(context, Split::Train, table.scores);
        model.setRows({5, 3, 999});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.exampleAt(1), int64_t(3));
        QCOMPARE(model.rowOf(999), 2);
        QCOMPARE(model.rowOf(4), -1);
        const QModelIndex i = model.index(0);
        QCOMPARE(i.data(ExampleGridModel::ExampleRole).toLongLong(), 5ll);
        QCOMPARE(i.data(ExampleGridModel::LabelRole).toInt(),
                 int(context.dataset->train.labels[5]));
        QCOMPARE(i.data(ExampleGridModel::CorrectRole).toInt(), int(table.scores->correct[5]));
        const QImage image = i.data(ExampleGridModel::ImageRole).value<QImage>();
        QCOMPARE(image.size(), QSize(32, 32));
        // The red channel of pixel (x=3, y=2) is byte 2*32+3 of the R plane.
        const uint8_t* planes = context.dataset->train.image(5);
        QCOMPARE(qRed(image.pixel(3, 2)), int(planes[2 * 32 + 3]));
        QCOMPARE(qGreen(image.pixel(3, 2)), int(planes[1024 + 2 * 32 + 3]));
        QCOMPARE(qBlue(image.pixel(3, 2)), int(planes[2048 + 2 * 32 + 3]));
        QVERIFY(i.data(Qt::ToolTipRole)
                    .toString()
                    .contains(context.className(context.dataset->train.labels[5])));
        // Rendered once, then served from the cache.
        i.data(ExampleGridModel::ImageRole);
        QCOMPARE(model.cache().misses(), int64_t(1));
        QCOMPARE(model.cache().hits(), int64_t(1));
    }

    void thumbnailCacheEvictsTheLeastRecentlyUsed() {
        const auto data = syntheticDataset(10);
        ThumbnailCache cache(3 * (3072 + 160));  // room for three
        for (int i = 0; i < 4; ++i) {
            cache.thumbnail(data->train, i, ThumbnailCache::keyOf(0, i));
        }
        QCOMPARE(cache.count(), int64_t(3));
        QVERIFY(cache.bytes() <= cache.capacityBytes());
        cache.thumbnail(data->train, 1, ThumbnailCache::keyOf(0, 1));  // still there
        QCOMPARE(cache.hits(), int64_t(1));
        cache.thumbnail(data->train, 0, ThumbnailCache::keyOf(0, 0));  // evicted first
        QCOMPARE(cache.misses(), int64_t(5));
    }

    // Timings (printed, not asserted): sorting and filtering 50,000 examples.
    void sortAndFilter50000() {
        const int64_t n = 50000;
        std::vector<int64_t> labels(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
            labels[size_t(i)] = i % 10;
        }
        const ExampleScores s = test::syntheticScores(labels, 10, 3);
        ExampleQuery q;
        q.setColumns({n, &s.labels, &s.predicted, &s.correct});
        QElapsedTimer clock;
        std::vector<double> sortMs, filterMs, thresholdMs;
        const auto kinds = allScoreKinds();
        for (int k = 0; k < 7; ++k) {
            q.setScoreValues(s.values(kinds[size_t(k) % 5]));  // a new score: sort again
            q.setOrder(k % 2 ? SortOrder::Descending : SortOrder::Ascending);
            q.setFilter({});
            clock.start();
            QCOMPARE(q.rows().size(), size_t(n));
            sortMs.push_back(clock.nsecsElapsed() / 1e6);
        }
        for (int k = 0; k < 21; ++k) {
            ExampleFilter f;
            f.trueClass = k % 10;
            f.correctness = ExampleFilter::Correctness(k % 3);
            q.setFilter(f);
            clock.start();
            const size_t rows = q.rows().size();
            filterMs.push_back(clock.nsecsElapsed() / 1e6);
            QVERIFY(rows > 0 && rows < size_t(n));
        }
        // A threshold being dragged: one filter pass over the cached order per position.
        const std::vector<float> sortedValues = [&] {
            std::vector<float> v = q.scoreValues();
            std::sort(v.begin(), v.end());
            return v;
        }();
        for (int k = 0; k < 21; ++k) {
            ExampleFilter f;
            f.threshold = ExampleFilter::Threshold::AtMost;
            f.thresholdValue = sortedValues[size_t(k * (n - 1) / 20)];
            q.setFilter(f);
            clock.start();
            const size_t rows = q.rows().size();
            thresholdMs.push_back(clock.nsecsElapsed() / 1e6);
            QVERIFY(std::abs(int64_t(rows) - k * (n - 1) / 20) <= 1 + n / 1000);
        }
        qInfo(
            "50,000 examples: sort by a score %.2f ms, filter (class + correctness) %.2f ms, "
            "threshold %.2f ms (medians)",
            medianMs(sortMs), medianMs(filterMs), medianMs(thresholdMs));
    }

    // The grid with 50,000 rows: model reset and layout, a full-window paint, and the memory of
    // every thumbnail cached.
    void grid50000AndThumbnailMemory() {
        DatasetPtr data = test::sharedData();
        if (!data || data->train.size() < 50000) {
            data = syntheticDataset(50000);
        }
        const DataContext context = makeDataContext(data, 50000, -1);
        QListView view;
        ExampleGridModel model;
        ThumbnailDelegate delegate;
        view.setModel(&model);
        view.setItemDelegate(&delegate);
        view.setFlow(QListView::LeftToRight);
        view.setWrapping(true);
        view.setResizeMode(QListView::Adjust);
        view.setUniformItemSizes(true);
        view.setGridSize(delegate.cellSize());
        view.resize(800, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        model.setSource(context, Split::Train, nullptr);
        std::vector<int64_t> rows(50000);
        std::iota(rows.begin(), rows.end(), int64_t(0));
        std::vector<double> layoutMs, paintMs;
        QElapsedTimer clock;
        for (int k = 0; k < 5; ++k) {
            std::reverse(rows.begin(), rows.end());
            clock.start();
            model.setRows(rows);
            view.doItemsLayout();
            layoutMs.push_back(clock.nsecsElapsed() / 1e6);
            clock.start();
            view.scrollTo(model.index(k * 9000));
            view.viewport()->repaint();
            paintMs.push_back(clock.nsecsElapsed() / 1e6);
        }
        qInfo(
            "grid of 50,000 rows: model reset + layout %.2f ms, scroll and paint one screen "
            "(%d thumbnails visible at 64 px) %.2f ms (medians)",
            medianMs(layoutMs),
            (view.viewport()->width() / delegate.cellSize().width()) *
                (view.viewport()->height() / delegate.cellSize().height() + 1),
            medianMs(paintMs));

        // Every thumbnail cached: the cache's own accounting and the process's RSS.
        model.cache().clear();
        model.cache().setCapacityBytes(qint64(1) << 34);
        const qint64 before = residentKiB();
        clock.start();
        for (int r = 0; r < model.rowCount(); ++r) {
            model.index(r).data(ExampleGridModel::ImageRole);
        }
        const double renderMs = clock.nsecsElapsed() / 1e6;
        const qint64 after = residentKiB();
        QCOMPARE(model.cache().count(), int64_t(50000));
        qInfo(
            "50,000 thumbnails cached (32x32 RGB888): rendered in %.0f ms, cache %.1f MiB "
            "(%.0f bytes each), RSS %.1f -> %.1f MiB (+%.1f MiB); default cap %.0f MiB",
            renderMs, model.cache().bytes() / 1048576.0, double(model.cache().bytes()) / 50000.0,
            before / 1024.0, after / 1024.0, (after - before) / 1024.0,
            ThumbnailCache::kDefaultCapacityBytes / 1048576.0);
        model.cache().setCapacityBytes(ThumbnailCache::kDefaultCapacityBytes);
        QVERIFY(model.cache().bytes() <= ThumbnailCache::kDefaultCapacityBytes);
        qInfo("after shrinking to the default cap: %lld thumbnails, RSS %.1f MiB",
              static_cast<long long>(model.cache().count()), residentKiB() / 1024.0);
    }
};

QTEST_MAIN(TestExplorerQuery)
#include "test_explorer_query.moc"
