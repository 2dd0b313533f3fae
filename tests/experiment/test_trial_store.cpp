// The experiment directory: whole files only, claims that one process holds at a time and that
// a dead owner loses, failures counted against the retries.

#include <airbench/experiment_status.h>
#include <airbench/trial_store.h>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/wait.h>
#include <unistd.h>

using namespace airbench;

namespace {

TrialClaim me() {
    return {hostName(), static_cast<int64_t>(getpid()), "", "now"};
}

}  // namespace

class TestTrialStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aManifestRoundTrips() {
        QTemporaryDir dir;
        const Experiment e =
            parseExperiment("[sweep]\nepochs = [1, 2]\n[seeds]\ncount = 2\n", "/exp/e.toml");
        const auto trials = expandTrials(e, "hash", 100);
        TrialStore store(dir.path().toStdString());
        QVERIFY(!store.hasManifest());
        QVERIFY_THROWS_EXCEPTION(Error, store.manifest());
        store.writeManifest(e, trials, "hash");
        const Manifest m = store.manifest();
        QCOMPARE(m.name, std::string("e"));
        QCOMPARE(m.datasetHash, std::string("hash"));
        QCOMPARE(m.trials.size(), size_t(4));
        QCOMPARE(m.trials[3].id, trials[3].id);
        QCOMPARE(m.trials[3].pointText, std::string("epochs=2"));
        QVERIFY(m.trials[3].swept == (KnobValues{{"epochs", 2}}));
        QCOMPARE(m.trials[3].maskName, std::string());
        const RunConfig back = runConfigFromJson(m.trials[3].configJson);
        QCOMPARE(back.run.seed, uint64_t(1));
        QCOMPARE(back.overrides.at("epochs"), 2.0);
        // No temporary file is left beside what was written.
        QCOMPARE(QDir(dir.path()).entryList({"*.tmp.*"}, QDir::Files).size(), 0);
    }

    void oneClaimAtATimeAndADeadOwnerLosesIt() {
        QTemporaryDir dir;
        TrialStore store(dir.path().toStdString());
        QVERIFY(store.claim("t1", me()));
        QVERIFY(store.claim("t1", me()));  // its own claim again (a requeued Slurm element)
        TrialClaim other = me();
        other.pid = 1;  // init: alive, and not this process
        QVERIFY(!store.claim("t1", other));
        QCOMPARE(store.state("t1", 2), TrialState::Running);
        store.release("t1");
        QCOMPARE(store.state("t1", 2), TrialState::Queued);

        // A claim whose process is gone is taken over.
        const pid_t child = fork();
        if (child == 0) {
            TrialStore(dir.path().toStdString()).claim("t2", me());
            _exit(0);
        }
        int status = 0;
        waitpid(child, &status, 0);
        QCOMPARE(store.claimOf("t2")->pid, int64_t(child));
        QCOMPARE(store.state("t2", 2), TrialState::Queued);  // nobody runs it
        QVERIFY(store.claim("t2", me()));
        QCOMPARE(store.claimOf("t2")->pid, int64_t(getpid()));
    }

    // What run, submit and resubmit start: the queued trials; resubmit also the failed ones,
    // with their failures forgotten. Never a running or finished one.
    void pendingTrialsAreQueuedOrRetriedFailures() {
        QTemporaryDir dir;
        const Experiment e = parseExperiment("[sweep]\nepochs = [1, 2, 3, 4, 5]\n", "/exp/e.toml");
        TrialStore store(dir.path().toStdString());
        store.writeManifest(e, expandTrials(e, "hash", 100), "hash");
        const Manifest m = store.manifest();
        store.writeResult(m.trials[0].id, "{}");  // done
        for (int attempt = 0; attempt <= e.retries; ++attempt) {
            store.recordFailure(m.trials[1].id, "broken", "log");  // failed: retries spent
        }
        store.recordFailure(m.trials[2].id, "once", "log");  // queued: a retry left
        QVERIFY(store.claim(m.trials[3].id, me()));          // running
        QCOMPARE(statusOf(store).failed, 1);

        QCOMPARE(pendingTrials(store, false), (std::vector<int64_t>{2, 4}));
        QCOMPARE(store.failedAttempts(m.trials[1].id), e.retries + 1);
        QCOMPARE(pendingTrials(store, true), (std::vector<int64_t>{1, 2, 4}));
        QCOMPARE(store.failedAttempts(m.trials[1].id), 0);
        QCOMPARE(store.failedAttempts(m.trials[2].id), 1);
        QCOMPARE(statusOf(store).failed, 0);
    }

    void resultsAndFailures() {
        QTemporaryDir dir;
        TrialStore store(dir.path().toStdString());
        QVERIFY(!store.finished("t"));
        store.recordFailure("t", "first", "log 1");
        store.recordFailure("t", "second", "log 2");
        QCOMPARE(store.failedAttempts("t"), 2);
        QCOMPARE(store.state("t", 2), TrialState::Queued);  // one retry left
        store.recordFailure("t", "third", "log 3");
        QCOMPARE(store.state("t", 2), TrialState::Failed);
        QVERIFY(store.failures("t")->find("log 3") != std::string::npos);
        QCOMPARE(store.lastError("t"), std::string("third"));
        QCOMPARE(store.lastError("never-failed"), std::string());
        store.clearFailures("t");
        QCOMPARE(store.state("t", 2), TrialState::Queued);
        store.writeResult("t", "{\"status\": \"done\"}");
        QVERIFY(store.finished("t"));
        QCOMPARE(store.state("t", 2), TrialState::Done);
        QCOMPARE(*store.result("t"), std::string("{\"status\": \"done\"}"));
    }
};

QTEST_GUILESS_MAIN(TestTrialStore)
#include "test_trial_store.moc"
