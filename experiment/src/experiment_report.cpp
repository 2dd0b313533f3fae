#include <airbench/experiment_report.h>
#include <airbench/history.h>
#include <airbench/loss_bucketer.h>
#include <airbench/sha256.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <sstream>

namespace airbench {
namespace {

using Json = nlohmann::json;

double numberIn(const Json& j, const char* key) {
    return j.contains(key) && j[key].is_number() ? j[key].get<double>() : kNotMeasured;
}

Json number(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

Json summaryJson(const Summary& s) {
    return {{"runs", s.count},         {"mean", number(s.count ? s.mean : NAN)},
            {"std", number(s.stddev)}, {"ci95", number(s.ci95)},
            {"min", number(s.min)},    {"max", number(s.max)}};
}

}  // namespace

WelchTest comparePoints(const PointReport& a, const PointReport& b) {
    return welchTest(a.accuracies, b.accuracies);
}

ExperimentReport reportOf(const TrialStore& store) {
    const Manifest manifest = store.manifest();
    ExperimentReport r;
    r.name = manifest.name;
    r.recipe = manifest.recipe;
    r.total = static_cast<int>(manifest.trials.size());
    r.trials.resize(manifest.trials.size());
    std::map<int64_t, size_t> rowOf;
    for (size_t i = 0; i < manifest.trials.size(); ++i) {
        const ManifestTrial& t = manifest.trials[i];
        if (!rowOf.count(t.point)) {
            rowOf[t.point] = r.points.size();
            PointReport point;
            point.point = t.point;
            point.text = t.pointText;
            point.swept = t.swept;
            point.maskName = t.maskName;
            r.points.push_back(std::move(point));
        }
        PointReport& p = r.points[rowOf[t.point]];
        ++p.trials;
        if (const auto text = store.result(t.id)) {
            const Json j = Json::parse(*text, nullptr, false);
            if (j.is_object() && j.contains("summary")) {
                const double acc = numberIn(j["summary"], "tta_val_acc");
                r.trials[i] = {acc, numberIn(j["summary"], "seconds")};
                if (std::isfinite(acc)) {
                    p.accuracies.push_back(acc);
                    p.seconds.push_back(r.trials[i].seconds);
                }
                ++r.done;
            }
        } else if (store.state(t.id, manifest.retries) == TrialState::Failed) {
            ++r.failed;
        }
    }
    for (size_t i = 0; i < r.points.size(); ++i) {
        PointReport& p = r.points[i];
        p.accuracy = summarize(p.accuracies);
        p.time = summarize(p.seconds);
        if (p.accuracy.count > 0 &&
            (r.best < 0 || p.accuracy.mean > r.points[size_t(r.best)].accuracy.mean)) {
            r.best = static_cast<int>(i);
        }
    }
    for (const PointReport& p : r.points) {
        r.againstBest.push_back(r.best >= 0 && &p != &r.points[size_t(r.best)]
                                    ? comparePoints(r.points[size_t(r.best)], p)
                                    : WelchTest{});
    }
    return r;
}

std::string reportJson(const ExperimentReport& r) {
    Json points = Json::array();
    for (size_t i = 0; i < r.points.size(); ++i) {
        const PointReport& p = r.points[i];
        Json row = {{"point", p.point},
                    {"configuration", p.text},
                    {"trials", p.trials},
                    {"tta_val_acc", summaryJson(p.accuracy)},
                    {"time_seconds", summaryJson(p.time)},
                    {"accuracies", p.accuracies}};
        if (r.best >= 0 && int(i) != r.best && p.accuracy.count > 0) {
            const WelchTest& w = r.againstBest[i];
            row["against_best"] = {{"difference", number(w.difference)},
                                   {"welch_t", number(w.t)},
                                   {"dof", number(w.dof)},
                                   {"p_value", number(w.pValue)}};
        }
        points.push_back(row);
    }
    const Json j = {
        {"experiment", r.name},
        {"recipe", r.recipe},
        {"trials", r.total},
        {"done", r.done},
        {"failed", r.failed},
        {"best_point", r.best >= 0 ? Json(r.points[size_t(r.best)].point) : Json(nullptr)},
        {"points", points}};
    return j.dump(2);
}

std::string reportCsv(const ExperimentReport& r) {
    std::ostringstream csv;
    csv << "point,configuration,trials,runs,acc_mean,acc_std,acc_ci95,time_mean,time_std,"
           "diff_vs_best,p_vs_best\n";
    auto cell = [](double v) {
        std::ostringstream s;
        if (std::isfinite(v)) {
            s.precision(6);
            s << v;
        }
        return s.str();
    };
    for (size_t i = 0; i < r.points.size(); ++i) {
        const PointReport& p = r.points[i];
        std::string text = p.text;
        for (char& c : text) {
            c = c == '"' ? '\'' : c;
        }
        const bool compared = r.best >= 0 && int(i) != r.best && p.accuracy.count > 0;
        csv << p.point << ",\"" << text << "\"," << p.trials << "," << p.accuracy.count << ","
            << cell(p.accuracy.count ? p.accuracy.mean : NAN) << "," << cell(p.accuracy.stddev)
            << "," << cell(p.accuracy.ci95) << "," << cell(p.time.count ? p.time.mean : NAN) << ","
            << cell(p.time.stddev) << "," << (compared ? cell(r.againstBest[i].difference) : "")
            << "," << (compared ? cell(r.againstBest[i].pValue) : "") << "\n";
    }
    return csv.str();
}

CollectResult collectIntoHistory(const TrialStore& store, history::Database& db) {
    const Manifest manifest = store.manifest();
    CollectResult c;
    for (const ManifestTrial& t : manifest.trials) {
        const auto text = store.result(t.id);
        if (!text) {
            ++c.notDone;
            continue;
        }
        const Json j = Json::parse(*text, nullptr, false);
        if (!j.is_object() || !j.contains("config") || !j.contains("summary")) {
            ++c.notDone;
            continue;
        }
        const Json& config = j["config"];
        const Json& summary = j["summary"];
        history::RunDetails run;
        history::RunRecord& r = run.record;
        r.uid = trialRunUid(manifest.name, t.id);
        r.recipe = config.value("recipe", manifest.recipe);
        r.configJson = config.dump();
        if (config.contains("dataset")) {
            r.datasetName = config["dataset"].value("name", std::string());
            r.datasetHash = config["dataset"].value("hash", std::string());
        }
        if (config.contains("mask")) {
            r.maskName = config["mask"].value("name", std::string());
            r.maskHash = config["mask"].value("hash", std::string());
        }
        r.seed = t.seed;
        r.device = j.value("device", std::string());
        r.startedAt = j.value("started_at", std::string());
        r.finishedAt = j.value("finished_at", std::string());
        r.status = history::RunStatus::Finished;
        r.valAccuracy = numberIn(summary, "val_acc");
        r.ttaValAccuracy = numberIn(summary, "tta_val_acc");
        r.trainSeconds = numberIn(summary, "seconds");
        r.steps = summary.value("steps", int64_t(0));
        r.tags = {"experiment:" + manifest.name};
        r.notes = t.pointText;
        r.messages = j.value("notes", std::vector<std::string>());
        r.writerHost = j.value("host", std::string());
        for (const Json& e : j.value("epochs", Json::array())) {
            EpochMetrics m;
            m.epoch = e.value("epoch", 1) - 1;
            m.steps = e.value("steps", int64_t(0));
            m.trainLoss = numberIn(e, "train_loss");
            m.trainAccuracy = numberIn(e, "train_acc");
            m.valAccuracy = numberIn(e, "val_acc");
            m.seconds = numberIn(e, "seconds");
            run.epochs.push_back(m);
        }
        r.epochsDone = static_cast<int>(run.epochs.size());
        r.plannedEpochs = r.epochsDone;
        r.plannedSteps = r.steps;
        const std::vector<float> losses = j.value("step_losses", std::vector<float>());
        history::LossBucketer bucketer(history::bucketSizeFor(static_cast<int64_t>(losses.size())));
        for (size_t s = 0; s < losses.size(); ++s) {
            bucketer.add(static_cast<int64_t>(s + 1), 0, losses[s]);
        }
        run.steps = bucketer.take();
        (db.insertRun(run) > 0 ? c.imported : c.present)++;
    }
    return c;
}

std::string trialRunUid(const std::string& experimentName, const std::string& trialId) {
    const std::string key = experimentName + "\n" + trialId;
    return sha256Hex(key.data(), key.size()).substr(0, 32);
}

int64_t historyIdOfTrial(const history::Database& database, const std::string& experimentName,
                         const std::string& trialId) {
    const std::string uid = trialRunUid(experimentName, trialId);
    history::RunFilter filter;
    filter.withConfig = false;
    // Among the experiment's runs first; then among all, should someone have edited its tags.
    for (const std::string& tag : {"experiment:" + experimentName, std::string()}) {
        filter.tag = tag;
        for (const history::RunRecord& run : database.runs(filter)) {
            if (run.uid == uid) {
                return run.id;
            }
        }
    }
    return 0;
}

}  // namespace airbench
