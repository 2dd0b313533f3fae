// The experiment file (TOML, toml++) into an Experiment, checked against the knob table.

#include <airbench/experiment.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace airbench {
namespace {

namespace fs = std::filesystem;

// toml++ keeps a table's keys sorted; the file's order is where each key was written. The sweep's
// dimensions follow the file, and of two mistakes the first in the file is the one named.
struct Entry {
    const toml::key* key;
    const toml::node* node;
};
std::vector<Entry> inFileOrder(const toml::table& table) {
    std::vector<Entry> entries;
    for (auto&& [key, node] : table) {
        entries.push_back({&key, &node});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        const toml::source_position &x = a.key->source().begin, &y = b.key->source().begin;
        return x.line != y.line ? x.line < y.line : x.column < y.column;
    });
    return entries;
}

class Reader {
public:
    explicit Reader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void refuse(const toml::source_region& where, const std::string& key,
                             const std::string& problem) const {
        std::ostringstream message;
        message << path_ << ":" << where.begin.line << ":" << where.begin.column << ": ";
        if (!key.empty()) {
            message << "key '" << key << "': ";
        }
        message << problem;
        throw ExperimentError(message.str());
    }

    const toml::table& table(const toml::node& node, const std::string& key) const {
        if (!node.is_table()) {
            refuse(node.source(), key, "must be a table ([" + key + "])");
        }
        return *node.as_table();
    }

    std::string text(const toml::node& node, const std::string& key) const {
        if (!node.is_string()) {
            refuse(node.source(), key, "must be a string");
        }
        return node.value<std::string>().value_or("");
    }

