#include "data/start_dataset.h"

#include <airbench/dataset.h>
#include <airbench/paths.h>

#include <QObject>
#include <QStringList>

#include <string>

namespace airbench::ui {

StartDataset chooseStartDataset(const QString& requested, const QString& last) {
    StartDataset start;
    const std::string found = findDefaultDataset();
    start.offerCifar10 = found.empty() || detectDatasetFormat(found) != DatasetFormat::Cifar10;
    start.folder = requested;
    if (start.folder.isEmpty() && !last.isEmpty() &&
        detectDatasetFormat(last.toStdString()) != DatasetFormat::Auto) {
        start.folder = last;
    }
    if (start.folder.isEmpty()) {
        start.folder = QString::fromStdString(found);
    }
    if (start.folder.isEmpty()) {
        QStringList tried;
        for (const std::string& c : defaultDatasetCandidates()) {
            tried << QString::fromStdString(c);
        }
        start.error = QObject::tr(
                          "No dataset found (looked in %1). Get CIFAR-10 (Dataset menu), or "
                          "choose a CIFAR-10 or Fashion-MNIST folder with File > Open "
                          "dataset.")
                          .arg(tried.join(QStringLiteral(", ")));
    }
    return start;
}

}  // namespace airbench::ui
