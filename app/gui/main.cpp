// airbench-workbench: the desktop GUI of Airbench Workbench (the engine behind a Qt 6 window).

#include "application_identity.h"
#include "main_window.h"

#include <airbench/build_info.h>
#include <airbench/device.h>
#include <airbench/error.h>
#include <airbench/recipe.h>
#include <airbench/resources.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

void describeOptions(QCommandLineParser& parser) {
    parser.setApplicationDescription(
        QCoreApplication::translate("main",
                                    "Fast CIFAR-10 training research: train the airbench "
                                    "recipes, watch the curves, compare runs."));
    parser.addHelpOption();
    parser.addVersionOption();
    QString names;
    for (const std::string& name : airbench::recipeNames()) {
        names += (names.isEmpty() ? "" : ", ") + QString::fromStdString(name);
    }
    parser.addOption({QStringLiteral("data"),
                      QCoreApplication::translate("main",
                                                  "Dataset folder (CIFAR-10 binary or "
                                                  "Fashion-MNIST IDX) to start with."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("recipe"),
                      QCoreApplication::translate("main", "Recipe to select (%1).").arg(names),
                      QStringLiteral("NAME")});
}

bool asksForTextOnly(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" ||
            arg == "--version" || arg == "-?") {
            return true;
        }
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    // Before anything starts LibTorch's OpenMP pool: spinning waiters steal the cores the GUI
    // thread needs (up to 9.5x slower on 2 cores, TOOLCHAIN.md). An explicit setting wins.
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);

    QCoreApplication::setApplicationName(QStringLiteral("airbench-workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AIRBENCH_VERSION));
    // --help and --version print and exit without a display (QApplication would need one).
    if (asksForTextOnly(argc, argv)) {
        QCoreApplication app(argc, argv);
        QCommandLineParser parser;
        describeOptions(parser);
        parser.process(app);
        return 0;
    }

    QApplication app(argc, argv);
    airbench::ui::setApplicationIdentity();  // before the first QSettings
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Airbench Workbench"));
    QApplication::setWindowIcon(airbench::resources::applicationIcon());
    // Lets Wayland compositors match the window to its desktop entry.
    QGuiApplication::setDesktopFileName(QString::fromLatin1(airbench::build::appId()));
    QCommandLineParser parser;
    describeOptions(parser);
    parser.process(app);

    airbench::ui::MainWindowOptions options;
    options.dataPath = parser.value(QStringLiteral("data"));
    options.recipe = parser.value(QStringLiteral("recipe"));
    if (!options.recipe.isEmpty()) {
        try {
            airbench::findRecipe(options.recipe.toStdString());
        } catch (const airbench::Error& e) {
            std::fprintf(stderr, "airbench-workbench: %s\n", e.what());
            return 2;
        }
    }

    // The app trains on every core (tests use one thread).
    airbench::setCpuThreads(0);

    airbench::ui::MainWindow window(options);
    window.show();
    return app.exec();
}
