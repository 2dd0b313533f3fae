// The local executor's choices that need no training: how many workers with which devices and
// threads, and how the workers of an experiment another process runs are asked to stop.

#include <airbench/device.h>
#include <airbench/local_executor.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace airbench;

class TestLocalExecutor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void workersForTheExperimentsDevice() {
        Experiment e = parseExperiment("[run]\ndevice = \"cpu\"\nthreads = 3\n", "/exp/e.toml");
        LocalRunOptions o = localRunOptions(e.run, 0, 0);
        QCOMPARE(o.workers, 1);
        QCOMPARE(o.oneGpuPerWorker, false);
        QCOMPARE(o.threadsPerWorker, 3);  // the file's
        o = localRunOptions(e.run, 4, 2);
        QCOMPARE(o.workers, 4);
        QCOMPARE(o.threadsPerWorker, 2);  // the caller's win

        e.run.device = DeviceRequest::Auto;
        o = localRunOptions(e.run, 0, 0);
        if (cudaDeviceCount() == 0) {
            QCOMPARE(o.workers, 1);
            QCOMPARE(o.oneGpuPerWorker, false);
        } else {
            QCOMPARE(o.workers, cudaDeviceCount());
            QCOMPARE(o.oneGpuPerWorker, true);
            QVERIFY_THROWS_EXCEPTION(Error, localRunOptions(e.run, cudaDeviceCount() + 1, 0));
        }
    }

    // A worker of this machine holding a trial gets SIGINT; a Slurm element's claim is Slurm's.
    void stopLocalWorkersSignalsTheClaimHolders() {
        QTemporaryDir dir;
        const Experiment e = parseExperiment("[sweep]\nepochs = [1, 2]\n", "/exp/e.toml");
        TrialStore store(dir.path().toStdString());
        store.writeManifest(e, expandTrials(e, "hash", 100), "hash");
        const Manifest m = store.manifest();
        const pid_t worker = fork();
        if (worker == 0) {
            pause();  // until a signal ends it
            _exit(0);
        }
        QVERIFY(store.claim(m.trials[0].id, {hostName(), worker, "", "now"}));
        QVERIFY(store.claim(m.trials[1].id, {hostName(), 1, "77_0", "now"}));
        QCOMPARE(stopLocalWorkers(store), std::vector<int64_t>{worker});
        int status = 0;
        QCOMPARE(waitpid(worker, &status, 0), worker);
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGINT);
    }
};

QTEST_GUILESS_MAIN(TestLocalExecutor)
#include "test_local_executor.moc"
