// The run configuration's JSON form (airbench/run_config.h), generated from the knob table.

#include <airbench/device.h>
#include <airbench/error.h>
#include <airbench/run_config.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

namespace airbench {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kConfigVersion = 2;

// Keys a recorded configuration holds beside the knobs: what the run found. Never read back.
const std::set<std::string>& factKeys() {
    static const std::set<std::string> keys = {
        "device_name", "libtorch",    "warmed_up", "block",
        "head",        "lr_schedule", "optimizer", "whitening_bias_init"};
    return keys;
}

Json knobJson(const Knob& knob, double value) {
    switch (knob.type) {
        case KnobType::Flag:
            return value != 0;
        case KnobType::Choice:
            return knob.format(value);
        case KnobType::Integer:
            return std::llround(value);
        case KnobType::Real:
            break;
    }
    return value;
}

[[noreturn]] void refuse(const std::string& source, const std::string& key,
                         const std::string& problem) {
    throw Error(source + ": '" + key + "' " + problem);
}

// A knob's value from its JSON, checked against the knob's type and range.
double knobFromJson(const Knob& knob, const Json& value, const std::string& source) {
    const std::string key(knob.key);
    double number = 0;
    switch (knob.type) {
        case KnobType::Flag:
            if (!value.is_boolean()) {
                refuse(source, key, "must be true or false, got " + value.dump());
            }
            return value.get<bool>() ? 1 : 0;
        case KnobType::Choice:
            if (!value.is_string()) {
                refuse(source, key, "must be " + knob.describeRange() + ", got " + value.dump());
            }
            try {
                return knob.parse(value.get<std::string>());
            } catch (const Error& e) {
                refuse(source, key, "must be " + knob.describeRange() + ", got " + value.dump());
            }
        case KnobType::Integer:
        case KnobType::Real:
            if (!value.is_number()) {
                refuse(source, key, "must be " + knob.describeRange() + ", got " + value.dump());
            }
            number = value.get<double>();
            break;
    }
    try {
        knob.check(number);
    } catch (const Error&) {
        refuse(source, key, "must be " + knob.describeRange() + ", got " + value.dump());
    }
    return number;
}

std::string stringField(const Json& object, const char* key, const std::string& where,
                        const std::string& source) {
    const Json& value = object.at(key);
    if (!value.is_string()) {
        refuse(source, where + "." + key, "must be a string, got " + value.dump());
    }
    return value.get<std::string>();
}

int64_t integerField(const Json& object, const char* key, const std::string& where,
                     const std::string& source) {
    const Json& value = object.at(key);
    if (!value.is_number_integer()) {
        refuse(source, where + "." + key, "must be an integer, got " + value.dump());
    }
    return value.get<int64_t>();
}

DataSelection dataFromJson(const Json& j, const std::string& source) {
    if (!j.is_object()) {
        refuse(source, "dataset", "must be an object, got " + j.dump());
    }
    DataSelection data;
    for (const auto& [key, value] : j.items()) {
        if (key == "path") {
            data.path = stringField(j, "path", "dataset", source);
        } else if (key == "format") {
            try {
                data.format = parseDatasetFormat(stringField(j, "format", "dataset", source));
            } catch (const Error& e) {
                refuse(source, "dataset.format", e.what());
            }
        } else if (key == "train_subset" || key == "test_subset") {
            const int64_t n = integerField(j, key.c_str(), "dataset", source);
            if (n == 0 || n < -1) {
                refuse(source, "dataset." + key, "must be a positive count or -1 (all)");
            }
            (key == "train_subset" ? data.trainSubset : data.testSubset) = n;
        } else if (key != "name" && key != "hash" && key != "train_examples" &&
                   key != "test_examples") {
            refuse(source, "dataset." + key,
                   "is not a dataset setting (path, format, train_subset, test_subset)");
        }
    }
    return data;
}

std::string maskFromJson(const Json& j, const std::string& source) {
    if (!j.is_object()) {
        refuse(source, "mask", "must be an object, got " + j.dump());
    }
    std::string path;
    for (const auto& [key, value] : j.items()) {
        if (key == "path") {
            path = stringField(j, "path", "mask", source);
        } else if (key != "name" && key != "hash" && key != "examples") {
            refuse(source, "mask." + key, "is not a mask setting (path)");
        }
    }
    if (path.empty() && j.contains("hash")) {
        throw Error(source + ": the run trained on mask '" + j.value("name", std::string("?")) +
                    "', which was never saved to a file; save it from the Explorer and name its "
                    "file in \"mask\": {\"path\": ...}");
    }
    return path;
}

// Whether `j` is a configuration recorded before config_version 2 (a hand-written one may leave
// the version out, but never has these).
bool isVersion1(const Json& j) {
    return !j.contains("config_version") && (j.contains("augmentation") || j.contains("widths") ||
                                             (j.contains("warmup") && j["warmup"].is_boolean()));
}

// Configurations recorded before config_version 2 held the augmentation as an object, the
// scaled widths, PyTorch's BatchNorm momentum, the device's description as "device", a boolean
// "warmup", and every field of the table whether the recipe used it or not.
void translateVersion1(Json& j, const Recipe& recipe) {
    if (j.contains("augmentation") && j["augmentation"].is_object()) {
        for (const auto& [key, value] : j["augmentation"].items()) {
            j[key] = value;
        }
        j.erase("augmentation");
    }
    j.erase("widths");
    if (j.contains("batchnorm_momentum") && j["batchnorm_momentum"].is_number()) {
        const double pytorch = j["batchnorm_momentum"].get<double>();
        j["batchnorm_momentum"] = std::round((1.0 - pytorch) * 1e12) / 1e12;
    }
    if (j.contains("device") && j["device"].is_string()) {
        const std::string device = j["device"].get<std::string>();
        if (device != "auto" && device != "cpu" && device != "cuda") {
            j["device_name"] = device;
            j.erase("device");
        }
    }
    if (j.contains("warmup") && j["warmup"].is_boolean()) {
        j["warmed_up"] = j["warmup"];
        j.erase("warmup");
    }
    for (const Knob& knob : knobs()) {
        if (!knob.isRunSetting() && !knobApplies(knob, recipe)) {
            j.erase(std::string(knob.key));
        }
    }
    // Subsets were recorded as counts only: the first N examples are the subset either way.
    if (j.contains("dataset") && j["dataset"].is_object()) {
        Json& d = j["dataset"];
        if (d.contains("train_examples") && !d.contains("train_subset")) {
            d["train_subset"] = d["train_examples"];
        }
        if (d.contains("test_examples") && !d.contains("test_subset")) {
            d["test_subset"] = d["test_examples"];
        }
    }
}

}  // namespace

