#pragma once
// What the experiment tests count in an experiment directory: its files by pattern, and the
// temporary files an interrupted atomic write would leave (none may remain).

#include <QDir>
#include <QDirIterator>
#include <QString>

namespace airbench::test {

inline int filesIn(const QString& dir, const QString& pattern) {
    return QDir(dir).entryList({pattern}, QDir::Files).size();
}

inline int temporaryFilesUnder(const QString& dir) {
    int n = 0;
    for (QDirIterator it(dir, QDirIterator::Subdirectories); it.hasNext();) {
        n += it.next().contains(".tmp.");
    }
    return n;
}

}  // namespace airbench::test
