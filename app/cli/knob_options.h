#pragma once
// The knob table (airbench/knobs.h) as command-line options: every hyperparameter as
// `--flag VALUE` (flags as `--flag` / `--no-flag`), and the run settings likewise. A command adds
// them, and after parsing applies what was typed onto a run configuration, where hyperparameters
// become overrides of the configuration's recipe. The options' help, ranges and validation all
// come from the table.

#include <airbench/run_config.h>

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <vector>

namespace airbench::cli {

class KnobOptions {
public:
    enum class Which { Everything, Hyperparameters };
    // Adds the options to `command`, in table order, each knob's section as its group.
    // `except` lists knob keys the command defines differently (select's `--runs`).
    void add(CLI::App& command, Which which = Which::Everything,
             const std::vector<std::string>& except = {});
    // The values typed, by knob key (after validation against the table).
    const std::map<std::string, double>& given() const { return given_; }
    bool gave(const std::string& key) const { return given_.count(key) != 0; }
    // Applies them: run settings onto config.run, hyperparameters as overrides of
    // config.recipe's table. Throws airbench::Error for a hyperparameter that recipe does not
    // have.
    void apply(RunConfig& config) const;

private:
    std::map<std::string, double> given_;
};

}  // namespace airbench::cli