std::string scheduleName(LrSchedule schedule) {
    switch (schedule) {
        case LrSchedule::WarmupThenFloor:
            return "warmup-then-floor";
        case LrSchedule::WarmupThenZero:
            return "warmup-then-zero";
        case LrSchedule::LinearToZero:
            return "linear-to-zero";
    }
    return "?";
}

std::string blockName(BlockKind block) {
    return block == BlockKind::TwoConv ? "2-conv" : "3-conv-residual";
}

std::string optimizerName(OptimizerKind optimizer) {
    return optimizer == OptimizerKind::Muon ? "muon+nesterov-sgd" : "nesterov-sgd";
}

Recipe resolvedRecipe(const RunConfig& config) {
    return resolveRecipe(findRecipe(config.recipe), config.overrides);
}

void validateRunConfig(const RunConfig& config) {
    resolvedRecipe(config);
    for (const Knob* knob : runKnobs()) {
        knob->check(knobValue(*knob, config.run));
    }
    const DataSelection& d = config.data;
    if (d.trainSubset == 0 || d.trainSubset < -1 || d.testSubset == 0 || d.testSubset < -1) {
        throw Error("subsets must be positive counts (or -1 for the whole split)");
    }
}

std::string runConfigToJson(const RunConfig& config, const RunFacts* facts, int indent) {
    const Recipe recipe = resolvedRecipe(config);
    Json j;
    j["config_version"] = kConfigVersion;
    j["recipe"] = recipe.name;
    for (const Knob* knob : recipeKnobs(recipe)) {
        j[std::string(knob->key)] = knobJson(*knob, knobValue(*knob, recipe.hyp));
    }
    for (const Knob* knob : runKnobs()) {
        j[std::string(knob->key)] = knobJson(*knob, knobValue(*knob, config.run));
    }
    Json data = {{"path", config.data.path},
                 {"format", formatName(config.data.format)},
                 {"train_subset", config.data.trainSubset},
                 {"test_subset", config.data.testSubset}};
    if (facts) {
        data["name"] = facts->datasetName;
        data["hash"] = facts->datasetHash;
        data["train_examples"] = facts->trainExamples;
        data["test_examples"] = facts->testExamples;
    }
    j["dataset"] = data;
    const bool masked = !config.maskPath.empty() || (facts && !facts->maskHash.empty());
    if (masked) {
        Json mask = Json::object();
        if (!config.maskPath.empty()) {
            mask["path"] = config.maskPath;
        }
        if (facts && !facts->maskHash.empty()) {
            mask["name"] = facts->maskName;
            mask["hash"] = facts->maskHash;
            mask["examples"] = facts->maskExamples;
        }
        j["mask"] = mask;
    }
    if (facts) {
        j["device_name"] = facts->device;
        j["libtorch"] = libtorchVersion();
        j["warmed_up"] = facts->warmedUp;
        j["optimizer"] = optimizerName(recipe.optimizer);
        j["lr_schedule"] = scheduleName(recipe.schedule);
        j["block"] = blockName(recipe.block);
        j["head"] = recipe.head == HeadKind::ScaledByNinth ? "linear/9" : "unit-std/width";
        j["whitening_bias_init"] =
            recipe.whiteningBias == WhiteningBiasInit::Zero ? "zero" : "uniform";
    }
    return j.dump(indent);
}

