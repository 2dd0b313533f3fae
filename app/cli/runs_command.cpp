// airbench runs: the run history (see airbench/history.h) from the command line: list, show,
// group by configuration, tag, annotate, register files, export, import and delete.

#include <airbench/history.h>
#include <airbench/history_export.h>

#include "cli_common.h"
#include "commands.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

namespace airbench::cli {
namespace {

using history::Database;
using history::RunRecord;

constexpr int64_t kDefaultTableRows = 50;

struct RunsOptions {
    std::string db;
    bool json = false;
    std::string recipe, status, tag, text;
    std::optional<int64_t> limit;
    // Subcommand arguments.
    int64_t id = 0;
    std::vector<int64_t> ids;
    std::vector<std::string> tags;
    bool removeTags = false;
    std::string note;
    std::string format = "json";
    std::string out;
    std::string file;
    std::string kind;
    bool keepFiles = false;
};

struct Subcommands {
    CLI::App *show, *groups, *tag, *note, *artifact, *exportRuns, *importRuns, *remove;
};

Database openDatabase(const RunsOptions& o) {
    return Database(o.db.empty() ? Database::defaultPath() : o.db);
}

history::RunFilter filterOf(const RunsOptions& o) {
    history::RunFilter f;
    f.recipe = o.recipe;
    if (!o.status.empty()) {
        f.status = history::parseStatus(o.status);
    }
    f.tag = o.tag;
    f.text = o.text;
    f.limit = o.limit.value_or(o.json ? -1 : kDefaultTableRows);
    if (f.limit == 0) {
        f.limit = -1;
    }
    return f;
}

std::string percent(double fraction) {
    if (!std::isfinite(fraction)) {
        return "";
    }
    char text[16];
    std::snprintf(text, sizeof text, "%.2f", 100 * fraction);
    return text;
}

std::string joined(const std::vector<std::string>& parts, const char* separator) {
    std::string out;
    for (const std::string& part : parts) {
        out += (out.empty() ? "" : separator) + part;
    }
    return out;
}

// "2026-11-27T10:15:03.123Z" -> "2026-11-27 10:15:03" (UTC, as stored).
std::string shortTime(const std::string& iso) {
    std::string t = iso.substr(0, 19);
    if (t.size() > 10) {
        t[10] = ' ';
    }
    return t;
}

void writeOutput(const std::string& path, const std::string& text) {
    if (path.empty() || path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return;
    }
    const std::string temporary = path + ".partial";
    {
        std::ofstream out(temporary, std::ios::binary);
        out << text;
        if (!out) {
            throw Error("cannot write '" + path + "'");
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw Error("cannot write '" + path + "'");
    }
}

int listRuns(const RunsOptions& o) {
    Database db = openDatabase(o);
    history::RunFilter filter = filterOf(o);
    filter.withConfig = o.json;
    const std::vector<RunRecord> runs = db.runs(filter);
    history::RunFilter all = filter;
    all.limit = -1;
    const int64_t total = db.countRuns(all);
    if (o.json) {
        const nlohmann::json out = {{"database", db.path()},
                                    {"total", total},
                                    {"runs", nlohmann::json::parse(history::recordsJson(runs))}};
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("%6s  %-19s  %-18s  %-11s %6s %7s %8s %8s %8s  %s\n", "id", "started (UTC)",
                "recipe", "status", "seed", "epochs", "val_acc", "tta_acc", "time_s", "tags");
    for (const RunRecord& r : runs) {
        const std::string epochs =
            std::to_string(r.epochsDone) + "/" + std::to_string(r.plannedEpochs);
        std::printf("%6lld  %-19s  %-18s  %-11s %6llu %7s %8s %8s %8s  %s\n",
                    static_cast<long long>(r.id), shortTime(r.startedAt).c_str(), r.recipe.c_str(),
                    history::statusName(r.status).c_str(), static_cast<unsigned long long>(r.seed),
                    epochs.c_str(), percent(r.valAccuracy).c_str(),
                    percent(r.ttaValAccuracy).c_str(),
                    std::isfinite(r.trainSeconds) ? formatSeconds(r.trainSeconds).c_str() : "",
                    joined(r.tags, ",").c_str());
    }
    if (static_cast<int64_t>(runs.size()) < total) {
        std::fprintf(stderr, "%zu of %lld runs shown (--limit 0 for all)\n", runs.size(),
                     static_cast<long long>(total));
    }
    if (db.interruptedAtOpen() > 0) {
        std::fprintf(stderr, "%d run%s whose process died marked interrupted\n",
                     db.interruptedAtOpen(), db.interruptedAtOpen() == 1 ? "" : "s");
    }
    return 0;
}

int showRun(const RunsOptions& o) {
    Database db = openDatabase(o);
    if (o.json) {
        const nlohmann::json document = nlohmann::json::parse(history::exportRunsJson(db, o.ids));
        std::printf("%s\n", document["runs"].dump(2).c_str());
        return 0;
    }
    for (int64_t id : o.ids) {
        const history::RunDetails d = db.details(id);
        const RunRecord& r = d.record;
        std::printf("run %lld  %s  %s  seed %llu  %s\n", static_cast<long long>(r.id),
                    r.recipe.c_str(), history::statusName(r.status).c_str(),
                    static_cast<unsigned long long>(r.seed), r.device.c_str());
        std::printf("  started %s  finished %s  (UTC)\n", shortTime(r.startedAt).c_str(),
                    r.finishedAt.empty() ? "-" : shortTime(r.finishedAt).c_str());
        std::printf(
            "  data %s %s%s%s\n", r.datasetName.c_str(), r.datasetHash.substr(0, 12).c_str(),
            r.maskName.empty() ? "" : ", mask ",
            r.maskName.empty() ? "" : (r.maskName + " " + r.maskHash.substr(0, 12)).c_str());
        std::printf("  val_acc %s  tta_val_acc %s  time %s  steps %lld\n",
                    percent(r.valAccuracy).c_str(), percent(r.ttaValAccuracy).c_str(),
                    std::isfinite(r.trainSeconds) ? formatSeconds(r.trainSeconds).c_str() : "-",
                    static_cast<long long>(r.steps));
        if (!r.error.empty()) {
            std::printf("  error: %s\n", r.error.c_str());
        }
        if (!r.tags.empty()) {
            std::printf("  tags: %s\n", joined(r.tags, ", ").c_str());
        }
        if (!r.notes.empty()) {
            std::printf("  notes: %s\n", r.notes.c_str());
        }
        for (const std::string& m : r.messages) {
            std::printf("  engine: %s\n", m.c_str());
        }
        for (const history::Artifact& a : d.artifacts) {
            std::printf("  %s: %s\n", a.kind.c_str(), a.path.c_str());
        }
        std::printf("  %6s %11s %10s %8s %9s\n", "epoch", "train_loss", "train_acc", "val_acc",
                    "time_s");
        for (const EpochMetrics& m : d.epochs) {
            std::printf("  %6d %11.4f %10.4f %8s %9.2f\n", m.epoch + 1, m.trainLoss,
                        m.trainAccuracy, percent(m.valAccuracy).c_str(), m.seconds);
        }
        std::printf("  %zu step-loss points\n\n", d.steps.size());
    }
    return 0;
}

int showGroups(const RunsOptions& o) {
    Database db = openDatabase(o);
    history::RunFilter filter = filterOf(o);
    filter.limit = -1;
    const std::vector<history::RunGroup> groups = db.groups(filter);
    if (o.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const history::RunGroup& g : groups) {
            out.push_back({{"recipe", g.recipe},
                           {"runs", g.runIds.size()},
                           {"run_ids", g.runIds},
                           {"finished", g.finished},
                           {"tta_val_acc",
                            {{"count", g.ttaAccuracy.count},
                             {"mean", number(g.ttaAccuracy.count ? g.ttaAccuracy.mean : NAN)},
                             {"std", number(g.ttaAccuracy.count ? g.ttaAccuracy.stddev : NAN)},
                             {"ci95", number(g.ttaAccuracy.count ? g.ttaAccuracy.ci95 : NAN)}}},
                           {"mean_time_seconds", number(g.seconds.count ? g.seconds.mean : NAN)},
                           {"first_started_at", g.firstStartedAt},
                           {"last_started_at", g.lastStartedAt},
                           {"config", nlohmann::json::parse(g.configKey, nullptr, false)}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("%5s  %-18s %5s %8s  %-26s %9s  %s\n", "group", "recipe", "runs", "finished",
                "tta_acc % (mean±std, ±CI95)", "time_s", "run ids");
    int n = 0;
    for (const history::RunGroup& g : groups) {
        std::string accuracy;
        if (g.ttaAccuracy.count > 0) {
            char text[64];
            std::snprintf(text, sizeof text, "%.2f ± %.2f (±%.2f)", 100 * g.ttaAccuracy.mean,
                          100 * g.ttaAccuracy.stddev, 100 * g.ttaAccuracy.ci95);
            accuracy = text;
        }
        std::string ids;
        for (size_t i = 0; i < g.runIds.size() && i < 8; ++i) {
            ids += (i ? "," : "") + std::to_string(g.runIds[i]);
        }
        if (g.runIds.size() > 8) {
            ids += ",...";
        }
        std::printf("%5d  %-18s %5zu %8d  %-26s %9s  %s\n", ++n, g.recipe.c_str(), g.runIds.size(),
                    g.finished, accuracy.c_str(),
                    g.seconds.count ? formatSeconds(g.seconds.mean).c_str() : "", ids.c_str());
    }
    return 0;
}

int exportRuns(const RunsOptions& o) {
    Database db = openDatabase(o);
    std::vector<int64_t> ids = o.ids;
    if (ids.empty()) {
        history::RunFilter filter = filterOf(o);
        filter.limit = o.limit.value_or(0) > 0 ? *o.limit : -1;  // every match unless limited
        filter.withConfig = false;
        for (const RunRecord& r : db.runs(filter)) {
            ids.insert(ids.begin(), r.id);  // oldest first
        }
        if (ids.empty()) {
            throw Error("no runs match: nothing to export");
        }
    }
    std::string text;
    if (o.format == "json") {
        text = history::exportRunsJson(db, ids);
    } else if (o.format == "csv") {
        text = history::exportRunsCsv(db, ids);
    } else {
        text = history::exportEpochsCsv(db, ids);
    }
    writeOutput(o.out, text);
    if (!o.out.empty() && o.out != "-") {
        std::fprintf(stderr, "exported %zu run%s to %s\n", ids.size(), ids.size() == 1 ? "" : "s",
                     o.out.c_str());
    }
    return 0;
}

int importRuns(const RunsOptions& o) {
    std::ifstream in(o.file, std::ios::binary);
    if (!in) {
        throw Error("cannot read '" + o.file + "'");
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    Database db = openDatabase(o);
    const history::ImportResult result = history::importRunsJson(db, text);
    std::fprintf(stderr, "imported %zu run%s into %s (%d already there)\n", result.imported.size(),
                 result.imported.size() == 1 ? "" : "s", db.path().c_str(), result.skipped);
    if (o.json) {
        std::printf("%s\n",
                    nlohmann::json({{"imported", result.imported}, {"skipped", result.skipped}})
                        .dump(2)
                        .c_str());
    }
    return 0;
}

int deleteRuns(const RunsOptions& o) {
    Database db = openDatabase(o);
    const Database::DeleteResult result = db.deleteRuns(o.ids, !o.keepFiles);
    std::fprintf(stderr, "deleted %d run%s, %zu file%s\n", result.runs, result.runs == 1 ? "" : "s",
                 result.filesRemoved.size(), result.filesRemoved.size() == 1 ? "" : "s");
    for (const std::string& f : result.filesShared) {
        std::fprintf(stderr, "  kept %s (another run lists it)\n", f.c_str());
    }
    for (const std::string& f : result.failures) {
        std::fprintf(stderr, "  could not delete %s\n", f.c_str());
    }
    return result.failures.empty() ? 0 : kExitError;
}

int run(const RunsOptions& o, const Subcommands& s) {
    if (s.show->parsed()) {
        return showRun(o);
    }
    if (s.groups->parsed()) {
        return showGroups(o);
    }
    if (s.tag->parsed()) {
        Database db = openDatabase(o);
        if (o.removeTags) {
            db.removeTags(o.id, o.tags);
        } else {
            db.addTags(o.id, o.tags);
        }
        std::printf("%s\n", joined(db.run(o.id)->tags, ",").c_str());
        return 0;
    }
    if (s.note->parsed()) {
        openDatabase(o).setNotes(o.id, o.note);
        return 0;
    }
    if (s.artifact->parsed()) {
        openDatabase(o).addArtifact(o.id, o.kind, o.file);
        return 0;
    }
    if (s.exportRuns->parsed()) {
        return exportRuns(o);
    }
    if (s.importRuns->parsed()) {
        return importRuns(o);
    }
    if (s.remove->parsed()) {
        return deleteRuns(o);
    }
    return listRuns(o);
}

}  // namespace

Command addRunsCommand(CLI::App& app) {
    auto o = std::make_shared<RunsOptions>();
    CLI::App* c = app.add_subcommand(
        "runs", "List the recorded runs (and show, group, tag, export, import, delete them)");
    c->require_subcommand(0, 1);
    c->fallthrough();  // `runs export --db X`: the options below work after a subcommand too
    c->add_option("--db", o->db,
                  "History database (default: $AIRBENCH_HISTORY_DB, else "
                  "~/.local/share/airbench-workbench/history.sqlite)");
    c->add_flag("--json", o->json, "Print JSON");
    c->add_option("--recipe", o->recipe, "Only runs of this recipe");
    c->add_option("--status", o->status, "Only runs with this status")
        ->check(CLI::IsMember({"running", "finished", "cancelled", "failed", "interrupted"}));
    c->add_option("--tag", o->tag, "Only runs with this tag");
    c->add_option("--text", o->text, "Only runs whose recipe, tags, notes or error contain this");
    c->add_option("--limit", o->limit,
                  "At most N runs, newest first (default: 50 in the table, all with --json; "
                  "0: all)")
        ->check(CLI::NonNegativeNumber);

    Subcommands s{};
    s.show = c->add_subcommand("show", "One run's record, epochs and files");
    s.show->add_option("ids", o->ids, "Run ids")->required();

    s.groups = c->add_subcommand(
        "groups", "Runs grouped by configuration (all but the seed): count, mean, std, 95% CI");

    s.tag = c->add_subcommand("tag", "Add tags to a run (or remove them with --remove)");
    s.tag->add_option("id", o->id, "Run id")->required();
    s.tag->add_option("tags", o->tags, "Tags")->required();
    s.tag->add_flag("--remove", o->removeTags, "Remove the tags instead");

    s.note = c->add_subcommand("note", "Set a run's notes (\"\" clears them)");
    s.note->add_option("id", o->id, "Run id")->required();
    s.note->add_option("text", o->note, "Notes")->required();

    s.artifact = c->add_subcommand(
        "artifact", "Register a file a run produced (deleted with the run unless shared)");
    s.artifact->add_option("id", o->id, "Run id")->required();
    s.artifact->add_option("kind", o->kind, "checkpoint, scores, mask, report or other")
        ->required()
        ->check(CLI::IsMember({"checkpoint", "scores", "mask", "report", "other"}));
    s.artifact->add_option("path", o->file, "The file")->required();

    s.exportRuns =
        c->add_subcommand("export", "Write runs to a file (default: every run the filters select)");
    s.exportRuns->add_option("ids", o->ids, "Run ids");
    s.exportRuns
        ->add_option("--format", o->format,
                     "json (everything, re-importable), csv (a row per run), epochs-csv")
        ->check(CLI::IsMember({"json", "csv", "epochs-csv"}))
        ->capture_default_str();
    s.exportRuns->add_option("--out", o->out, "Output file (default: stdout)");

    s.importRuns = c->add_subcommand(
        "import", "Add the runs of a JSON export (runs already here are skipped)");
    s.importRuns->add_option("file", o->file, "JSON file from `runs export`")
        ->required()
        ->check(CLI::ExistingFile);

    s.remove = c->add_subcommand("delete", "Delete runs and the files they produced");
    s.remove->add_option("ids", o->ids, "Run ids")->required();
    s.remove->add_flag("--keep-files", o->keepFiles, "Keep checkpoint and score files");

    return {c, [o, s] { return run(*o, s); }};
}

}  // namespace airbench::cli
