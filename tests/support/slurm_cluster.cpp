#include "support/slurm_cluster.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>

namespace airbench::test {
namespace {

// Debian installs the daemons in /usr/sbin, which a non-login PATH may lack.
const QStringList systemProgramDirs = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

QString findProgram(const QString& name) {
    const QString onPath = QStandardPaths::findExecutable(name);
    return onPath.isEmpty() ? QStandardPaths::findExecutable(name, systemProgramDirs) : onPath;
}

// Settings of the submitter's that the clients read as options (SBATCH_PARTITION, ...) or as
// the job they run in (SLURM_JOB_ID), which would point them at another cluster or job.
QProcessEnvironment environmentWithoutSlurmSettings() {
    static const QStringList prefixes = {"SLURM_", "SBATCH_",   "SALLOC_",  "SRUN_", "SQUEUE_",
                                         "SINFO_", "SCONTROL_", "SCANCEL_", "SACCT_"};
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& key : env.keys()) {
        for (const QString& prefix : prefixes) {
            if (key.startsWith(prefix)) {
                env.remove(key);
            }
        }
    }
    return env;
}

QString shortHostName() {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    return QString::fromLocal8Bit(name).section('.', 0, 0);
}

// Ports nothing listens on now: bound to port 0 together (so they differ), then released for
// the daemons, which bind them with SO_REUSEADDR a moment later.
std::vector<int> freePorts(int count) {
    std::vector<int> sockets, ports;
    for (int i = 0; i < count; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_ANY);
        socklen_t length = sizeof address;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            if (fd >= 0) {
                ::close(fd);
            }
            break;
        }
        sockets.push_back(fd);
        ports.push_back(ntohs(address.sin_port));
    }
    for (const int fd : sockets) {
        ::close(fd);
    }
    return ports;
}

QByteArray readWhole(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray linkTarget(const QString& path) {
    char target[4096];
    const ssize_t length = ::readlink(QFile::encodeName(path).constData(), target, sizeof target);
    return length > 0 ? QByteArray(target, static_cast<int>(length)) : QByteArray();
}

bool isIn(const QByteArray& path, const QByteArray& folderWithSlash) {
    return path.startsWith(folderWithSlash) || path == folderWithSlash.chopped(1);
}

// Whether the process under procDir names the folder: in its command line or environment
// (SLURM_CONF), as its working directory or as a file it holds open (slurmstepd keeps the
// node's log open and works in the log folder, but has neither of the others).
bool processNames(const QString& procDir, const QByteArray& folderWithSlash) {
    if (readWhole(procDir + "/cmdline").contains(folderWithSlash) ||
        readWhole(procDir + "/environ").contains(folderWithSlash) ||
        isIn(linkTarget(procDir + "/cwd"), folderWithSlash)) {
        return true;
    }
    const QDir fds(procDir + "/fd");
    for (const QString& fd :
         fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        if (isIn(linkTarget(fds.filePath(fd)), folderWithSlash)) {
            return true;
        }
    }
    return false;
}

bool stillRunning(QProcess& process) {
    return process.state() != QProcess::NotRunning && !process.waitForFinished(0);
}

QString lastLines(const QString& path, int lines) {
    const QStringList all = QString::fromLocal8Bit(readWhole(path)).split('\n');
    return all.mid(std::max<qsizetype>(0, all.size() - lines - 1)).join('\n').trimmed();
}

}  // namespace

QString SlurmCommandResult::describe() const {
    QString how = !finished && exitCode == -1 ? QStringLiteral("did not finish")
                                              : QStringLiteral("exit code %1").arg(exitCode);
    return QStringLiteral("`%1`: %2\nstdout: %3\nstderr: %4")
        .arg(command, how, output.trimmed(), errors.trimmed());
}

SlurmCluster::SlurmCluster() {
    if (!start()) {
        stop();
    }
}

SlurmCluster::~SlurmCluster() {
    stop();
}

