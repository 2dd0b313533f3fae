#include <airbench/dataio/archive_install.h>

#include <airbench/dataset.h>

#include "dataset_layout.h"
#include "staging_area.h"

#include <QElapsedTimer>

namespace airbench::dataio {

DatasetSummary installArchive(const QString& archive, const QString& target, bool replace,
                              const ExtractLimits& limits, const Callbacks& callbacks) {
    const std::string name = "'" + archive.toStdString() + "'";
    if (QString(archive).section('/', -1).startsWith("cifar-10-python")) {
        throw Error(pickleLayoutMessage(archive));
    }
    checkTarget(target, replace);
    StagingArea staging(target);
    const QString extracted = staging.path() + "/extracted";

    if (callbacks.onStage) {
        callbacks.onStage("extracting", archive.toStdString());
    }
    // Called for every 64 KiB: the cancel is checked each time, progress reported ten times a
    // second at most (a GUI gets one queued signal each), and once at the end.
    QElapsedTimer sinceReport;
    sinceReport.start();
    const ExtractProgress progress = [&](int64_t consumed, int64_t total) {
        if (callbacks.onProgress && (sinceReport.elapsed() >= 100 || consumed >= total)) {
            sinceReport.restart();
            callbacks.onProgress(consumed, total);
        }
        return !(callbacks.cancelled && callbacks.cancelled());
    };
    // Stop at the first pickle member rather than unpacking 160 MB that cannot be used.
    const MemberCheck refusePickle = [&](const QString& member) {
        if (isPickleMember(member)) {
            throw Error(pickleLayoutMessage(archive));
        }
    };
    extractArchive(archive, extracted, limits, progress, refusePickle);

    const QString folder = locateBinaryLayout(extracted);
    if (folder.isEmpty()) {
        throw Error("archive " + name +
                    " does not hold the CIFAR-10 binary layout (data_batch_1.bin ... "
                    "test_batch.bin and batches.meta.txt, at its top or in one folder)");
    }
    if (callbacks.onStage) {
        callbacks.onStage("checking", "that the extracted dataset loads");
    }
    Dataset dataset;
    try {
        dataset = loadDataset(folder.toStdString(), DatasetFormat::Cifar10);
    } catch (const DatasetError& e) {
        throw DatasetError("archive " + name + " does not hold a loadable dataset: " + e.what());
    }
    if (callbacks.cancelled && callbacks.cancelled()) {
        throw Cancelled("installation cancelled");
    }
    staging.commit(folder, replace);
    return summarize(dataset, staging.target());
}

}  // namespace airbench::dataio
