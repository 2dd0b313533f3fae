#include <airbench/resources.h>

#include <QDir>
#include <QImageReader>

// Q_INIT_RESOURCE declares a function of the global namespace: call it from outside ours.
static void initializeAirbenchResources() {
    Q_INIT_RESOURCE(airbench);
}

namespace airbench::resources {

void initialize() {
    // Registering twice is harmless (Qt keeps one copy), but once is enough.
    static const bool registered = (initializeAirbenchResources(), true);
    (void)registered;
}

QString iconPath(int size) {
    return QStringLiteral(":/airbench/icons/%1.png").arg(size);
}

QIcon applicationIcon() {
    initialize();
    QIcon icon;
    const QDir icons(QStringLiteral(":/airbench/icons"));
    for (const QString& name : icons.entryList({QStringLiteral("*.png")}, QDir::Files)) {
        icon.addFile(icons.filePath(name));
    }
    // The SVG scales to any size, but only where the qt6-svg image plugin is installed.
    if (QImageReader::supportedImageFormats().contains("svg")) {
        icon.addFile(icons.filePath(QStringLiteral("airbench-workbench.svg")));
    }
    return icon;
}

}  // namespace airbench::resources
