// Masks: quantile, random, class and index masks, set operations, and the file format's round
// trip and refusals.

#include <airbench/error.h>
#include <airbench/mask.h>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace airbench;

namespace {

QString loadError(const QString& path, const std::string& hash = {}, int64_t size = -1) {
    try {
        Mask::load(path.toStdString(), hash, size);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

void rewrite(const QString& path, const std::function<void(nlohmann::json&)>& edit) {
    std::ifstream in(path.toStdString());
    nlohmann::json j = nlohmann::json::parse(in);
    edit(j);
    std::ofstream(path.toStdString()) << j.dump();
}

}  // namespace

class TestMask : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void quantileKeepsTheLowestOrHighest() {
        const std::vector<float> scores = {0.5f, 0.1f, NAN,  0.9f, 0.3f,
                                           0.7f, 0.1f, 0.2f, 0.8f, 0.4f};
        const Mask low = maskFromQuantile(scores, 0.3, true);
        QCOMPARE(low.count(), int64_t(3));
        QCOMPARE(low.indices(), (std::vector<int64_t>{1, 6, 7}));  // 0.1, 0.1 (ties by index), 0.2
        const Mask high = maskFromQuantile(scores, 0.2, false);
        QCOMPARE(high.indices(), (std::vector<int64_t>{3, 8}));
        QVERIFY(!maskFromQuantile(scores, 1.0, true).contains(2));  // NaN is never selected
        QVERIFY_THROWS_EXCEPTION(Error, maskFromQuantile(scores, 1.5, true));
    }

    void randomMasksAreExactAndSeeded() {
        const Mask a = maskRandom(1000, 0.6, 7), b = maskRandom(1000, 0.6, 7),
                   c = maskRandom(1000, 0.6, 8);
        QCOMPARE(a.count(), int64_t(600));
        QVERIFY(a.keep() == b.keep());
        QVERIFY(a.keep() != c.keep());
        std::vector<int64_t> labels(1000);
        for (int i = 0; i < 1000; ++i)
            labels[i] = i % 10 < 7 ? 0 : 1 + i % 3;  // skewed classes
        const Mask skewed =
            maskFromQuantile(std::vector<float>(labels.begin(), labels.end()), 0.5, true);
        const Mask like = maskRandomLike(skewed, labels, 3);
        QVERIFY(like.classCounts(labels, 4) == skewed.classCounts(labels, 4));
        QVERIFY(like.keep() != skewed.keep());
    }

    void classAndIndexMasks() {
        const std::vector<int64_t> labels = {0, 1, 2, 1, 0, 2};
        QCOMPARE(maskFromClasses(labels, {1, 2}).indices(), (std::vector<int64_t>{1, 2, 3, 5}));
        QCOMPARE(maskFromIndices(6, {4, 0}).indices(), (std::vector<int64_t>{0, 4}));
        QVERIFY_THROWS_EXCEPTION(Error, maskFromIndices(6, {6}));
        QTemporaryDir tmp;
        const QString path = tmp.path() + "/ids.txt";
        std::ofstream(path.toStdString()) << "# hard ones\n3\n 5 \n\n0 # first\n";
        QCOMPARE(maskFromIndexFile(path.toStdString(), 6).indices(),
                 (std::vector<int64_t>{0, 3, 5}));
        std::ofstream(path.toStdString()) << "3\nseven\n";
        QString message;
        try {
            maskFromIndexFile(path.toStdString(), 6);
        } catch (const Error& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("line 2") && message.contains("seven"), qPrintable(message));
    }

    void setOperations() {
        const Mask a("a", {1, 1, 0, 0}), b("b", {1, 0, 1, 0});
        QCOMPARE(a.unite(b).keep(), (std::vector<uint8_t>{1, 1, 1, 0}));
        QCOMPARE(a.intersect(b).keep(), (std::vector<uint8_t>{1, 0, 0, 0}));
        QCOMPARE(a.subtract(b).keep(), (std::vector<uint8_t>{0, 1, 0, 0}));
        QCOMPARE(a.complement().keep(), (std::vector<uint8_t>{0, 0, 1, 1}));
        QCOMPARE(a.unite(b).name(), std::string("a | b"));
        QVERIFY_THROWS_EXCEPTION(Error, a.unite(Mask("c", {1, 0})));
        std::vector<int64_t> labels = {0, 1, 1, 2};
        QCOMPARE(a.classCounts(labels, 3), (std::vector<int64_t>{1, 1, 0}));
    }

    void fileRoundTrip() {
        QTemporaryDir tmp;
        const QString path = tmp.path() + "/m.mask.json";
        Mask m = maskRandom(50001, 0.37, 1, "my mask");  // not a multiple of 8
        m.setDatasetHash("abcd");
        m.setDescription("lowest confidence, seed 1");
        m.save(path.toStdString());
        const Mask back = Mask::load(path.toStdString(), "abcd", 50001);
        QVERIFY(back.keep() == m.keep());
        QCOMPARE(back.name(), std::string("my mask"));
        QCOMPARE(back.description(), m.description());
        QCOMPARE(back.hash(), m.hash());
        QVERIFY(!QFile::exists(path + ".partial"));
    }

    void refusesOtherDatasetsAndCorruption() {
        QTemporaryDir tmp;
        const QString path = tmp.path() + "/m.json";
        Mask m = maskRandom(100, 0.5, 2, "half");
        m.setDatasetHash("aaaa1111");
        m.save(path.toStdString());
        QString msg = loadError(path, "bbbb2222", 100);
        QVERIFY2(msg.contains("another dataset") && msg.contains("half"), qPrintable(msg));
        msg = loadError(path, "aaaa1111", 60000);
        QVERIFY2(msg.contains("another dataset") && msg.contains("60000"), qPrintable(msg));
        QVERIFY(loadError(path, "aaaa1111", 100).isEmpty());

        rewrite(path, [](nlohmann::json& j) { j["kept"] = 3; });
        msg = loadError(path);
        QVERIFY2(msg.contains("corrupted") && msg.contains("kept"), qPrintable(msg));
        m.save(path.toStdString());
        rewrite(path, [](nlohmann::json& j) {
            std::string bits = j["bits"];
            bits[0] = bits[0] == 'A' ? 'B' : 'A';
            j["bits"] = bits;
        });
        msg = loadError(path);
        QVERIFY2(msg.contains("checksum"), qPrintable(msg));
        m.save(path.toStdString());
        rewrite(path, [](nlohmann::json& j) { j["size"] = 1000; });
        QVERIFY(loadError(path).contains("corrupted"));
        m.save(path.toStdString());
        rewrite(path, [](nlohmann::json& j) { j.erase("sha256"); });
        QVERIFY(loadError(path).contains("sha256"));
        std::ofstream(path.toStdString()) << "{\"format\": \"airbench-mask\", \"vers";  // truncated
        QVERIFY(loadError(path).contains("not valid JSON"));
        QVERIFY(loadError(tmp.path() + "/missing.json").contains("cannot open"));
    }
};

QTEST_GUILESS_MAIN(TestMask)
#include "test_mask.moc"
