#pragma once
// Getting an experiment ready to run or submit: its file read and checked, its data loaded
// through a Runner (which keeps it for the next call), its trials expanded over that data (the
// masks checked against it) and the manifest written into its directory, with a copy of the
// file. `airbench experiment run` and `submit` and the GUI's Experiments tab all start here.

#include <airbench/dataset.h>
#include <airbench/experiment.h>
#include <airbench/runner.h>
#include <airbench/trials.h>

#include <memory>
#include <string>
#include <vector>

namespace airbench {

struct PreparedExperiment {
    Experiment experiment;
    std::vector<Trial> trials;
    std::shared_ptr<const Dataset> data;  // the examples the trials use (subsets applied)
    double dataSeconds = 0;               // spent getting them
};

// Throws ExperimentError for a file that is wrong (naming its line and key) or a mask made for
// other data, and airbench::Error for data that cannot be loaded or a directory that cannot be
// written.
PreparedExperiment prepareExperiment(const std::string& file, Runner& runner);

}  // namespace airbench
