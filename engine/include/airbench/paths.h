#pragma once
// Where the workbench keeps and looks for data, shared by the GUI and the CLI.

#include <string>
#include <vector>

namespace airbench {

// $XDG_DATA_HOME/airbench-workbench, else ~/.local/share/airbench-workbench (the same folder
// Qt's QStandardPaths::AppDataLocation gives the GUI).
std::string userDataDirectory();

// The dataset folders tried when none is given, best first: $AIRBENCH_DATA, CIFAR-10 in the user
// data directory, Debian's Fashion-MNIST package.
std::vector<std::string> defaultDatasetCandidates();
// The first candidate that holds a readable dataset layout, or "" when none does.
std::string findDefaultDataset();

}  // namespace airbench