    int64_t integer(const toml::node& node, const std::string& key, int64_t min,
                    int64_t max) const {
        if (!node.is_integer()) {
            refuse(node.source(), key, "must be an integer");
        }
        const int64_t v = node.value<int64_t>().value_or(0);
        if (v < min || v > max) {
            refuse(node.source(), key,
                   "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                       std::to_string(v));
        }
        return v;
    }

    // A knob's value as the table's type wants it: numbers for numbers, true/false for flags,
    // names for choices, within the knob's range.
    double knobValue(const toml::node& node, const Knob& knob) const {
        const std::string key(knob.key);
        const std::string expected = knob.describeRange();
        double value = 0;
        switch (knob.type) {
            case KnobType::Flag:
                if (!node.is_boolean()) {
                    refuse(node.source(), key, "must be true or false");
                }
                return node.value<bool>().value_or(false) ? 1 : 0;
            case KnobType::Choice:
                if (!node.is_string()) {
                    refuse(node.source(), key, "must be " + expected);
                }
                try {
                    return knob.parse(node.value<std::string>().value_or(""));
                } catch (const Error&) {
                    refuse(node.source(), key, "must be " + expected);
                }
            case KnobType::Integer:
                if (!node.is_integer()) {
                    refuse(node.source(), key, "must be " + expected);
                }
                value = double(node.value<int64_t>().value_or(0));
                break;
            case KnobType::Real:
                if (!node.is_number()) {
                    refuse(node.source(), key, "must be " + expected);
                }
                value = node.value<double>().value_or(0);
                break;
        }
        try {
            knob.check(value);
        } catch (const Error&) {
            refuse(node.source(), key, "must be " + expected + ", got " + knob.format(value));
        }
        return value;
    }

    // The recipe knob `key`, or a refusal naming what is wrong with the key.
    const Knob& recipeKnob(const toml::source_region& where, const std::string& key,
                           const Recipe& recipe) const {
        const Knob* knob = knobOrNull(key);
        if (!knob) {
            refuse(where, key, "is not a knob (`airbench config knobs` lists them)");
        }
        if (knob->isRunSetting()) {
            refuse(where, key, "is a run setting: put it in [run] (seeds in [seeds])");
        }
        if (!knobApplies(*knob, recipe)) {
            refuse(where, key, "is not a knob of " + recipe.name + " (it changes nothing there)");
        }
        return *knob;
    }

    std::string resolvePath(const std::string& text) const {
        fs::path p = text;
        if (text.rfind("~/", 0) == 0 && std::getenv("HOME")) {
            p = fs::path(std::getenv("HOME")) / text.substr(2);
        } else if (p.is_relative()) {
            p = fs::absolute(path_).parent_path() / p;
        }
        return p.lexically_normal().string();
    }

    const std::string& path() const { return path_; }
    std::string where(const toml::node& node) const {
        return path_ + ":" + std::to_string(node.source().begin.line) + ":" +
               std::to_string(node.source().begin.column);
    }

private:
    std::string path_;
};

void readData(const Reader& r, const toml::table& t, Experiment& e) {
    for (const Entry& entry : inFileOrder(t)) {
        const toml::key& k = *entry.key;
        const toml::node& node = *entry.node;
        const std::string key(k.str());
        if (key == "path") {
            e.data.path = r.resolvePath(r.text(node, key));
        } else if (key == "format") {
            try {
                e.data.format = parseDatasetFormat(r.text(node, key));
            } catch (const Error& err) {
                r.refuse(node.source(), key, err.what());
            }
        } else if (key == "train_subset") {
            e.data.trainSubset = r.integer(node, key, 1, int64_t(1) << 40);
        } else if (key == "test_subset") {
            e.data.testSubset = r.integer(node, key, 1, int64_t(1) << 40);
        } else if (key == "mask") {
            e.masks = {r.resolvePath(r.text(node, key))};
            e.maskWhere = {r.where(node) + ": key 'mask'"};
        } else if (key == "masks") {
            const toml::array* list = node.as_array();
            if (!list || list->empty()) {
                r.refuse(node.source(), key, "must be a non-empty list of mask files");
            }
            e.masks.clear();
            e.maskWhere.clear();
            for (const toml::node& m : *list) {
                e.masks.push_back(r.resolvePath(r.text(m, key)));
                e.maskWhere.push_back(r.where(m) + ": key 'masks'");
            }
        } else {
            r.refuse(k.source(), key,
                     "is not a [data] setting (path, format, train_subset, test_subset, mask, "
                     "masks)");
        }
    }
}

std::vector<double> valuesOf(const Reader& r, const toml::node& node, const Knob& knob) {
    const std::string key(knob.key);
    const toml::array* list = node.as_array();
    if (!list || list->empty()) {
        r.refuse(node.source(), key, "must be a non-empty list of values, e.g. [1, 2, 3]");
    }
    std::vector<double> values;
    for (const toml::node& v : *list) {
        values.push_back(r.knobValue(v, knob));
    }
    return values;
}

void readSeeds(const Reader& r, const toml::table& t, Experiment& e) {
    int64_t count = -1, first = 0;
    for (const Entry& entry : inFileOrder(t)) {
        const toml::key& k = *entry.key;
        const toml::node& node = *entry.node;
        const std::string key(k.str());
        if (key == "count") {
            count = r.integer(node, key, 1, 100000);
        } else if (key == "first") {
            first = r.integer(node, key, 0, int64_t(findKnob("seed").max));
        } else if (key == "list") {
            const toml::array* list = node.as_array();
            if (!list || list->empty()) {
                r.refuse(node.source(), key, "must be a non-empty list of seeds");
            }
            e.seeds.clear();
            std::set<uint64_t> seen;
            for (const toml::node& s : *list) {
                const auto seed =
                    static_cast<uint64_t>(r.integer(s, key, 0, int64_t(findKnob("seed").max)));
                if (!seen.insert(seed).second) {
                    r.refuse(s.source(), key, "lists seed " + std::to_string(seed) + " twice");
                }
                e.seeds.push_back(seed);
            }
        } else {
            r.refuse(k.source(), key, "is not a [seeds] setting (count, first, list)");
        }
    }
    if (count > 0) {
        if (t.contains("list")) {
            r.refuse(t.source(), "seeds", "give either count (and first) or list, not both");
        }
        e.seeds.clear();
        for (int64_t s = 0; s < count; ++s) {
            e.seeds.push_back(static_cast<uint64_t>(first + s));
        }
    }
}

void readRun(const Reader& r, const toml::table& t, Experiment& e) {
    for (const Entry& entry : inFileOrder(t)) {
        const toml::key& k = *entry.key;
        const toml::node& node = *entry.node;
        const std::string key(k.str());
        if (key == "retries") {
            e.retries = static_cast<int>(r.integer(node, key, 0, 100));
            continue;
        }
        const Knob* knob = knobOrNull(key);
        if (!knob || !knob->isRunSetting() || key == "seed" || key == "runs") {
            r.refuse(k.source(), key,
                     "is not a [run] setting (device, threads, compiled, fused_norm, "
                     "compact_pool, warmup, retries; seeds go in [seeds])");
        }
        setKnobValue(*knob, e.run, r.knobValue(node, *knob));
    }
}

}  // namespace