QString SlurmCluster::directory() const {
    return folderPath_;
}
QString SlurmCluster::workDirectory() const {
    return folderPath_ + "/work";
}
QString SlurmCluster::configPath() const {
    return folderPath_ + "/slurm.conf";
}
QString SlurmCluster::jobCompletionLog() const {
    return folderPath_ + "/log/jobcomp.txt";
}

bool SlurmCluster::fail(const QString& reason) {
    reason_ = reason;
    return false;
}

bool SlurmCluster::start() {
    QElapsedTimer clock;
    clock.start();
    // slurmd launches every job as its submitter and slurmctld runs as SlurmUser: both need
    // root to do so on one machine without a dedicated slurm account.
    if (::geteuid() != 0) {
        return fail("needs root (slurmd starts jobs as their user); run the tests as root");
    }
    for (const char* program :
         {"munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol", "scancel"}) {
        if (findProgram(program).isEmpty()) {
            return fail(QStringLiteral("%1 not found on PATH nor in %2; install the packages "
                                       "munge slurmctld slurmd slurm-client "
                                       "(scripts/debian-packages.txt)")
                            .arg(program, systemProgramDirs.join(", ")));
        }
    }

    folder_ = std::make_unique<QTemporaryDir>(QDir::tempPath() + "/airbench-slurm-XXXXXX");
    if (!folder_->isValid()) {
        return fail("cannot make a temporary folder in " + QDir::tempPath() + ": " +
                    folder_->errorString());
    }
    folderPath_ = folder_->path();
    // slurmstepd listens on <spool>/<node>_<job>.<step>: a Unix socket path holds 107 bytes.
    if (folderPath_.size() + 60 > 107) {
        return fail("the temporary folder " + folderPath_ +
                    " is too long for the daemons' Unix sockets; set TMPDIR to a shorter one");
    }
    // munged refuses a socket in a folder that others cannot enter.
    QFile::setPermissions(folderPath_, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                           QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                           QFile::ExeOther);
    for (const char* sub : {"state", "spool", "log", "munge", "work"}) {
        if (!QDir(folderPath_).mkdir(sub)) {
            return fail(QStringLiteral("cannot make %1/%2").arg(folderPath_, sub));
        }
    }

    // The cluster's own MUNGE key: credentials from any other munged are refused.
    QFile key(folderPath_ + "/munge/munge.key");
    QByteArray keyBytes(1024, Qt::Uninitialized);
    QRandomGenerator::system()->generate(keyBytes.begin(), keyBytes.end());
    if (!key.open(QIODevice::WriteOnly) || key.write(keyBytes) != keyBytes.size() ||
        !key.setPermissions(QFile::ReadOwner | QFile::WriteOwner)) {
        return fail("cannot write the MUNGE key " + key.fileName() + ": " + key.errorString());
    }
    key.close();

    // The node as slurmd sees it ("NodeName=host CPUs=.. Boards=.. ... RealMemory=.."): a node
    // declared larger than it is would be drained at registration.
    QProcess probe;
    probe.start(findProgram("slurmd"), {"-C"});
    if (!probe.waitForFinished(15000) || probe.exitCode() != 0) {
        probe.kill();
        probe.waitForFinished(5000);
        return fail("`slurmd -C` failed: " + QString::fromLocal8Bit(probe.readAllStandardError()));
    }
    const QString nodeLine =
        QString::fromLocal8Bit(probe.readAllStandardOutput()).section('\n', 0, 0);
    QStringList hardware;
    for (const QString& field : nodeLine.split(' ', Qt::SkipEmptyParts)) {
        if (field.startsWith("CPUs=")) {
            cpus_ = field.mid(5).toInt();
        }
        if (!field.startsWith("NodeName=")) {
            hardware << field;
        }
    }
    if (cpus_ <= 0 || !nodeLine.contains("RealMemory=")) {
        return fail("`slurmd -C` printed no CPUs= and RealMemory=: " + nodeLine);
    }

    const std::vector<int> ports = freePorts(2);
    if (ports.size() != 2) {
        return fail("found no free TCP ports for slurmctld and slurmd");
    }
    controllerPort_ = ports[0];
    nodePort_ = ports[1];
    if (!writeConfig(shortHostName(), hardware.join(' '))) {
        return false;
    }

    clientEnvironment_ = environmentWithoutSlurmSettings();
    QStringList path = {QFileInfo(findProgram("sbatch")).path(),
                        QFileInfo(findProgram("slurmctld")).path()};
    path << clientEnvironment_.value("PATH").split(':', Qt::SkipEmptyParts);
    path.removeDuplicates();
    clientEnvironment_.insert("PATH", path.join(':'));
    clientEnvironment_.insert("SLURM_CONF", configPath());

    const QString socket = folderPath_ + "/munge/munge.socket";
    if (!startDaemon(
            munged_, "munged", findProgram("munged"),
            {"--foreground", "--socket=" + socket, "--key-file=" + folderPath_ + "/munge/munge.key",
             "--log-file=" + folderPath_ + "/log/munged.log",
             "--pid-file=" + folderPath_ + "/munge/munged.pid",
             "--seed-file=" + folderPath_ + "/munge/munged.seed"})) {
        return false;
    }
    QElapsedTimer waited;
    waited.start();
    while (!QFileInfo::exists(socket)) {
        if (!stillRunning(munged_) || waited.elapsed() > 10000) {
            return fail("munged did not open its socket " + socket + " within 10 s\n" + logTail());
        }
        QThread::msleep(20);
    }

    // slurmd registers with slurmctld at start and then retries with growing delays, so it
    // starts once slurmctld answers.
    if (!startDaemon(slurmctld_, "slurmctld", findProgram("slurmctld"),
                     {"-D", "-f", configPath()})) {
        return false;
    }
    waited.restart();
    for (;;) {
        const SlurmCommandResult ping = run("scontrol", {"ping"}, 5000);
        if (ping.ok() && ping.output.contains("UP")) {
            break;
        }
        const QString exited = daemonThatExited();
        if (!exited.isEmpty() || waited.elapsed() > 30000) {
            return fail((exited.isEmpty()
                             ? "slurmctld did not answer within 30 s: " + ping.describe()
                             : exited) +
                        "\n" + logTail());
        }
        QThread::msleep(50);
    }
    if (!startDaemon(slurmd_, "slurmd", findProgram("slurmd"),
                     {"-D", "-f", configPath(), "-N", nodeName()}) ||
        !waitUntilIdle()) {
        return false;
    }
    startSeconds_ = clock.elapsed() / 1000.0;
    available_ = true;
    return true;
}

