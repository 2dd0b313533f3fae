// Export and import: a JSON export imported into another history and exported again gives the
// same document (every field, epoch, step point and artifact); importing twice adds nothing; a
// copied running run arrives interrupted; CSV quotes what needs quoting.

#include <airbench/history.h>
#include <airbench/history_export.h>

#include "history_test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace airbench;
using namespace airbench::history;
using airbench::history::test::sampleRecord;
using airbench::history::test::writeRun;

namespace {

// The export without what legitimately differs between two databases: row ids and the
// export's own timestamp.
QJsonObject comparable(const std::string& exported) {
    QJsonObject doc = QJsonDocument::fromJson(QByteArray::fromStdString(exported)).object();
    doc.remove("exported_at");
    QJsonArray runs;
    for (const QJsonValue& v : doc["runs"].toArray()) {
        QJsonObject run = v.toObject();
        run.remove("id");
        runs.append(run);
    }
    doc["runs"] = runs;
    return doc;
}

// Splits one CSV record (RFC 4180) into fields.
QStringList parseCsvRecord(const QString& text, int& at) {
    QStringList fields;
    QString field;
    bool quoted = false;
    for (; at < text.size(); ++at) {
        const QChar c = text[at];
        if (quoted) {
            if (c == '"' && at + 1 < text.size() && text[at + 1] == '"') {
                field += '"';
                ++at;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields << field;
            field.clear();
        } else if (c == '\n') {
            ++at;
            break;
        } else {
            field += c;
        }
    }
    fields << field;
    return fields;
}

}  // namespace

class TestHistoryExport : public QObject {
    Q_OBJECT

private:
    // Three runs with everything a run can hold: downsampled steps, NaNs, a failure, artifacts,
    // tags, notes with separators in them, engine messages, a mask.
    std::vector<int64_t> fill(Database& db, const QTemporaryDir& dir) {
        RunRecord masked = sampleRecord(1);
        masked.maskName = "hardest-50%";
        masked.maskHash = "deadbeef";
        const int64_t a = writeRun(db, masked, 4, 700, 0.93);  // 2800 steps: buckets of 2
        const int64_t b = writeRun(db, sampleRecord(2), 2, 10, 0.91);
        RunRecorder failing(db, sampleRecord(3));
        failing.onStart(test::planOf(3, 10));
        failing.onNote("whitening from 5,000 images");
        int64_t step = 0;
        test::feedEpoch(failing, 0, 10, step);
        failing.fail("Training diverged: the loss became NaN at step 12");
        db.addTags(a, {"baseline", "masked"});
        db.setNotes(b, "says \"hello\", then\na new line");
        db.addArtifact(a, "checkpoint", dir.filePath("a.model").toStdString());
        db.addArtifact(a, "scores", dir.filePath("a scores.csv").toStdString());
        return {a, b, failing.runId()};
    }

private Q_SLOTS:
    void jsonRoundTrip() {
        QTemporaryDir dir;
        Database source(dir.filePath("a.sqlite").toStdString());
        const std::vector<int64_t> ids = fill(source, dir);
        const std::string exported = exportRunsJson(source);

        Database target(dir.filePath("b.sqlite").toStdString());
        const ImportResult imported = importRunsJson(target, exported);
        QCOMPARE(imported.imported.size(), size_t(3));
        QCOMPARE(imported.skipped, 0);
        const std::string again = exportRunsJson(target);
        const QJsonObject before = comparable(exported), after = comparable(again);
        QCOMPARE(before["runs"].toArray().size(), 3);
        QVERIFY2(before == after, again.c_str());

        // Spot checks that the document holds what it claims.
        const QJsonObject first = before["runs"].toArray()[0].toObject();
        QCOMPARE(first["mask"].toObject()["name"].toString(), QString("hardest-50%"));
        QCOMPARE(first["config"].toObject()["lr"].toDouble(), 11.5);
        QCOMPARE(first["epochs"].toArray().size(), 4);
        QCOMPARE(first["epochs"].toArray()[0].toObject()["epoch"].toInt(), 1);
        QCOMPARE(first["step_losses"].toObject()["count"].toArray()[0].toInt(), 2);
        QCOMPARE(first["step_losses"].toObject()["step"].toArray().size(), 1400);
        QCOMPARE(first["artifacts"].toArray().size(), 2);
        const QJsonObject third = before["runs"].toArray()[2].toObject();
        QCOMPARE(third["status"].toString(), QString("failed"));
        QVERIFY(third["tta_val_acc"].isNull());
        QCOMPARE(third["messages"].toArray()[0].toString(), QString("whitening from 5,000 images"));

        // Through the API too: the imported runs equal the originals field by field.
        const RunDetails original = source.details(ids[0]);
        const RunDetails copy = target.details(imported.imported[0]);
        QCOMPARE(copy.record.uid, original.record.uid);
        QCOMPARE(copy.record.configKey, original.record.configKey);
        QCOMPARE(copy.steps.size(), original.steps.size());
        for (size_t i = 0; i < copy.steps.size(); ++i) {
            QCOMPARE(copy.steps[i].loss, original.steps[i].loss);
            QCOMPARE(copy.steps[i].count, original.steps[i].count);
        }

        // Importing the same runs again adds nothing.
        const ImportResult twice = importRunsJson(target, exported);
        QVERIFY(twice.imported.empty());
        QCOMPARE(twice.skipped, 3);
        QCOMPARE(target.countRuns(), int64_t(3));
    }

