// slurm-local: runs a command inside a throwaway single-node Slurm cluster (the test suite's
// SlurmCluster), then stops the cluster and everything it ran. For trying `airbench experiment
// submit --slurm` by hand and for bench/experiment-figures, on a machine without a cluster.
//
//   build/tests/slurm-local -- COMMAND [ARG...]
//
// COMMAND runs with SLURM_CONF and PATH pointing at the cluster (its partition is "airbench").
// Exit status: COMMAND's; 3 when the cluster cannot start (the reason on stderr: it needs root
// and Debian's munge, slurmctld, slurmd and slurm-client); 2 bad usage.

#include "support/slurm_cluster.h"

#include <QCoreApplication>
#include <QProcess>

#include <cstdio>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.first() != QStringLiteral("--") || args.size() < 2) {
        std::fprintf(stderr, "usage: slurm-local -- COMMAND [ARG...]\n");
        return 2;
    }
    args.removeFirst();
    airbench::test::SlurmCluster cluster;
    if (!cluster.available()) {
        std::fprintf(stderr, "slurm-local: no cluster: %s\n",
                     qPrintable(cluster.unavailableReason()));
        return 3;
    }
    std::fprintf(stderr,
                 "slurm-local: cluster up in %.1f s (%d CPUs, partition %s, SLURM_CONF=%s)\n",
                 cluster.startSeconds(), cluster.cpus(), qPrintable(cluster.partition()),
                 qPrintable(cluster.configPath()));
    QProcess command;
    command.setProcessEnvironment(cluster.environment());
    command.setProcessChannelMode(QProcess::ForwardedChannels);
    command.setInputChannelMode(QProcess::ForwardedInputChannel);
    command.start(args.takeFirst(), args);
    if (!command.waitForStarted(-1)) {
        std::fprintf(stderr, "slurm-local: cannot start the command: %s\n",
                     qPrintable(command.errorString()));
        return 2;
    }
    command.waitForFinished(-1);
    return command.exitStatus() == QProcess::NormalExit ? command.exitCode() : 1;
}