RunConfig runConfigFromJson(const std::string& text, const std::string& source) {
    Json j;
    try {
        j = Json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(source + " is not valid JSON: " + e.what());
    }
    if (!j.is_object()) {
        throw Error(source + " must be a JSON object, got " + std::string(j.type_name()));
    }
    RunConfig config;
    if (j.contains("recipe")) {
        if (!j["recipe"].is_string()) {
            refuse(source, "recipe", "must be a recipe name, got " + j["recipe"].dump());
        }
        config.recipe = j["recipe"].get<std::string>();
    }
    const Recipe* base = nullptr;
    try {
        base = &findRecipe(config.recipe);
    } catch (const Error& e) {
        throw Error(source + ": " + e.what());
    }
    if (isVersion1(j)) {
        translateVersion1(j, *base);
    } else if (j.contains("config_version") && j["config_version"] != kConfigVersion) {
        refuse(source, "config_version",
               "is " + j["config_version"].dump() + "; this version of Airbench Workbench reads " +
                   std::to_string(kConfigVersion));
    }
    for (const auto& [key, value] : j.items()) {
        if (key == "config_version" || key == "recipe" || factKeys().count(key) != 0) {
            continue;
        }
        if (key == "dataset") {
            config.data = dataFromJson(value, source);
            continue;
        }
        if (key == "mask") {
            config.maskPath = maskFromJson(value, source);
            continue;
        }
        const Knob* knob = knobOrNull(key);
        if (!knob) {
            refuse(source, key, "is not a setting (`airbench config schema` lists them)");
        }
        const double v = knobFromJson(*knob, value, source);
        if (knob->isRunSetting()) {
            setKnobValue(*knob, config.run, v);
        } else if (!knobApplies(*knob, *base)) {
            refuse(source, key,
                   "is not a knob of " + base->name + " (it changes nothing in that recipe)");
        } else if (v != knobValue(*knob, base->hyp)) {
            config.overrides[key] = v;
        }
    }
    try {
        validateRunConfig(config);
    } catch (const Error& e) {
        throw Error(source + ": " + e.what());
    }
    return config;
}

