// Working with recorded runs: tags and notes, filtering and paging, grouping by configuration
// (seed and run count left out) with airbench::summarize's statistics, artifacts, and deletion
// that takes the run's rows and files along but never a file another run still lists.

#include <airbench/history.h>
#include <airbench/stats.h>

#include "history_test_support.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <cmath>

using namespace airbench;
using namespace airbench::history;
using airbench::history::test::sampleRecord;
using airbench::history::test::writeRun;

namespace {

int64_t countRows(const std::string& path, const std::string& table) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &q, nullptr);
    sqlite3_step(q);
    const int64_t n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

bool touch(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write("x") == 1;
}

}  // namespace

class TestHistoryEdit : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tagsAndNotes() {
        QTemporaryDir dir;
        Database db(dir.filePath("h.sqlite").toStdString());
        const int64_t a = writeRun(db, sampleRecord(0), 1, 3, 0.9);
        const int64_t b = writeRun(db, sampleRecord(1), 1, 3, 0.9);
        db.addTags(a, {"baseline", "lr", "baseline"});
        db.addTags(a, {" whitening "});
        db.addTags(b, {"lr-sweep"});
        QCOMPARE(db.run(a)->tags, (std::vector<std::string>{"baseline", "lr", "whitening"}));
        db.removeTags(a, {"lr", "absent"});
        QCOMPARE(db.run(a)->tags, (std::vector<std::string>{"baseline", "whitening"}));
        db.setTags(b, {});
        QVERIFY(db.run(b)->tags.empty());
        QVERIFY_EXCEPTION_THROWN(db.addTags(a, {"a,b"}), HistoryError);
        QVERIFY_EXCEPTION_THROWN(db.addTags(a, {"  "}), HistoryError);
        QVERIFY_EXCEPTION_THROWN(db.addTags(999, {"x"}), HistoryError);