bool SlurmCluster::writeConfig(const QString& hostName, const QString& hardware) {
    const QString& d = folderPath_;
    const QStringList lines = {
        "# Written by airbench::test::SlurmCluster (tests/support/slurm_cluster.cpp).",
        "ClusterName=airbench",
        QStringLiteral("SlurmctldHost=%1(127.0.0.1)").arg(hostName),
        QStringLiteral("SlurmctldPort=%1").arg(controllerPort_),
        QStringLiteral("SlurmdPort=%1").arg(nodePort_),
        "SlurmUser=root",
        "SlurmdUser=root",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        // cred_expire is also how long a requeued job waits before it may start again
        // (default 120 s); 5 s still leaves slurmd time to check a job's credential.
        "AuthInfo=socket=" + d + "/munge/munge.socket,cred_expire=5",
        "StateSaveLocation=" + d + "/state",
        "SlurmdSpoolDir=" + d + "/spool",
        "SlurmctldPidFile=" + d + "/slurmctld.pid",
        "SlurmdPidFile=" + d + "/slurmd.pid",
        "SlurmctldLogFile=" + d + "/log/slurmctld.log",
        "SlurmdLogFile=" + d + "/log/slurmd.log",
        // An empty plugin stack: no SPANK plugin of the machine's /etc/slurm is loaded.
        "PlugStackConfig=" + d + "/plugstack.conf",
        "MailProg=/bin/true",
        // No cgroups: works in containers and chroots.
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core",
        "MpiDefault=none",
        "SwitchType=switch/none",
        // Schedule on every event and every second (defaults: a 2-3 s batching delay and a
        // 60 s / 30 s pass), so that a freed CPU or a requeued job's begin time is acted on at
        // once.
        "SchedulerType=sched/backfill",
        "SchedulerParameters=sched_min_interval=0,batch_sched_delay=0,sched_interval=1,"
        "bf_interval=1",
        "JobRequeue=1",
        // Ended jobs leave squeue after 2 s (default 300 s); TERM to KILL in 2 s (default 30).
        "MinJobAge=2",
        "KillWait=2",
        // Slurm's default, written out: array indices 0-1000 at most, as on most clusters.
        "MaxArraySize=1001",
        "ReturnToService=2",
        // No slurmdbd (it needs MySQL/MariaDB), so sacct has nothing; the completion log
        // records each run that ends.
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        "JobCompType=jobcomp/filetxt",
        "JobCompLoc=" + jobCompletionLog(),
        QStringLiteral("NodeName=%1 NodeAddr=127.0.0.1 %2 State=UNKNOWN").arg(nodeName(), hardware),
        QStringLiteral("PartitionName=%1 Nodes=%2 Default=YES MaxTime=INFINITE State=UP")
            .arg(partition(), nodeName()),
    };
    QFile config(configPath());
    QFile plugStack(d + "/plugstack.conf");
    if (!config.open(QIODevice::WriteOnly) ||
        config.write((lines.join('\n') + '\n').toUtf8()) < 0 ||
        !plugStack.open(QIODevice::WriteOnly)) {
        return fail("cannot write " + config.fileName() + " or " + plugStack.fileName());
    }
    return true;
}

