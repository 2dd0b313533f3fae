// getCifar10: DatasetFetchJob driven by a local event loop, for callers without one (the CLI).

#include <airbench/dataio.h>
#include <airbench/dataio/fetch_job.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkProxyFactory>
#include <QTimer>

namespace airbench::dataio {
namespace {

// Qt Network needs a QCoreApplication; the CLI has none. Created once and kept for the
// process's life (destroying it at exit would race with Qt's own global teardown). A command
// line user expects http_proxy / https_proxy / no_proxy to apply, as with curl and wget; a GUI
// that created its own application makes that choice itself.
void ensureCoreApplication() {
    if (QCoreApplication::instance() == nullptr) {
        static int argc = 1;
        static char name[] = "airbench";
        static char* argv[] = {name, nullptr};
        new QCoreApplication(argc, argv);
        QNetworkProxyFactory::setUseSystemConfiguration(true);
    }
}

}  // namespace

GetResult getCifar10(const GetOptions& options, const Callbacks& callbacks) {
    ensureCoreApplication();
    QElapsedTimer clock;
    clock.start();

    DatasetFetchJob::Options fetch;
    fetch.url = QUrl(QString::fromStdString(options.url));
    if (!fetch.url.isValid() || fetch.url.scheme().isEmpty()) {
        throw Error("'" + options.url + "' is not a URL");
    }
    fetch.md5 = QString::fromStdString(options.md5);
    fetch.target = QString::fromStdString(options.directory);
    fetch.replace = options.force;
    fetch.stallTimeoutMs = options.stallTimeoutSeconds * 1000;
    DatasetFetchJob job(fetch);

    QEventLoop loop;
    // `loop` as the context: signals the job emits on its worker thread arrive queued, so the
    // callbacks run on this thread.
    QObject::connect(&job, &DatasetFetchJob::finished, &loop, &QEventLoop::quit);
    QObject::connect(&job, &DatasetFetchJob::stageChanged, &loop,
                     [&](const QString& stage, const QString& detail) {
                         if (callbacks.onStage) {
                             callbacks.onStage(stage.toStdString(), detail.toStdString());
                         }
                     });
    QObject::connect(&job, &DatasetFetchJob::progress, &loop,
                     [&](qint64 received, qint64 total, double rate, double eta) {
                         if (callbacks.onTransfer) {
                             callbacks.onTransfer({received, total, rate, eta});
                         }
                     });
    QObject::connect(&job, &DatasetFetchJob::installProgress, &loop,
                     [&](qint64 done, qint64 total) {
                         if (callbacks.onProgress) {
                             callbacks.onProgress(done, total);
                         }
                     });
    // A signal handler cannot touch Qt; it sets a flag the caller's callback reads.
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (callbacks.cancelled && callbacks.cancelled()) {
            job.cancel();
        }
    });
    poll.start(100);
    job.start();
    loop.exec();

    switch (job.state()) {
        case DatasetFetchJob::State::Succeeded:
            break;
        case DatasetFetchJob::State::Cancelled:
            throw Cancelled(QFile::exists(job.partialPath()) || QFile::exists(job.downloadPath())
                                ? "stopped; the partial download in '" +
                                      (QFile::exists(job.partialPath()) ? job.partialPath()
                                                                        : job.downloadPath())
                                          .toStdString() +
                                      "' is kept: run the same command again to resume"
                                : "stopped; nothing was installed");
        default:
            throw Error(job.errorString().toStdString());
    }
    GetResult result;
    result.dataset = job.dataset();
    result.alreadyPresent = job.alreadyPresent();
    result.resumedFrom = job.resumedFrom();
    result.downloadedBytes = job.bytesDownloaded();
    result.seconds = static_cast<double>(clock.nsecsElapsed()) * 1e-9;
    return result;
}

}  // namespace airbench::dataio
