#pragma once
// Where a dataset is assembled before it appears: a hidden temporary folder next to the target
// (same filesystem, so the final step is one atomic rename). Destroying an uncommitted staging
// area removes it with everything in it, which is how failures and cancels leave nothing behind.

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace airbench::dataio {

// Occupied: something is there; Replaceable: a dataset the workbench could have written (a plain
// folder, no subfolders, holding CIFAR-10 batches or IDX files), which `replace` may swap out.
// Anything else is never deleted, whatever the flags say: --dir pointing at the wrong folder
// must not cost the user that folder.
enum class TargetState { Missing, Empty, Replaceable, Occupied };
TargetState targetState(const QString& target);

// Throws airbench::Error unless `target` is missing, empty, or replaceable and `replace` is set.
void checkTarget(const QString& target, bool replace);

class StagingArea {
public:
    // Creates <parent of target>/.<target name>.staging-XXXXXX (and the parent when missing),
    // removing staging folders of that name older than a day (left by a killed process).
    explicit StagingArea(const QString& target);
    // Uncommitted: removes the staging folder, and the parents it created when they are empty.
    ~StagingArea();
    StagingArea(const StagingArea&) = delete;
    StagingArea& operator=(const StagingArea&) = delete;

    QString path() const;
    QString target() const { return target_; }

    // Renames `folder` (the staging folder or one inside it) to the target. An empty target
    // folder is replaced; a replaceable one only when `replace` is true: it is renamed aside
    // first, and restored if the final rename fails.
    void commit(const QString& folder, bool replace);

private:
    QString target_;
    QString createdFrom_;  // the outermost folder the constructor had to create, if any
    bool committed_ = false;
    std::unique_ptr<QTemporaryDir> dir_;
};

}  // namespace airbench::dataio