bool SlurmCluster::startDaemon(QProcess& process, const QString& name, const QString& program,
                               const QStringList& arguments) {
    process.setProgram(program);
    process.setArguments(arguments);
    process.setProcessEnvironment(clientEnvironment_);
    process.setWorkingDirectory(folderPath_ + "/log");
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardOutputFile(folderPath_ + "/log/" + name + ".out");
    process.setStandardInputFile(QProcess::nullDevice());
    // A test that crashes runs no destructor: the kernel then ends the daemons with it.
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    process.start();
    if (!process.waitForStarted(10000)) {
        return fail(name + " (" + program + ") did not start: " + process.errorString());
    }
    started_.emplace_back(name, &process);
    return true;
}

bool SlurmCluster::waitUntilIdle() {
    QElapsedTimer waited;
    waited.start();
    SlurmCommandResult state;
    for (;;) {
        state = run("sinfo", {"--noheader", "--nodes=" + nodeName(), "--format=%T"}, 5000);
        if (state.ok() && state.output.trimmed() == "idle") {
            return true;
        }
        const QString exited = daemonThatExited();
        if (!exited.isEmpty()) {
            return fail(exited + "\n" + logTail());
        }
        if (waited.elapsed() > 30000) {
            return fail("the node did not become idle within 30 s: " + state.describe() + "\n" +
                        logTail());
        }
        QThread::msleep(50);
    }
}

QString SlurmCluster::daemonThatExited() {
    for (auto& [name, process] : started_) {
        if (!stillRunning(*process)) {
            return QStringLiteral("%1 exited (code %2)").arg(name).arg(process->exitCode());
        }
    }
    return {};
}

SlurmCommandResult SlurmCluster::run(const QString& program, const QStringList& arguments,
                                     int timeoutMs) const {
    SlurmCommandResult result;
    result.command = (QStringList{program} + arguments).join(' ');
    const QString path =
        program.contains('/')
            ? program
            : QStandardPaths::findExecutable(
                  program, clientEnvironment_.value("PATH").split(':', Qt::SkipEmptyParts));
    if (path.isEmpty()) {
        result.errors = program + " not found on " + clientEnvironment_.value("PATH");
        return result;
    }
    QProcess process;
    process.setProcessEnvironment(clientEnvironment_);
    process.setWorkingDirectory(workDirectory());
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(path, arguments);
    if (!process.waitForStarted(timeoutMs)) {
        result.errors = process.errorString();
        return result;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        result.output = QString::fromLocal8Bit(process.readAllStandardOutput());
        result.errors = QStringLiteral("killed after %1 ms; stderr: ").arg(timeoutMs) +
                        QString::fromLocal8Bit(process.readAllStandardError());
        return result;
    }
    result.finished = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.output = QString::fromLocal8Bit(process.readAllStandardOutput());
    result.errors = QString::fromLocal8Bit(process.readAllStandardError());
    return result;
}