int64_t Experiment::pointCount() const {
    int64_t n = 1;
    for (const SweptKnob& s : grid) {
        n *= static_cast<int64_t>(s.values.size());
    }
    if (!zipped.empty()) {
        n *= static_cast<int64_t>(zipped.front().values.size());
    }
    return n * std::max<int64_t>(1, static_cast<int64_t>(masks.size()));
}

Experiment parseExperiment(const std::string& text, const std::string& path) {
    const Reader r(path);
    toml::table doc;
    try {
        doc = toml::parse(text, path);
    } catch (const toml::parse_error& err) {
        r.refuse(err.source(), "", std::string(err.description()));
    }
    Experiment e;
    e.sourcePath = fs::absolute(path).lexically_normal().string();
    e.name = fs::path(path).stem().string();
    e.seeds = {0};
    // The recipe first: every knob is checked against its table.
    if (const toml::node* recipe = doc.get("recipe")) {
        e.recipe = r.text(*recipe, "recipe");
        try {
            findRecipe(e.recipe);
        } catch (const Error& err) {
            r.refuse(recipe->source(), "recipe", err.what());
        }
    }
    const Recipe& recipe = findRecipe(e.recipe);
    std::set<std::string> swept;
    for (const Entry& entry : inFileOrder(doc)) {
        const toml::key& k = *entry.key;
        const toml::node& node = *entry.node;
        const std::string key(k.str());
        if (key == "recipe") {
            continue;
        } else if (key == "name") {
            e.name = r.text(node, key);
            if (e.name.empty() || e.name.find_first_of("/\\,\n") != std::string::npos) {
                r.refuse(node.source(), key, "must be a non-empty name without / \\ , or newlines");
            }
        } else if (key == "directory") {
            e.directory = r.resolvePath(r.text(node, key));
        } else if (key == "data") {
            readData(r, r.table(node, key), e);
        } else if (key == "fixed") {
            for (const Entry& knobEntry : inFileOrder(r.table(node, key))) {
                const toml::key& fk = *knobEntry.key;
                const toml::node& value = *knobEntry.node;
                const Knob& knob = r.recipeKnob(fk.source(), std::string(fk.str()), recipe);
                e.fixed[std::string(knob.key)] = r.knobValue(value, knob);
            }
        } else if (key == "sweep" || key == "zip") {
            for (const Entry& knobEntry : inFileOrder(r.table(node, key))) {
                const toml::key& sk = *knobEntry.key;
                const toml::node& values = *knobEntry.node;
                const std::string knobKey(sk.str());
                const Knob& knob = r.recipeKnob(sk.source(), knobKey, recipe);
                if (!swept.insert(knobKey).second) {
                    r.refuse(sk.source(), knobKey, "is swept twice ([sweep] and [zip])");
                }
                SweptKnob s{knobKey, valuesOf(r, values, knob)};
                if (key == "zip" && !e.zipped.empty() &&
                    s.values.size() != e.zipped.front().values.size()) {
                    r.refuse(values.source(), knobKey,
                             "has " + std::to_string(s.values.size()) +
                                 " values; the zipped lists must be equally long (" +
                                 e.zipped.front().key + " has " +
                                 std::to_string(e.zipped.front().values.size()) + ")");
                }
                (key == "sweep" ? e.grid : e.zipped).push_back(std::move(s));
            }
        } else if (key == "seeds") {
            readSeeds(r, r.table(node, key), e);
        } else if (key == "run") {
            readRun(r, r.table(node, key), e);
        } else {
            r.refuse(k.source(), key,
                     "is not an experiment setting (name, recipe, directory, [data], [fixed], "
                     "[sweep], [zip], [seeds], [run])");
        }
    }
    for (const std::string& key : swept) {
        if (e.fixed.count(key)) {
            r.refuse(doc.source(), key, "is both fixed and swept");
        }
    }
    if (e.directory.empty()) {
        e.directory = (fs::path(e.sourcePath).parent_path() / e.name).string();
    }
    return e;
}

