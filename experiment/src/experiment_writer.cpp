// An Experiment back into an experiment file (TOML), the inverse of experiment_file.cpp's reader:
// values in the form the reader checks them in (numbers, true/false, choice names).

#include <airbench/experiment.h>
#include <airbench/trial_store.h>

#include <cstdio>
#include <sstream>

namespace airbench {
namespace {

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                    out += escaped;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

// Choices by name (a string), flags as true/false, numbers in their shortest exact form.
std::string tomlValue(const Knob& knob, double value) {
    return knob.type == KnobType::Choice ? quoted(knob.format(value)) : knob.format(value);
}

std::string tomlList(const Knob& knob, const std::vector<double>& values) {
    std::string list = "[";
    for (size_t i = 0; i < values.size(); ++i) {
        list += (i == 0 ? "" : ", ") + tomlValue(knob, values[i]);
    }
    return list + "]";
}

bool consecutive(const std::vector<uint64_t>& seeds) {
    for (size_t i = 1; i < seeds.size(); ++i) {
        if (seeds[i] != seeds[0] + i) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string experimentToToml(const Experiment& e) {
    if (e.seeds.empty()) {
        throw ExperimentError("the experiment '" + e.name + "' has no seeds: it has no trials");
    }
    std::ostringstream t;
    t << "# An Airbench Workbench experiment (`airbench experiment new` writes a commented "
         "example).\n"
      << "name = " << quoted(e.name) << "\n"
      << "recipe = " << quoted(e.recipe) << "\n"
      << "directory = " << quoted(e.directory) << "\n";

    std::ostringstream data;
    if (!e.data.path.empty()) {
        data << "path = " << quoted(e.data.path) << "\n";
    }
    if (e.data.format != DatasetFormat::Auto) {
        data << "format = " << quoted(formatName(e.data.format)) << "\n";
    }
    if (e.data.trainSubset > 0) {
        data << "train_subset = " << e.data.trainSubset << "\n";
    }
    if (e.data.testSubset > 0) {
        data << "test_subset = " << e.data.testSubset << "\n";
    }
    if (!e.masks.empty()) {
        data << "masks = [";
        for (size_t i = 0; i < e.masks.size(); ++i) {
            data << (i == 0 ? "" : ", ") << quoted(e.masks[i]);
        }
        data << "]\n";
    }
    if (!data.str().empty()) {
        t << "\n[data]\n" << data.str();
    }

    if (!e.fixed.empty()) {
        t << "\n[fixed]\n";
        for (const auto& [key, value] : e.fixed) {
            t << key << " = " << tomlValue(findKnob(key), value) << "\n";
        }
    }
    // In their order: the reader keeps the file's, which is the order of the points.
    if (!e.grid.empty()) {
        t << "\n[sweep]\n";
        for (const SweptKnob& s : e.grid) {
            t << s.key << " = " << tomlList(findKnob(s.key), s.values) << "\n";
        }
    }
    if (!e.zipped.empty()) {
        t << "\n[zip]\n";
        for (const SweptKnob& s : e.zipped) {
            t << s.key << " = " << tomlList(findKnob(s.key), s.values) << "\n";
        }
    }

    t << "\n[seeds]\n";
    if (consecutive(e.seeds)) {
        t << "count = " << e.seeds.size() << "\n"
          << "first = " << e.seeds.front() << "\n";
    } else {
        t << "list = [";
        for (size_t i = 0; i < e.seeds.size(); ++i) {
            t << (i == 0 ? "" : ", ") << e.seeds[i];
        }
        t << "]\n";
    }

    t << "\n[run]\n";
    const RunOptions defaults;
    for (const Knob* knob : runKnobs()) {
        if (knob->key == "seed" || knob->key == "runs") {
            continue;  // the trials' own: [seeds], and one run each
        }
        const double value = knobValue(*knob, e.run);
        if (value != knobValue(*knob, defaults)) {
            t << knob->key << " = " << tomlValue(*knob, value) << "\n";
        }
    }
    t << "retries = " << e.retries << "\n";
    return t.str();
}

void writeExperimentFile(const Experiment& experiment, const std::string& path) {
    TrialStore::writeFileAtomically(path, experimentToToml(experiment));
}

}  // namespace airbench