QString SlurmCluster::logTail(int lines) const {
    QString tail;
    for (const char* log : {"munged.log", "munged.out", "slurmctld.log", "slurmctld.out",
                            "slurmd.log", "slurmd.out"}) {
        const QString path = folderPath_ + "/log/" + log;
        if (QFileInfo(path).size() > 0) {
            tail += QStringLiteral("--- %1 (last %2 lines)\n%3\n")
                        .arg(path)
                        .arg(lines)
                        .arg(lastLines(path, lines));
        }
    }
    return tail;
}

void SlurmCluster::cancelJobs() {
    run("scancel", {"--partition=" + partition()}, 10000);
    QElapsedTimer waited;
    waited.start();
    // KillWait (2 s) after SIGTERM, slurmstepd kills what is left of a job.
    while (waited.elapsed() < 20000) {
        const SlurmCommandResult left = run("squeue", {"--noheader", "--format=%i"}, 5000);
        if (!left.finished || left.output.trimmed().isEmpty()) {
            return;
        }
        QThread::msleep(100);
    }
}

void SlurmCluster::stopDaemon(QProcess& process) {
    if (process.state() == QProcess::NotRunning) {
        return;
    }
    process.terminate();
    if (!process.waitForFinished(15000)) {
        process.kill();
        process.waitForFinished(5000);
    }
}

void SlurmCluster::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    available_ = false;
    if (slurmctld_.state() != QProcess::NotRunning) {
        cancelJobs();
    }
    // slurmd first, while slurmctld still takes its last messages.
    stopDaemon(slurmd_);
    stopDaemon(slurmctld_);
    stopDaemon(munged_);
    if (!folderPath_.isEmpty()) {
        killProcessesOf(folderPath_);
    }
    folder_.reset();
}

void SlurmCluster::killProcessesOf(const QString& directory) {
    QElapsedTimer waited;
    waited.start();
    for (std::vector<qint64> left = processesOf(directory);
         !left.empty() && waited.elapsed() < 10000; left = processesOf(directory)) {
        for (const qint64 pid : left) {
            ::kill(static_cast<pid_t>(pid), SIGKILL);
        }
        QThread::msleep(50);
    }
}

std::vector<qint64> SlurmCluster::processesOf(const QString& directory) {
    const QByteArray folderWithSlash = QFile::encodeName(QDir::cleanPath(directory)) + '/';
    const qint64 self = ::getpid();
    std::map<qint64, qint64> parentOf;
    std::set<qint64> named;
    const QDir proc("/proc");
    for (const QString& entry : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid || pid == self) {
            continue;
        }
        // "pid (command) state ppid ...": the command may hold spaces and parentheses.
        const QByteArray stat = readWhole(proc.filePath(entry) + "/stat");
        const qsizetype commandEnd = stat.lastIndexOf(')');
        const QList<QByteArray> fields = stat.mid(commandEnd + 2).split(' ');
        if (commandEnd < 0 || fields.size() < 2 || fields[0] == "Z" || fields[0] == "X") {
            continue;  // gone, or dead and waiting for its parent
        }
        parentOf[pid] = fields[1].toLongLong();
        if (processNames(proc.filePath(entry), folderWithSlash)) {
            named.insert(pid);
        }
    }
    // A job's processes descend from its slurmstepd even when they name nothing of the folder.
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& [pid, parent] : parentOf) {
            if (!named.count(pid) && named.count(parent)) {
                named.insert(pid);
                grew = true;
            }
        }
    }
    return {named.begin(), named.end()};
}

}  // namespace airbench::test
