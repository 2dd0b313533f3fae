#include "dataset_layout.h"

#include <QDir>
#include <QFileInfo>

namespace airbench::dataio {

std::string pickleLayoutMessage(const QString& where) {
    return "'" + where.toStdString() +
           "' holds the Python (pickle) CIFAR-10 layout (cifar-10-python.tar.gz, "
           "cifar-10-batches-py/data_batch_1); the workbench reads the binary layout: download "
           "cifar-10-binary.tar.gz (`airbench data get cifar10`, or " +
           std::string(kCifar10Url) + ") and import that";
}

bool isPickleLayout(const QString& folder) {
    const QDir dir(folder);
    return dir.dirName() == "cifar-10-batches-py" ||
           QFileInfo(dir.filePath("data_batch_1")).isFile() ||
           QFileInfo(dir.filePath("cifar-10-batches-py")).isDir();
}

bool isPickleMember(const QString& member) {
    const QString name = member.section('/', -1);
    return member.split('/').contains("cifar-10-batches-py") || name == "data_batch_1";
}

QString locateBinaryLayout(const QString& root) {
    const auto holdsBatches = [](const QString& folder) {
        return QFileInfo(folder + "/data_batch_1.bin").isFile();
    };
    QStringList candidates = {root, root + "/cifar-10-batches-bin"};
    const QStringList children = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    if (children.size() == 1) {
        const QString only = root + "/" + children.front();
        candidates << only << only + "/cifar-10-batches-bin";
    }
    for (const QString& candidate : candidates) {
        if (holdsBatches(candidate)) {
            return candidate;
        }
    }
    return {};
}

bool looksLikeImageFolder(const QString& folder) {
    return QFileInfo(folder + "/train").isDir() && QFileInfo(folder + "/test").isDir();
}

DatasetSummary summarize(const Dataset& dataset, const QString& path) {
    DatasetSummary summary;
    summary.path = path.toStdString();
    summary.name = dataset.name;
    summary.trainExamples = dataset.train.size();
    summary.testExamples = dataset.test.size();
    summary.classNames = dataset.classNames;
    return summary;
}

}  // namespace airbench::dataio