        db.setNotes(a, "lr 11.5, \"good\" run\nsecond line");
        QCOMPARE(db.run(a)->notes, std::string("lr 11.5, \"good\" run\nsecond line"));
        QVERIFY_EXCEPTION_THROWN(db.setNotes(999, "x"), HistoryError);
    }

    void filtersAndPaging() {
        QTemporaryDir dir;
        Database db(dir.filePath("h.sqlite").toStdString());
        std::vector<int64_t> ids;
        for (int i = 0; i < 6; ++i) {
            ids.push_back(
                writeRun(db, sampleRecord(uint64_t(i), 11.5, i < 4 ? "airbench94" : "airbench95"),
                         1, 3, 0.9));
        }
        db.endRun(ids[5], RunStatus::Failed, "diverged: 100% NaN");
        db.addTags(ids[0], {"a"});
        db.addTags(ids[1], {"ab"});
        db.setNotes(ids[2], "the_best run");

        RunFilter f;
        QCOMPARE(db.runs(f).size(), size_t(6));
        QCOMPARE(db.runs(f).front().id, ids[5]);  // newest first
        f.recipe = "airbench95";
        QCOMPARE(db.countRuns(f), int64_t(2));
        f = {};
        f.status = RunStatus::Failed;
        QCOMPARE(db.runs(f).size(), size_t(1));
        f = {};
        f.tag = "a";  // whole tags only: "ab" does not match
        QCOMPARE(db.runs(f).size(), size_t(1));
        QCOMPARE(db.runs(f)[0].id, ids[0]);
        f = {};
        f.text = "100%";  // LIKE wildcards are matched literally
        QCOMPARE(db.runs(f).size(), size_t(1));
        f.text = "THE_BEST";  // case-insensitive
        QCOMPARE(db.runs(f).size(), size_t(1));
        f.text = "the-best";
        QCOMPARE(db.runs(f).size(), size_t(0));
        f = {};
        f.ids = {ids[1], ids[3]};
        QCOMPARE(db.runs(f).size(), size_t(2));
        f = {};
        f.limit = 2;
        f.offset = 1;
        const auto page = db.runs(f);
        QCOMPARE(page.size(), size_t(2));
        QCOMPARE(page[0].id, ids[4]);
        QCOMPARE(page[1].id, ids[3]);
        f = {};
        f.withConfig = false;
        QVERIFY(db.runs(f)[0].configJson.empty());
        QVERIFY(!db.runs(f)[0].configKey.empty());
        f = {};
        f.startedAfter = "2000";
        f.startedBefore = "2999";
        QCOMPARE(db.countRuns(f), int64_t(6));
        f.startedAfter = "2999";
        QCOMPARE(db.countRuns(f), int64_t(0));
    }

    void groupsShareAllButTheSeed() {
        QTemporaryDir dir;
        Database db(dir.filePath("h.sqlite").toStdString());
        const std::vector<double> lowLr = {0.930, 0.935, 0.941, 0.938};
        const std::vector<double> highLr = {0.90, 0.91};
        std::vector<int64_t> lowIds;
        for (size_t i = 0; i < lowLr.size(); ++i) {
            RunRecord r = sampleRecord(uint64_t(i), 10.0);
            if (i == 3) {
                // A later command with another --runs count: same configuration.
                r.configJson =
                    "{\"dataset\":{\"hash\":\"abc123\",\"name\":\"CIFAR-10\"},"
                    "\"epochs\":3,\"lr\":10.000000,\"recipe\":\"airbench94\","
                    "\"runs\":50,\"seed\":3}";
            }
            lowIds.push_back(writeRun(db, r, 1, 3, lowLr[i]));
        }
        for (size_t i = 0; i < highLr.size(); ++i) {
            writeRun(db, sampleRecord(uint64_t(i), 20.0), 1, 3, highLr[i]);
        }
        // A failed run counts in its group but not in its statistics.
        RunRecorder failed(db, sampleRecord(9, 10.0));
        failed.fail("out of memory");
        lowIds.push_back(failed.runId());

        const std::vector<RunGroup> groups = db.groups();
        QCOMPARE(groups.size(), size_t(2));
        const RunGroup& low = groups[0].runIds.size() == 5 ? groups[0] : groups[1];
        const RunGroup& high = &low == &groups[0] ? groups[1] : groups[0];
        QCOMPARE(low.runIds, lowIds);  // oldest first
        QCOMPARE(low.finished, 4);
        const Summary expected = summarize(lowLr);
        QCOMPARE(low.ttaAccuracy.count, 4);
        QCOMPARE(low.ttaAccuracy.mean, expected.mean);
        QCOMPARE(low.ttaAccuracy.stddev, expected.stddev);
        QCOMPARE(low.ttaAccuracy.ci95, expected.ci95);
        QVERIFY(low.ttaAccuracy.ci95 > 0);
        QCOMPARE(high.runIds.size(), size_t(2));
        QCOMPARE(high.ttaAccuracy.mean, summarize(highLr).mean);
        QCOMPARE(low.recipe, std::string("airbench94"));
        QVERIFY(low.configKey.find("\"seed\"") == std::string::npos);
        QVERIFY(low.configKey.find("\"lr\":10.0") != std::string::npos);
        // Most recently active group first: the failed run made `low` the latest.
        QCOMPARE(groups[0].runIds.size(), size_t(5));

        // Filters apply before grouping; a group's key selects its runs.
        RunFilter f;
        f.configKey = high.configKey;
        QCOMPARE(db.countRuns(f), int64_t(2));
        f = {};
        f.status = RunStatus::Finished;
        QCOMPARE(db.groups(f)[0].runIds.size() + db.groups(f)[1].runIds.size(), size_t(6));
    }

    void deleteTakesRowsAndUnsharedFiles() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("h.sqlite").toStdString();
        Database db(path);
        const int64_t a = writeRun(db, sampleRecord(0), 3, 10, 0.9);
        const int64_t b = writeRun(db, sampleRecord(1), 3, 10, 0.9);
        const QString model = dir.filePath("a.model"), scores = dir.filePath("a.csv"),
                      shared = dir.filePath("shared.mask"), gone = dir.filePath("gone.model");
        QVERIFY(touch(model));
        QVERIFY(touch(scores));
        QVERIFY(touch(shared));
        db.addArtifact(a, "checkpoint", model.toStdString());
        db.addArtifact(a, "scores", scores.toStdString());
        db.addArtifact(a, "mask", shared.toStdString());
        db.addArtifact(b, "mask", shared.toStdString());
        db.addArtifact(a, "checkpoint", gone.toStdString());
        QVERIFY_EXCEPTION_THROWN(db.addArtifact(a, "weights", model.toStdString()), HistoryError);
        QVERIFY_EXCEPTION_THROWN(db.addArtifact(999, "checkpoint", model.toStdString()),
                                 HistoryError);
        QCOMPARE(db.artifacts(a).size(), size_t(4));
        QCOMPARE(db.artifacts(a)[0].path, model.toStdString());  // absolute already
        QVERIFY_EXCEPTION_THROWN(db.deleteRuns({a, 999}), HistoryError);
        QVERIFY(db.run(a));  // nothing deleted

        const Database::DeleteResult r = db.deleteRuns({a});
        QCOMPARE(r.runs, 1);
        QCOMPARE(r.filesRemoved.size(), size_t(2));
        QCOMPARE(r.filesShared, (std::vector<std::string>{shared.toStdString()}));
        QCOMPARE(r.filesMissing, (std::vector<std::string>{gone.toStdString()}));
        QVERIFY(r.failures.empty());
        QVERIFY(!QFile::exists(model) && !QFile::exists(scores) && QFile::exists(shared));
        QVERIFY(!db.run(a));
        QVERIFY(db.epochs(a).empty() && db.steps(a).empty() && db.artifacts(a).empty());
        QCOMPARE(countRows(path, "epochs"), int64_t(3));  // b's only
        QCOMPARE(countRows(path, "loss_chunks"), int64_t(3));

        const Database::DeleteResult last = db.deleteRuns({b}, /*removeFiles=*/false);
        QCOMPARE(last.runs, 1);
        QVERIFY(QFile::exists(shared));
        QCOMPARE(countRows(path, "runs"), int64_t(0));
        QCOMPARE(countRows(path, "artifacts"), int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestHistoryEdit)
#include "test_history_edit.moc"
