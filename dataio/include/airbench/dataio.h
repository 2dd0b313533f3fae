#pragma once
// Getting data in, for callers without Qt (the CLI): download the official CIFAR-10 archive and
// import archives, dataset folders and image folders. Plain C++ types only; the implementation
// uses Qt (network, images) and libarchive, and runs its own Qt event loop when it needs one.
// The GUI uses the Qt job classes in airbench/dataio/ instead, which report through signals.
//
// Every failure a user can cause throws airbench::Error with a message meant to be shown as is;
// a cancelled operation throws dataio::Cancelled. Nothing half-written is ever left where a
// dataset is expected: work happens in a temporary folder next to the target and is renamed into
// place only after the result loaded with airbench::loadDataset.

#include <airbench/error.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace airbench::dataio {

// The official CIFAR-10 binary archive and its published MD5.
inline constexpr const char* kCifar10Url =
    "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
inline constexpr const char* kCifar10Md5 = "c32a1d4ab5d03f1284b67883e8d87530";

// The user stopped the operation (cancel callback returned true).
class Cancelled : public Error {
public:
    using Error::Error;
};

// airbench::userDataDirectory() + "/cifar10": where findDefaultDataset() looks.
std::string defaultCifar10Directory();
// airbench::userDataDirectory() + "/cache/image-folders": image folders converted by `import`.
std::string defaultImageFolderCache();

struct TransferProgress {
    int64_t received = 0;       // bytes of the file present so far, a resumed prefix included
    int64_t total = -1;         // -1 while the server has not said
    double bytesPerSecond = 0;  // over the last few seconds
    double etaSeconds = -1;     // -1 when unknown
};

// What a long operation reports. Callbacks run on the calling thread.
struct Callbacks {
    // A new step begins: "downloading", "verifying", "extracting", "checking", "converting", ...
    std::function<void(const std::string& stage, const std::string& detail)> onStage;
    std::function<void(const TransferProgress&)> onTransfer;
    // Work items of the current step (images converted, archive bytes read).
    std::function<void(int64_t done, int64_t total)> onProgress;
    // Polled at least ten times a second; returning true stops the operation (Cancelled).
    std::function<bool()> cancelled;
};

struct GetOptions {
    std::string url = kCifar10Url;
    std::string md5 = kCifar10Md5;  // hex; refused unless it matches (empty: no check)
    std::string directory;         // the dataset folder to create; empty: defaultCifar10Directory()
    bool force = false;            // replace a dataset already there (else: nothing to do)
    int stallTimeoutSeconds = 60;  // give up when no byte arrives for this long
};

struct DatasetSummary {
    std::string path;  // the folder to give as --data
    std::string name;  // "CIFAR-10", "Fashion-MNIST"
    int64_t trainExamples = 0;
    int64_t testExamples = 0;
    std::vector<std::string> classNames;
};

struct GetResult {
    DatasetSummary dataset;
    bool alreadyPresent = false;  // a loadable dataset was there; nothing was downloaded
    int64_t resumedFrom = 0;      // bytes of an earlier partial download that were kept
    int64_t downloadedBytes = 0;  // bytes fetched by this call
    double seconds = 0;
};

// Downloads the CIFAR-10 binary archive (resuming a partial `<directory>.download.part` when
// the server supports ranges), checks its MD5, extracts and validates it, and renames it into
// `directory`. A partial download survives a network failure or cancel for the next call to
// resume; nothing else is left behind.
GetResult getCifar10(const GetOptions& options, const Callbacks& callbacks = {});

struct ImportOptions {
    // Where the dataset goes: `directory` when set, else <user data>/<name> when `name` is set,
    // else by kind: an archive to defaultCifar10Directory(); a dataset folder nowhere (it is
    // validated and used in place; a destination makes a copy); an image folder to
    // <imageCache>/<folder name>-<first 16 hex digits of its key>.
    std::string directory;
    std::string name;
    std::string imageCache;  // empty: defaultImageFolderCache()
    // Replace a dataset at the destination. Only a flat folder holding a dataset is ever
    // replaced; anything else at the destination is an error, with or without force.
    bool force = false;
};

enum class SourceKind { Archive, Cifar10Folder, IdxFolder, ImageFolder };
std::string sourceKindName(SourceKind kind);  // "archive", "cifar10-folder", ...

struct ImportResult {
    DatasetSummary dataset;
    SourceKind kind = SourceKind::Archive;
    bool inPlace = false;      // the source folder itself is the dataset (validated, not copied)
    bool reusedCache = false;  // an earlier conversion of the same image folder was reused
    int64_t ignoredFiles = 0;  // files in an image folder that are not .png/.jpg/.jpeg
    std::string cacheKey;      // image folders: hash of the file list, sizes and mtimes
    double seconds = 0;
};

// Imports `source`: the official tarball (or any tar/zip holding the CIFAR-10 binary layout), a
// CIFAR-10 binary folder, a Fashion-MNIST / IDX folder or one of its files, or an image folder
// (train/<class>/*.png|jpg|jpeg and test/<class>/...). Refuses the Python (pickle) CIFAR-10
// layout with a pointer to the binary one.
ImportResult importDataset(const std::string& source, const ImportOptions& options = {},
                           const Callbacks& callbacks = {});

}  // namespace airbench::dataio
