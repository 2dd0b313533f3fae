// airbench data get cifar10 / airbench data import: getting data in, through dataio's plain C++
// API (airbench/dataio.h). No Qt here: the CLI also builds where Qt does not exist (without these
// two commands).

#include <airbench/dataio.h>

#include "cli_common.h"
#include "commands.h"

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace airbench::cli {
namespace {

// Progress on stderr: a line redrawn in place when stderr is a terminal; otherwise (a log, a
// pipe) only one line per stage, so logs stay readable.
class ProgressLine {
public:
    void stage(const std::string& name, const std::string& detail) {
        endLine();
        stage_ = name;
        std::fprintf(stderr, "%s %s\n", name.c_str(), detail.c_str());
    }

    void transfer(const dataio::TransferProgress& p) {
        if (!tty_ || !due(p.total >= 0 && p.received >= p.total)) {
            return;
        }
        char line[160];
        const double mb = 1e-6;
        if (p.total > 0) {
            std::snprintf(line, sizeof line, "  %.1f / %.1f MB  %3.0f%%  %.2f MB/s  ETA %s",
                          p.received * mb, p.total * mb, 100.0 * p.received / p.total,
                          p.bytesPerSecond * mb,
                          p.etaSeconds >= 0 ? formatSeconds(p.etaSeconds).c_str() : "?");
        } else {
            std::snprintf(line, sizeof line, "  %.1f MB  %.2f MB/s", p.received * mb,
                          p.bytesPerSecond * mb);
        }
        draw(line);
    }

    void items(int64_t done, int64_t total) {
        if (!tty_ || total <= 0 || !due(done >= total)) {
            return;
        }
        char line[160];
        if (stage_ == "extracting" || stage_ == "copying") {  // bytes
            std::snprintf(line, sizeof line, "  %s %.1f / %.1f MB  %3.0f%%", stage_.c_str(),
                          done * 1e-6, total * 1e-6, 100.0 * done / total);
        } else {
            std::snprintf(line, sizeof line, "  %s %lld / %lld  %3.0f%%", stage_.c_str(),
                          static_cast<long long>(done), static_cast<long long>(total),
                          100.0 * done / total);
        }
        draw(line);
    }

    void endLine() {
        if (open_) {
            std::fprintf(stderr, "\n");
            open_ = false;
        }
    }

    dataio::Callbacks callbacks() {
        dataio::Callbacks c;
        c.onStage = [this](const std::string& name, const std::string& detail) {
            stage(name, detail);
        };
        c.onTransfer = [this](const dataio::TransferProgress& p) { transfer(p); };
        c.onProgress = [this](int64_t done, int64_t total) { items(done, total); };
        c.cancelled = [] { return interrupted(); };
        return c;
    }

private:
    // At most ten redraws a second, and always the last one.
    bool due(bool last) {
        const auto now = std::chrono::steady_clock::now();
        if (!last && now - lastDraw_ < std::chrono::milliseconds(100)) {
            return false;
        }
        lastDraw_ = now;
        return true;
    }

    void draw(const char* line) {
        std::fprintf(stderr, "\r%s\x1b[K", line);  // ESC[K clears what a longer line left
        std::fflush(stderr);
        open_ = true;
    }

    bool tty_ = isatty(STDERR_FILENO) != 0;
    bool open_ = false;
    std::string stage_;
    std::chrono::steady_clock::time_point lastDraw_{};
};

std::string describe(const dataio::DatasetSummary& d) {
    return std::to_string(d.trainExamples) + " train, " + std::to_string(d.testExamples) +
           " test, " + std::to_string(d.classNames.size()) + " classes";
}

struct GetCommand {
    std::string dataset;
    dataio::GetOptions options;
};

int runGet(const GetCommand& command) {
    ProgressLine progress;
    dataio::GetResult result;
    try {
        result = dataio::getCifar10(command.options, progress.callbacks());
    } catch (const dataio::Cancelled& e) {
        progress.endLine();
        std::fprintf(stderr, "airbench: interrupted: %s\n", e.what());
        return kExitInterrupted;
    }
    progress.endLine();
    const dataio::DatasetSummary& d = result.dataset;
    if (result.alreadyPresent) {
        std::printf("CIFAR-10 is already at %s (--force downloads it again)\n", d.path.c_str());
        return 0;
    }
    if (result.resumedFrom > 0) {
        std::fprintf(stderr, "resumed after %.1f MB of an earlier download\n",
                     result.resumedFrom * 1e-6);
    }
    std::printf("CIFAR-10 installed at %s (%s) in %s\n", d.path.c_str(), describe(d).c_str(),
                formatSeconds(result.seconds).c_str());
    if (d.path != dataio::defaultCifar10Directory()) {
        std::printf("use it with: airbench train --data %s\n", d.path.c_str());
    }
    return 0;
}

struct ImportCommand {
    std::string source;
    dataio::ImportOptions options;
};

int runImport(const ImportCommand& command) {
    ProgressLine progress;
    dataio::ImportResult result;
    try {
        result = dataio::importDataset(command.source, command.options, progress.callbacks());
    } catch (const dataio::Cancelled& e) {
        progress.endLine();
        std::fprintf(stderr, "airbench: interrupted: %s; nothing was imported\n", e.what());
        return kExitInterrupted;
    }
    progress.endLine();
    const dataio::DatasetSummary& d = result.dataset;
    if (result.ignoredFiles > 0) {
        std::fprintf(stderr, "ignored %lld files that are not .png/.jpg/.jpeg\n",
                     static_cast<long long>(result.ignoredFiles));
    }
    if (result.inPlace) {
        std::printf("%s at %s is valid (%s); it is used where it is\n", d.name.c_str(),
                    d.path.c_str(), describe(d).c_str());
    } else if (result.reusedCache) {
        std::printf("image folder already converted (same files, sizes and times): %s (%s)\n",
                    d.path.c_str(), describe(d).c_str());
    } else {
        std::printf("imported %s (%s) into %s (%s) in %s\n", command.source.c_str(),
                    dataio::sourceKindName(result.kind).c_str(), d.path.c_str(),
                    describe(d).c_str(), formatSeconds(result.seconds).c_str());
    }
    std::printf("use it with: airbench train --data %s\n", d.path.c_str());
    return 0;
}

}  // namespace

std::vector<Command> addDataIoCommands(CLI::App& data) {
    auto get = std::make_shared<GetCommand>();
    CLI::App* getApp = data.add_subcommand(
        "get", "Download a dataset, verify its MD5 and install it (resumes a partial download)");
    getApp->add_option("dataset", get->dataset, "Which dataset")
        ->required()
        ->check(CLI::IsMember({"cifar10"}));
    getApp->add_option("--dir", get->options.directory,
                       "Dataset folder to create (default: " + dataio::defaultCifar10Directory() +
                           ", where commands look when --data is not given)");
    getApp->add_option("--url", get->options.url, "Where to download the archive from")
        ->capture_default_str();
    getApp
        ->add_option("--md5", get->options.md5, "The archive's MD5 (hex); anything else is refused")
        ->capture_default_str()
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                if (text.size() != 32 ||
                    text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
                    return "--md5 takes 32 hex digits";
                }
                return {};
            },
            "HEX32"));
    getApp->add_flag("--force", get->options.force,
                     "Download again and replace a dataset already in the folder");
    getApp
        ->add_option("--stall-timeout", get->options.stallTimeoutSeconds,
                     "Give up when no data arrives for this many seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();

    auto import = std::make_shared<ImportCommand>();
    CLI::App* importApp = data.add_subcommand(
        "import", "Bring in a local archive, dataset folder or image folder (validated first)");
    importApp->footer(
        "PATH may be:\n"
        "  cifar-10-binary.tar.gz (or a tar/zip with that layout): extracted, checked, installed\n"
        "  a CIFAR-10 binary folder or a Fashion-MNIST IDX folder/file: checked and used where it\n"
        "    is (copied with --dir/--name)\n"
        "  an image folder train/<class>/*.png|jpg|jpeg, test/<class>/...: converted once to the\n"
        "    binary layout (resized to 32x32 with Qt's smooth, area-averaging filter; classes are\n"
        "    the sorted folder names) and cached until its files change\n"
        "The Python (pickle) CIFAR-10 layout is refused: use the binary one.");
    importApp->add_option("path", import->source, "Archive, dataset folder or image folder")
        ->required();
    CLI::Option* dir = importApp->add_option(
        "--dir", import->options.directory,
        "Dataset folder to create (archives default to " + dataio::defaultCifar10Directory() +
            "; image folders to a cache folder in " + dataio::defaultImageFolderCache() + ")");
    importApp
        ->add_option("--name", import->options.name,
                     "Create the dataset folder under the user data folder with this name")
        ->excludes(dir);
    importApp->add_flag("--force", import->options.force,
                        "Replace an existing dataset in the destination folder");

    return {
        {getApp, [get] { return runGet(*get); }},
        {importApp, [import] { return runImport(*import); }},
    };
}

}  // namespace airbench::cli