    void selectedRunsOnlyAndRunningBecomesInterrupted() {
        QTemporaryDir dir;
        Database source(dir.filePath("a.sqlite").toStdString());
        const std::vector<int64_t> ids = fill(source, dir);
        const int64_t running = source.beginRun(sampleRecord(7));
        const std::string exported = exportRunsJson(source, {ids[1], running});
        QCOMPARE(comparable(exported)["runs"].toArray().size(), 2);

        Database target(dir.filePath("b.sqlite").toStdString());
        const ImportResult imported = importRunsJson(target, exported);
        QCOMPARE(imported.imported.size(), size_t(2));
        QCOMPARE(target.run(imported.imported[0])->notes,
                 std::string("says \"hello\", then\na new line"));
        QCOMPARE(target.run(imported.imported[1])->status, RunStatus::Interrupted);
        QVERIFY_EXCEPTION_THROWN(exportRunsJson(source, {999}), HistoryError);
    }

    void rejectsOtherFiles() {
        QTemporaryDir dir;
        Database db(dir.filePath("a.sqlite").toStdString());
        QVERIFY_EXCEPTION_THROWN(importRunsJson(db, "not json"), HistoryError);
        QVERIFY_EXCEPTION_THROWN(importRunsJson(db, "{\"format\": \"airbench-mask\"}"),
                                 HistoryError);
        QVERIFY_EXCEPTION_THROWN(
            importRunsJson(db, "{\"format\": \"airbench-runs\", \"version\": 9, \"runs\": []}"),
            HistoryError);
        QVERIFY_EXCEPTION_THROWN(
            importRunsJson(db,
                           "{\"format\": \"airbench-runs\", \"version\": 1, \"runs\": "
                           "[{\"recipe\": \"airbench94\"}]}"),
            HistoryError);  // no config
        QCOMPARE(db.countRuns(), int64_t(0));
    }

    void csvQuotesWhatNeedsQuoting() {
        QTemporaryDir dir;
        Database db(dir.filePath("a.sqlite").toStdString());
        const std::vector<int64_t> ids = fill(db, dir);
        const QString csv = QString::fromStdString(exportRunsCsv(db));
        int at = 0;
        const QStringList header = parseCsvRecord(csv, at);
        QCOMPARE(header.first(), QString("id"));
        std::vector<QStringList> rows;
        while (at < csv.size()) {
            rows.push_back(parseCsvRecord(csv, at));
            QCOMPARE(rows.back().size(), header.size());
        }
        QCOMPARE(rows.size(), size_t(3));
        const auto column = [&](const char* name) { return header.indexOf(name); };
        QCOMPARE(rows[0][column("tags")], QString("baseline;masked"));
        QCOMPARE(rows[0][column("tta_val_acc")], QString("0.93"));
        QCOMPARE(rows[1][column("notes")], QString("says \"hello\", then\na new line"));
        QCOMPARE(rows[2][column("status")], QString("failed"));
        QVERIFY(rows[2][column("tta_val_acc")].isEmpty());
        QVERIFY(QJsonDocument::fromJson(rows[0][column("config_json")].toUtf8()).isObject());

        const QString epochs = QString::fromStdString(exportEpochsCsv(db, {ids[0], ids[1]}));
        QCOMPARE(epochs.count('\n'), 1 + 4 + 2);
        QVERIFY(
            epochs.startsWith("run_id,epoch,steps,train_loss,train_acc,val_acc,time_seconds\n"));
        QVERIFY(epochs.contains(QString("\n%1,1,700,").arg(ids[0])));
    }
};

QTEST_GUILESS_MAIN(TestHistoryExport)
#include "test_history_export.moc"