std::string runConfigSchemaJson() {
    Json properties;
    properties["config_version"] = {{"const", kConfigVersion}};
    properties["recipe"] = {{"enum", recipeNames()},
                            {"description", "The recipe whose table the knobs override"}};
    for (const Knob& knob : knobs()) {
        Json p;
        switch (knob.type) {
            case KnobType::Flag:
                p["type"] = "boolean";
                break;
            case KnobType::Choice:
                p["enum"] = Json::array();
                for (std::string_view choice : knob.choices) {
                    p["enum"].push_back(std::string(choice));
                }
                break;
            case KnobType::Integer:
                p["type"] = "integer";
                p["minimum"] = std::llround(knob.min);
                p["maximum"] = std::llround(knob.max);
                break;
            case KnobType::Real:
                p["type"] = "number";
                p["minimum"] = knob.min;
                p["maximum"] = knob.max;
                break;
        }
        std::string description(knob.help);
        if (!knob.unit.empty()) {
            description += " (" + std::string(knob.unit) + ")";
        }
        p["title"] = std::string(knob.label);
        p["description"] = description;
        properties[std::string(knob.key)] = p;
    }
    properties["dataset"] = {{"type", "object"},
                             {"properties",
                              {{"path", {{"type", "string"}}},
                               {"format", {{"enum", {"auto", "cifar10", "fashion-mnist"}}}},
                               {"train_subset", {{"type", "integer"}, {"minimum", -1}}},
                               {"test_subset", {{"type", "integer"}, {"minimum", -1}}},
                               {"name", {{"type", "string"}}},
                               {"hash", {{"type", "string"}}},
                               {"train_examples", {{"type", "integer"}}},
                               {"test_examples", {{"type", "integer"}}}}},
                             {"additionalProperties", false}};
    properties["mask"] = {{"type", "object"},
                          {"properties",
                           {{"path", {{"type", "string"}}},
                            {"name", {{"type", "string"}}},
                            {"hash", {{"type", "string"}}},
                            {"examples", {{"type", "integer"}}}}},
                          {"additionalProperties", false}};
    for (const std::string& fact : factKeys()) {
        properties[fact] = {{"description", "recorded by the run; not read back"}};
    }
    Json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                   {"title", "Airbench Workbench run configuration"},
                   {"type", "object"},
                   {"properties", properties},
                   {"additionalProperties", false}};
    return schema.dump(2);
}

std::string describeRecordedConfig(const std::string& text) {
    Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
        return text;
    }
    const Recipe* base = nullptr;
    try {
        base = &findRecipe(j.value("recipe", std::string("airbench94")));
    } catch (const Error&) {
        return text;
    }
    if (isVersion1(j)) {
        translateVersion1(j, *base);
    }
    std::vector<std::string> parts;
    for (const Knob* knob : recipeKnobs(*base)) {
        const auto it = j.find(std::string(knob->key));
        if (it == j.end()) {
            continue;
        }
        double value = 0;
        try {
            value = knobFromJson(*knob, *it, "");
        } catch (const Error&) {
            continue;
        }
        if (value != knobValue(*knob, base->hyp)) {
            parts.push_back(std::string(knob->label) + " " + knob->format(value));
        }
    }
    if (j.contains("dataset") && j["dataset"].is_object()) {
        const Json& d = j["dataset"];
        std::string data = d.value("name", std::string());
        if (d.contains("train_examples") && d.contains("test_examples")) {
            // Counts only where they were recorded: "(0 / 0)" would read as an empty dataset.
            data += " (" + d["train_examples"].dump() + " / " + d["test_examples"].dump() + ")";
        }
        if (!data.empty()) {
            parts.push_back(data);
        }
    }
    if (j.contains("mask") && j["mask"].is_object()) {
        const Json& m = j["mask"];
        const std::string name = m.value("name", m.value("hash", std::string()).substr(0, 12));
        parts.push_back("mask " + name);
    }
    const std::string device = j.value("device_name", std::string());
    if (!device.empty()) {
        parts.push_back(device);
    }
    std::string line;
    for (const std::string& part : parts) {
        line += (line.empty() ? "" : " · ") + part;
    }
    return line.empty() ? base->name + " as in its table" : line;
}

}  // namespace airbench
