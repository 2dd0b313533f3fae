// The Slurm cluster the experiments' tests run against (support/slurm_cluster.h): a job array
// whose elements all run, what squeue shows of pending, running, cancelled and requeued elements,
// scancel of one element, scontrol requeue of a running element, an element warned of its time
// limit (--signal=B:USR1@N) that requeues itself, a 1000-element submission and the array size
// limit, and a stop that leaves no process behind, after which a second cluster starts.

#include "support/slurm_cluster.h"

#include <QtTest/QtTest>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

using airbench::test::SlurmCluster;
using airbench::test::SlurmCommandResult;

namespace {

// One array element as squeue shows it.
struct Element {
    QString state;   // PENDING, RUNNING, COMPLETING, COMPLETED, CANCELLED, ...
    QString reason;  // why it waits: Resources, Priority, BeginTime, JobHeldUser; else None
};

// The elements of an array job that slurmctld still holds, ended ones included (they stay
// until the next purge after MinJobAge); none once it has forgotten the job.
std::map<int, Element> elementsOf(const SlurmCluster& cluster, const QString& job) {
    const SlurmCommandResult listed = cluster.run(
        "squeue", {"--noheader", "--array", "--states=all", "--jobs=" + job, "--format=%K|%T|%r"});
    if (!listed.ok() && !listed.errors.contains("Invalid job id")) {
        qWarning("%s", qPrintable(listed.describe()));
    }
    std::map<int, Element> elements;
    for (const QString& line : listed.output.split('\n', Qt::SkipEmptyParts)) {
        const QStringList fields = line.trimmed().split('|');
        if (fields.size() == 3) {
            elements[fields[0].toInt()] = {fields[1], fields[2]};
        }
    }
    return elements;
}

bool isLive(const QString& state) {
    static const std::set<QString> ended = {"COMPLETED", "CANCELLED",     "FAILED",
                                            "TIMEOUT",   "NODE_FAIL",     "PREEMPTED",
                                            "BOOT_FAIL", "OUT_OF_MEMORY", "DEADLINE"};
    return !ended.count(state);
}

bool noneLive(const std::map<int, Element>& elements) {
    for (const auto& [index, element] : elements) {
        if (isLive(element.state)) {
            return false;
        }
    }
    return true;
}

bool hasEnded(const std::map<int, Element>& elements, int index) {
    const auto found = elements.find(index);
    return found == elements.end() || !isLive(found->second.state);
}

bool isRunning(const std::map<int, Element>& elements, int index) {
    const auto found = elements.find(index);
    return found != elements.end() && found->second.state == "RUNNING";
}

// Polls `done` every 100 ms until it holds or timeoutMs pass; a broken Slurm then fails the
// test instead of hanging the suite.
bool waitUntil(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs) {
            return false;
        }
        QThread::msleep(100);
    }
    return true;
}

// The script's path; "" when it cannot be written (sbatch then says so).
QString writeScript(const QString& folder, const QString& name, const QString& body) {
    QFile script(folder + "/" + name);
    const QByteArray bytes = body.toUtf8();
    return script.open(QIODevice::WriteOnly) && script.write(bytes) == bytes.size()
               ? script.fileName()
               : QString();
}

QStringList linesOf(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
}

QString jobIdOf(const SlurmCommandResult& parsableSubmission) {
    return parsableSubmission.output.trimmed().section(';', 0, 0);  // "id" or "id;cluster"
}

// The completion log's lines (one per run that ended) for one element.
QStringList completionsOf(const SlurmCluster& cluster, const QString& job, int index) {
    const QString element = QStringLiteral("ArrayJobId=%1 ArrayTaskId=%2 ").arg(job).arg(index);
    QStringList found;
    for (const QString& line : linesOf(cluster.jobCompletionLog())) {
        if (line.contains(element)) {
            found << line.section("JobState=", 1).section(' ', 0, 0);
        }
    }
    return found;
}

// What `pgrep -f` finds of the folder: an independent check of SlurmCluster::processesOf.
QString pgrepOf(const QString& folder) {
    QProcess pgrep;
    pgrep.start("pgrep", {"-a", "-f", folder + "/"});
    pgrep.waitForFinished(10000);
    return QString::fromLocal8Bit(pgrep.readAllStandardOutput()).trimmed();
}

}  // namespace

class TestSlurmCluster : public QObject {
    Q_OBJECT

    std::unique_ptr<SlurmCluster> cluster_;
    QElapsedTimer testClock_;

    QString work() const { return cluster_->workDirectory(); }

