#include <airbench/history_export.h>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

namespace airbench::history {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "airbench-runs";
constexpr int kFormatVersion = 1;

json number(double value) {
    return std::isfinite(value) ? json(value) : json(nullptr);
}

double numberOr(const json& object, const char* key, double fallback = kNotMeasured) {
    const auto it = object.find(key);
    return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

template <typename T>
T valueOr(const json& object, const char* key, T fallback) {
    const auto it = object.find(key);
    return it != object.end() && !it->is_null() ? it->get<T>() : fallback;
}

json recordJson(const RunRecord& r) {
    json out = {{"id", r.id},
                {"uid", r.uid},
                {"recipe", r.recipe},
                {"status", statusName(r.status)},
                {"seed", r.seed},
                {"dataset", {{"name", r.datasetName}, {"hash", r.datasetHash}}},
                {"mask", {{"name", r.maskName}, {"hash", r.maskHash}}},
                {"device", r.device},
                {"software_version", r.softwareVersion},
                {"started_at", r.startedAt},
                {"finished_at", r.finishedAt.empty() ? json(nullptr) : json(r.finishedAt)},
                {"updated_at", r.updatedAt},
                {"error", r.error},
                {"val_acc", number(r.valAccuracy)},
                {"tta_val_acc", number(r.ttaValAccuracy)},
                {"train_seconds", number(r.trainSeconds)},
                {"steps", r.steps},
                {"epochs_done", r.epochsDone},
                {"planned_epochs", r.plannedEpochs},
                {"planned_steps", r.plannedSteps},
                {"tags", r.tags},
                {"notes", r.notes},
                {"messages", r.messages},
                {"writer", {{"pid", r.writerPid}, {"host", r.writerHost}}},
                {"config_key", r.configKey}};
    // The configuration goes out as the object it is, so that scripts need not parse twice.
    // Listings read without it (RunFilter::withConfig) leave it out.
    if (!r.configJson.empty()) {
        const json config = json::parse(r.configJson, nullptr, false);
        out["config"] = config.is_discarded() ? json(r.configJson) : config;
    }
    return out;
}

RunRecord recordFromJson(const json& j) {
    RunRecord r;
    r.uid = valueOr<std::string>(j, "uid", "");
    r.recipe = j.at("recipe").get<std::string>();
    const json& config = j.at("config");
    r.configJson = config.is_string() ? config.get<std::string>() : config.dump();
    const json none = json::object();
    const json& dataset = j.contains("dataset") ? j["dataset"] : none;
    const json& mask = j.contains("mask") ? j["mask"] : none;
    r.datasetName = valueOr<std::string>(dataset, "name", "");
    r.datasetHash = valueOr<std::string>(dataset, "hash", "");
    r.maskName = valueOr<std::string>(mask, "name", "");
    r.maskHash = valueOr<std::string>(mask, "hash", "");
    r.seed = valueOr<uint64_t>(j, "seed", 0);
    r.device = valueOr<std::string>(j, "device", "");
    r.softwareVersion = valueOr<std::string>(j, "software_version", "");
    r.startedAt = valueOr<std::string>(j, "started_at", "");
    r.finishedAt = valueOr<std::string>(j, "finished_at", "");
    r.updatedAt = valueOr<std::string>(j, "updated_at", "");
    r.status = parseStatus(valueOr<std::string>(j, "status", "finished"));
    r.error = valueOr<std::string>(j, "error", "");
    r.valAccuracy = numberOr(j, "val_acc");
    r.ttaValAccuracy = numberOr(j, "tta_val_acc");
    r.trainSeconds = numberOr(j, "train_seconds");
    r.steps = valueOr<int64_t>(j, "steps", 0);
    r.plannedEpochs = valueOr<int>(j, "planned_epochs", 0);
    r.plannedSteps = valueOr<int64_t>(j, "planned_steps", 0);
    r.tags = valueOr<std::vector<std::string>>(j, "tags", {});
    r.notes = valueOr<std::string>(j, "notes", "");
    r.messages = valueOr<std::vector<std::string>>(j, "messages", {});
    if (j.contains("writer")) {
        r.writerPid = valueOr<int64_t>(j["writer"], "pid", 0);
        r.writerHost = valueOr<std::string>(j["writer"], "host", "");
    }
    return r;
}

json detailsJson(const RunDetails& d) {
    json run = recordJson(d.record);
    json epochs = json::array();
    for (const EpochMetrics& m : d.epochs) {
        epochs.push_back({{"epoch", m.epoch + 1},
                          {"steps", m.steps},
                          {"train_loss", number(m.trainLoss)},
                          {"train_acc", number(m.trainAccuracy)},
                          {"val_acc", number(m.valAccuracy)},
                          {"time_seconds", number(m.seconds)}});
    }
    // Columns, not one object per point: a few thousand points stay a few lines.
    json step = json::array(), epoch = json::array(), loss = json::array(), count = json::array();
    for (const StepPoint& p : d.steps) {
        step.push_back(p.step);
        epoch.push_back(p.epoch + 1);
        loss.push_back(number(p.loss));
        count.push_back(p.count);
    }
    json artifacts = json::array();
    for (const Artifact& a : d.artifacts) {
        artifacts.push_back({{"kind", a.kind}, {"path", a.path}, {"created_at", a.createdAt}});
    }
    run["epochs"] = std::move(epochs);
    run["step_losses"] = {{"step", step}, {"epoch", epoch}, {"loss", loss}, {"count", count}};
    run["artifacts"] = std::move(artifacts);
    return run;
}

RunDetails detailsFromJson(const json& j) {
    RunDetails d;
    d.record = recordFromJson(j);
    for (const json& e : valueOr<json>(j, "epochs", json::array())) {
        EpochMetrics m;
        m.epoch = e.at("epoch").get<int>() - 1;
        m.steps = valueOr<int64_t>(e, "steps", 0);
        m.trainLoss = numberOr(e, "train_loss");
        m.trainAccuracy = numberOr(e, "train_acc");
        m.valAccuracy = numberOr(e, "val_acc");
        m.seconds = numberOr(e, "time_seconds");
        d.epochs.push_back(m);
    }
    if (j.contains("step_losses")) {
        const json& s = j["step_losses"];
        const json& step = s.at("step");
        const json& epoch = s.at("epoch");
        const json& loss = s.at("loss");
        const json& count = s.at("count");
        if (epoch.size() != step.size() || loss.size() != step.size() ||
            count.size() != step.size()) {
            throw HistoryError("step_losses columns of different lengths");
        }
        for (size_t i = 0; i < step.size(); ++i) {
            d.steps.push_back({step[i].get<int64_t>(), epoch[i].get<int>() - 1,
                               loss[i].is_number() ? loss[i].get<double>() : kNotMeasured,
                               count[i].get<int>()});
        }
    }
    for (const json& a : valueOr<json>(j, "artifacts", json::array())) {
        Artifact artifact;
        artifact.kind = a.at("kind").get<std::string>();
        artifact.path = a.at("path").get<std::string>();
        artifact.createdAt = valueOr<std::string>(a, "created_at", "");
        d.artifacts.push_back(artifact);
    }
    return d;
}

// Every run oldest first, or the given ones in the given order.
std::vector<int64_t> selection(const Database& db, const std::vector<int64_t>& runIds) {
    if (!runIds.empty()) {
        return runIds;
    }
    RunFilter all;
    all.withConfig = false;
    std::vector<int64_t> ids;
    for (const RunRecord& r : db.runs(all)) {
        ids.push_back(r.id);
    }
    return {ids.rbegin(), ids.rend()};
}

// RFC 4180: quote a field holding a separator, a quote or a line break; double the quotes.
std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (char ch : text) {
        out += ch;
        if (ch == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

// The shortest text that reads back as the same double; empty when not measured.
std::string csvNumber(double value) {
    if (!std::isfinite(value)) {
        return "";
    }
    char text[32];
    const auto result = std::to_chars(text, text + sizeof text, value);
    return std::string(text, result.ptr);
}

std::string csvLine(const std::vector<std::string>& fields) {
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i) {
        line += (i ? "," : "") + csvField(fields[i]);
    }
    return line + "\n";
}

std::string joinTags(const std::vector<std::string>& tags) {
    std::string out;
    for (const std::string& tag : tags) {
        out += (out.empty() ? "" : ";") + tag;
    }
    return out;
}

}  // namespace

std::string exportRunsJson(const Database& db, const std::vector<int64_t>& runIds) {
    json runs = json::array();
    for (int64_t id : selection(db, runIds)) {
        runs.push_back(detailsJson(db.details(id)));
    }
    const json document = {{"format", kFormat},
                           {"version", kFormatVersion},
                           {"exported_at", currentTimestamp()},
                           {"software_version", historyLibraryVersion()},
                           {"runs", std::move(runs)}};
    return document.dump(1) + "\n";
}

std::string exportRunsCsv(const Database& db, const std::vector<int64_t>& runIds) {
    std::string out = csvLine({"id",
                               "uid",
                               "started_at",
                               "finished_at",
                               "status",
                               "recipe",
                               "seed",
                               "dataset_name",
                               "dataset_hash",
                               "mask_name",
                               "mask_hash",
                               "device",
                               "software_version",
                               "val_acc",
                               "tta_val_acc",
                               "train_seconds",
                               "steps",
                               "epochs_done",
                               "planned_epochs",
                               "tags",
                               "notes",
                               "error",
                               "config_json"});
    for (int64_t id : selection(db, runIds)) {
        const std::optional<RunRecord> r = db.run(id);
        if (!r) {
            throw HistoryError("no run " + std::to_string(id) + " in the history '" + db.path() +
                               "'");
        }
        out += csvLine({std::to_string(r->id),
                        r->uid,
                        r->startedAt,
                        r->finishedAt,
                        statusName(r->status),
                        r->recipe,
                        std::to_string(r->seed),
                        r->datasetName,
                        r->datasetHash,
                        r->maskName,
                        r->maskHash,
                        r->device,
                        r->softwareVersion,
                        csvNumber(r->valAccuracy),
                        csvNumber(r->ttaValAccuracy),
                        csvNumber(r->trainSeconds),
                        std::to_string(r->steps),
                        std::to_string(r->epochsDone),
                        std::to_string(r->plannedEpochs),
                        joinTags(r->tags),
                        r->notes,
                        r->error,
                        r->configJson});
    }
    return out;
}

std::string exportEpochsCsv(const Database& db, const std::vector<int64_t>& runIds) {
    std::string out =
        csvLine({"run_id", "epoch", "steps", "train_loss", "train_acc", "val_acc", "time_seconds"});
    for (int64_t id : selection(db, runIds)) {
        if (!db.run(id)) {
            throw HistoryError("no run " + std::to_string(id) + " in the history '" + db.path() +
                               "'");
        }
        for (const EpochMetrics& m : db.epochs(id)) {
            out +=
                csvLine({std::to_string(id), std::to_string(m.epoch + 1), std::to_string(m.steps),
                         csvNumber(m.trainLoss), csvNumber(m.trainAccuracy),
                         csvNumber(m.valAccuracy), csvNumber(m.seconds)});
        }
    }
    return out;
}

ImportResult importRunsJson(Database& db, const std::string& text) {
    const json document = json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object() ||
        document.value("format", "") != kFormat) {
        throw HistoryError("not an airbench-runs export (expected {\"format\": \"" +
                           std::string(kFormat) + "\", ...})");
    }
    if (document.value("version", 0) > kFormatVersion) {
        throw HistoryError(
            "airbench-runs export version " + std::to_string(document.value("version", 0)) +
            " is newer than this build reads (" + std::to_string(kFormatVersion) + ")");
    }
    ImportResult result;
    int index = 0;
    for (const json& run : document.at("runs")) {
        RunDetails details;
        try {
            details = detailsFromJson(run);
        } catch (const json::exception& e) {
            throw HistoryError("run " + std::to_string(index) + " of the export: " + e.what());
        }
        const int64_t id = db.insertRun(details);
        if (id == 0) {
            ++result.skipped;
        } else {
            result.imported.push_back(id);
        }
        ++index;
    }
    return result;
}

std::string recordsJson(const std::vector<RunRecord>& records) {
    json out = json::array();
    for (const RunRecord& r : records) {
        out.push_back(recordJson(r));
    }
    return out.dump();
}

}  // namespace airbench::history