Experiment readExperimentFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw ExperimentError("cannot read the experiment file '" + path + "'");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parseExperiment(text.str(), path);
}

std::string experimentTemplate(const std::string& name, const std::string& recipeName) {
    const Recipe& recipe = findRecipe(recipeName);
    auto value = [&](const char* key) {
        return findKnob(key).format(knobValue(findKnob(key), recipe.hyp));
    };
    std::ostringstream t;
    t << "# An Airbench Workbench experiment. Every combination of the [sweep] lists (the [zip]\n"
         "# lists advance together, as one more dimension), every mask and every seed is one\n"
         "# trial: one run of "
      << recipe.name
      << " with those values. Run it on this machine with\n"
         "#   airbench experiment run THIS_FILE --workers 2\n"
         "# or on a Slurm cluster with\n"
         "#   airbench experiment submit THIS_FILE --slurm --partition gpu --gpus-per-task 1\n"
         "# and again after a change: finished trials are kept, only new or failed ones run.\n"
         "# Knob names are the keys of `airbench config knobs --recipe "
      << recipe.name << "`.\n\n"
      << "name = \"" << name << "\"\n"
      << "recipe = \"" << recipe.name << "\"\n"
      << "# directory = \"" << name
      << "\"    # where the trials' results go (default: next to this file)\n\n"
      << "[data]\n"
      << "# path = \"/path/to/cifar10\"   # default: the default dataset (`airbench data info`)\n"
      << "# train_subset = 10000         # the first N training examples\n"
      << "# test_subset = 2000\n"
      << "# masks = [\"hard.mask\", \"random.mask\"]   # each mask is one more swept value\n\n"
      << "[fixed]          # the same for every trial\n"
      << "epochs = " << value("epochs") << "\n"
      << "# width_multiplier = 0.25\n\n"
      << "[sweep]          # every combination of these lists\n"
      << "learning_rate = [" << value("learning_rate") << "]\n"
      << "# batch_size = [512, " << value("batch_size") << "]\n\n"
      << "# [zip]          # equally long lists that advance together\n"
      << "# epochs = [2, 4, 8]\n"
      << "# whitening_bias_epochs = [1, 2, 3]\n\n"
      << "[seeds]\n"
      << "count = 5        # seeds first .. first + count - 1 (or: list = [0, 7, 11])\n"
      << "first = 0\n\n"
      << "[run]\n"
      << "device = \"auto\"  # auto, cpu or cuda\n"
      << "threads = 0      # per trial; 0: $OMP_NUM_THREADS, else every core\n"
      << "retries = 2      # a failed trial is tried again this many times\n";
    return t.str();
}

}  // namespace airbench