    // squeue's view and the daemons' logs, for failure messages.
    QString context(const QString& job) const {
        return "squeue: " + cluster_->run("squeue", {"--array", "--states=all"}).output +
               "\nscontrol show job " + job + ": " +
               cluster_->run("scontrol", {"show", "job", job}).output + "\n" +
               cluster_->logTail(15);
    }

private Q_SLOTS:
    void initTestCase() {
        cluster_ = std::make_unique<SlurmCluster>();
        AIRBENCH_REQUIRE_SLURM(*cluster_);
        qInfo("cluster up in %.2f s (%d CPUs, %s)", cluster_->startSeconds(), cluster_->cpus(),
              qPrintable(cluster_->directory()));
    }

    void init() { testClock_.start(); }
    void cleanup() { qInfo("%.1f s", testClock_.elapsed() / 1000.0); }
    void cleanupTestCase() { cluster_.reset(); }

    void everyElementOfAnArrayRuns() {
        const QString script =
            writeScript(work(), "array.sh",
                        "#!/bin/bash\n"
                        "#SBATCH --requeue\n"
                        "sleep 1\n"
                        "echo \"element $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID\" > \"" +
                            work() + "/array.$SLURM_ARRAY_TASK_ID\"\n");
        const SlurmCommandResult submitted = cluster_->run(
            "sbatch",
            {"--parsable", "--array=0-3", "--output=" + work() + "/array-%A_%a.log", script});
        QVERIFY2(submitted.ok(), qPrintable(submitted.describe()));
        const QString job = jobIdOf(submitted);

        const bool ended = waitUntil(
            [&] {
                return noneLive(elementsOf(*cluster_, job)) &&
                       QDir(work()).entryList({"array.?"}).size() == 4;
            },
            60000);
        QVERIFY2(ended, qPrintable(context(job)));
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(linesOf(QStringLiteral("%1/array.%2").arg(work()).arg(i)),
                     QStringList{QStringLiteral("element %1 of %2").arg(i).arg(job)});
            QVERIFY(
                QFileInfo::exists(QStringLiteral("%1/array-%2_%3.log").arg(work(), job).arg(i)));
            QCOMPARE(completionsOf(*cluster_, job, i), QStringList{"COMPLETED"});
        }
    }

    void squeueShowsElementsAndScancelEndsOne() {
        // --exclusive: one element at a time on any node, so the others pend.
        const QString script = writeScript(work(), "long.sh",
                                           "#!/bin/bash\n"
                                           "#SBATCH --exclusive\n"
                                           "echo started > \"" +
                                               work() +
                                               "/long.$SLURM_ARRAY_TASK_ID\"\n"
                                               "exec sleep 300\n");
        const SlurmCommandResult submitted =
            cluster_->run("sbatch", {"--parsable", "--array=0-3", "--output=/dev/null", script});
        QVERIFY2(submitted.ok(), qPrintable(submitted.describe()));
        const QString job = jobIdOf(submitted);
        QVERIFY2(waitUntil([&] { return isRunning(elementsOf(*cluster_, job), 0); }, 30000),
                 qPrintable(context(job)));

        std::map<int, Element> elements = elementsOf(*cluster_, job);
        QCOMPARE(elements.size(), size_t{4});
        QCOMPARE(elements[0].state, QString("RUNNING"));
        for (int i = 1; i < 4; ++i) {
            QCOMPARE(elements[i].state, QString("PENDING"));
            qInfo("pending element %d: reason %s", i, qPrintable(elements[i].reason));
        }

        // Cancelling the running element ends it, and the next one starts.
        SlurmCommandResult cancelled = cluster_->run("scancel", {job + "_0"});
        QVERIFY2(cancelled.ok(), qPrintable(cancelled.describe()));
        QVERIFY2(waitUntil(
                     [&] {
                         elements = elementsOf(*cluster_, job);
                         return hasEnded(elements, 0) && isRunning(elements, 1);
                     },
                     30000),
                 qPrintable(context(job)));
        if (elements.count(0)) {
            QCOMPARE(elements[0].state, QString("CANCELLED"));
        }
        QCOMPARE(completionsOf(*cluster_, job, 0), QStringList{"CANCELLED"});

        // A pending element cancelled never runs; it leaves squeue at once.
        cancelled = cluster_->run("scancel", {job + "_3"});
        QVERIFY2(cancelled.ok(), qPrintable(cancelled.describe()));
        QVERIFY2(waitUntil(
                     [&] {
                         elements = elementsOf(*cluster_, job);
                         return hasEnded(elements, 3);
                     },
                     10000),
                 qPrintable(context(job)));
        QCOMPARE(elements[2].state, QString("PENDING"));

        cancelled = cluster_->run("scancel", {job});
        QVERIFY2(cancelled.ok(), qPrintable(cancelled.describe()));
        QVERIFY2(waitUntil([&] { return noneLive(elementsOf(*cluster_, job)); }, 30000),
                 qPrintable(context(job)));
        QCOMPARE(QDir(work()).entryList({"long.?"}), (QStringList{"long.0", "long.1"}));
    }

    void scontrolRequeueRunsARunningElementAgain() {
        // Element 0 runs until requeued, then once more; element 1 runs once and ends.
        const QString script = writeScript(
            work(), "requeue.sh",
            "#!/bin/bash\n"
            "#SBATCH --requeue\n"
            "starts=\"" +
                work() +
                "/starts.$SLURM_ARRAY_TASK_ID\"\n"
                "echo \"start restart=${SLURM_RESTART_COUNT:-0}\" >> \"$starts\"\n"
                "if [ \"$SLURM_ARRAY_TASK_ID\" != 0 ] || [ \"$(wc -l < \"$starts\")\" -ge 2 ]; "
                "then exit 0; fi\n"
                "exec sleep 300\n");
        const SlurmCommandResult submitted =
            cluster_->run("sbatch", {"--parsable", "--array=0-1", "--output=/dev/null", script});
        QVERIFY2(submitted.ok(), qPrintable(submitted.describe()));
        const QString job = jobIdOf(submitted);
        const QString starts0 = work() + "/starts.0";
        QVERIFY2(waitUntil(
                     [&] {
                         return isRunning(elementsOf(*cluster_, job), 0) &&
                                linesOf(starts0).size() == 1;
                     },
                     30000),
                 qPrintable(context(job)));

        const SlurmCommandResult requeued = cluster_->run("scontrol", {"requeue", job + "_0"});
        QVERIFY2(requeued.ok(), qPrintable(requeued.describe()));
        // What squeue shows of the element between its two runs.
        QStringList seen;
        QVERIFY2(waitUntil(
                     [&] {
                         const std::map<int, Element> elements = elementsOf(*cluster_, job);
                         const auto found = elements.find(0);
                         if (found != elements.end()) {
                             const QString shown = found->second.state + "/" + found->second.reason;
                             if (seen.isEmpty() || seen.last() != shown) {
                                 seen << shown;
                             }
                         }
                         return linesOf(starts0).size() == 2 && hasEnded(elements, 0);
                     },
                     60000),
                 qPrintable(seen.join(", ") + "\n" + context(job)));
        qInfo("element 0 after scontrol requeue: %s", qPrintable(seen.join(" -> ")));
        QVERIFY2(seen.contains("PENDING/BeginTime"), qPrintable(seen.join(", ")));
        QCOMPARE(linesOf(starts0), (QStringList{"start restart=0", "start restart=1"}));
        QCOMPARE(linesOf(work() + "/starts.1"), QStringList{"start restart=0"});
        // The requeued run is logged as it ended: pending again.
        QCOMPARE(completionsOf(*cluster_, job, 0), (QStringList{"PENDING", "COMPLETED"}));
    }

    void aTimeLimitWarningLetsAnElementRequeueItself() {
        // --time is in minutes (0:30 rounds up to 1). slurmctld checks time limits and sends the
        // warning every 30 s, up to 30 s before it is due: with USR1 due 20 s before the end, it
        // comes 10 to 40 s after the start, never before the trap is set. bash runs a trap only
        // between commands, hence `wait` on a background sleep rather than a foreground one. The
        // requeue ends the batch shell at once: the handler may not get past `scontrol requeue`,
        // so it writes first and only a failure after.
        const QString log = work() + "/signal.$SLURM_ARRAY_TASK_ID";
        const QString script = writeScript(
            work(), "signal.sh",
            "#!/bin/bash\n"
            "#SBATCH --requeue\n"
            "#SBATCH --time=1\n"
            "#SBATCH --signal=B:USR1@20\n"
            "log=\"" +
                log +
                "\"\n"
                "requeueSelf() {\n"
                "    echo \"USR1 after $SECONDS s\" >> \"$log\"\n"
                "    scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\" >> "
                "\"$log\" 2>&1 ||\n"
                "        echo \"requeue failed: $?\" >> \"$log\"\n"
                "}\n"
                "trap requeueSelf USR1\n"
                "echo \"start restart=${SLURM_RESTART_COUNT:-0}\" >> \"$log\"\n"
                "if [ \"${SLURM_RESTART_COUNT:-0}\" -ge 1 ]; then exit 0; fi\n"
                "sleep 300 &\n"
                "wait $!\n"
                "wait\n");
        const SlurmCommandResult submitted =
            cluster_->run("sbatch", {"--parsable", "--array=7", "--output=/dev/null", script});
        QVERIFY2(submitted.ok(), qPrintable(submitted.describe()));
        const QString job = jobIdOf(submitted);
        const QString path = work() + "/signal.7";
        const QStringList expected = {"start restart=0", "USR1", "start restart=1"};
        QVERIFY2(waitUntil(
                     [&] {
                         const QStringList lines = linesOf(path);
                         return lines.size() > expected.size() ||
                                (lines.size() == expected.size() &&
                                 noneLive(elementsOf(*cluster_, job)));
                     },
                     120000),
                 qPrintable(linesOf(path).join('\n') + "\n" + context(job)));
        const QStringList lines = linesOf(path);
        QCOMPARE(lines.size(), expected.size());
        QCOMPARE(lines[0], expected[0]);
        QVERIFY2(lines[1].startsWith("USR1 after "), qPrintable(lines.join('\n')));
        QCOMPARE(lines[2], expected[2]);
        qInfo("%s (time limit 60 s)", qPrintable(lines[1]));
        QCOMPARE(completionsOf(*cluster_, job, 7), (QStringList{"PENDING", "COMPLETED"}));
    }

    void aThousandElementArrayIsOneSubmission() {
        QElapsedTimer clock;
        clock.start();
        const SlurmCommandResult submitted = cluster_->run(
            "sbatch",
            {"--parsable", "--array=0-999", "--hold", "--output=/dev/null", "--wrap=true"});
        const qint64 ms = clock.elapsed();
        QVERIFY2(submitted.ok(), qPrintable(submitted.describe()));
        qInfo("sbatch of 1000 elements: %lld ms", ms);
        const QString job = jobIdOf(submitted);
        const std::map<int, Element> elements = elementsOf(*cluster_, job);
        QCOMPARE(elements.size(), size_t{1000});
        QCOMPARE(elements.begin()->first, 0);
        QCOMPARE(elements.rbegin()->first, 999);
        for (const auto& [index, element] : elements) {
            QCOMPARE(element.state, QString("PENDING"));
        }
        const SlurmCommandResult cancelled = cluster_->run("scancel", {job});
        QVERIFY2(cancelled.ok(), qPrintable(cancelled.describe()));
        QVERIFY2(waitUntil([&] { return noneLive(elementsOf(*cluster_, job)); }, 30000),
                 qPrintable(context(job)));

        // MaxArraySize=1001 (Slurm's default): indices up to 1000, so more trials take more
        // arrays.
        const SlurmCommandResult tooLarge = cluster_->run(
            "sbatch",
            {"--parsable", "--array=0-1001", "--hold", "--output=/dev/null", "--wrap=true"});
        QVERIFY2(!tooLarge.ok(), qPrintable(tooLarge.describe()));
        QVERIFY2(tooLarge.errors.contains("array"), qPrintable(tooLarge.describe()));
    }

    void stoppingLeavesNothingAndASecondClusterStarts() {
        const QString first = cluster_->directory();
        QVERIFY(!SlurmCluster::processesOf(first).empty());  // its daemons
        cluster_.reset();
        QVERIFY(SlurmCluster::processesOf(first).empty());
        QCOMPARE(pgrepOf(first), QString());
        QVERIFY(!QFileInfo::exists(first));

        // A second cluster, left while a job runs, by an exception as a failing test may.
        QString second;
        try {
            SlurmCluster cluster;
            AIRBENCH_REQUIRE_SLURM(cluster);
            second = cluster.directory();
            qInfo("second cluster up in %.2f s", cluster.startSeconds());
            const QString script = writeScript(cluster.workDirectory(), "running.sh",
                                               "#!/bin/bash\n"
                                               "sleep 300 &\n"
                                               "echo started > \"" +
                                                   cluster.workDirectory() +
                                                   "/running\"\n"
                                                   "wait\n");
            const SlurmCommandResult submitted =
                cluster.run("sbatch", {"--parsable", "--array=0", "--output=/dev/null", script});
            QVERIFY2(submitted.ok(), qPrintable(submitted.describe()));
            const QString job = jobIdOf(submitted);
            QVERIFY2(waitUntil(
                         [&] {
                             return isRunning(elementsOf(cluster, job), 0) &&
                                    QFileInfo::exists(cluster.workDirectory() + "/running");
                         },
                         30000),
                     qPrintable(cluster.logTail(15)));
            // munged, slurmctld, slurmd, slurmstepd, the batch shell and its sleep
            QVERIFY(SlurmCluster::processesOf(second).size() >= 6);
            throw std::runtime_error("leaving the scope as a failing test does");
        } catch (const std::runtime_error&) {
        }
        QVERIFY(!second.isEmpty());
        QVERIFY(SlurmCluster::processesOf(second).empty());
        QCOMPARE(pgrepOf(second), QString());
        QVERIFY(!QFileInfo::exists(second));
    }
};

QTEST_GUILESS_MAIN(TestSlurmCluster)
#include "test_slurm_cluster.moc"
