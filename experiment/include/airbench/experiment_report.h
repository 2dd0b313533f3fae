#pragma once
// What an experiment found, from its finished trials: per point of the sweep, the runs, mean,
// standard deviation and 95% confidence interval of the TTA accuracy and of the run time; the
// best point; a Welch test between any two points. And `collect`: the finished trials into the
// run history, once each, grouped by the experiment's name.

#include <airbench/stats.h>
#include <airbench/train.h>
#include <airbench/trial_store.h>

#include <string>
#include <vector>

namespace airbench::history {
class Database;
}

namespace airbench {

struct PointReport {
    int64_t point = 0;
    std::string text;                         // describePoint()
    KnobValues swept;                         // the point's swept values
    std::string maskName;                     // its mask ("" without)
    int trials = 0;                           // seeds planned
    std::vector<double> accuracies, seconds;  // of the finished ones, in seed order
    Summary accuracy, time;
};

// One trial's result, when it has one.
struct TrialOutcome {
    double accuracy = kNotMeasured;  // TTA accuracy
    double seconds = kNotMeasured;   // the run clock
};

struct ExperimentReport {
    std::string name, recipe;
    int total = 0, done = 0, failed = 0;
    std::vector<TrialOutcome> trials;  // one per trial, in manifest order
    std::vector<PointReport> points;   // in manifest order
    int best = -1;  // the point with the highest mean accuracy (of those with a result)
    // Each point against the best (difference = point - best); the best's own is empty.
    std::vector<WelchTest> againstBest;
};

ExperimentReport reportOf(const TrialStore& store);
// Welch's test between points a and b (difference = mean(b) - mean(a)).
WelchTest comparePoints(const PointReport& a, const PointReport& b);
std::string reportJson(const ExperimentReport& report);
std::string reportCsv(const ExperimentReport& report);

struct CollectResult {
    int imported = 0;  // new in the history
    int present = 0;   // already there (collected before)
    int notDone = 0;   // queued, running or failed: nothing to collect yet
};
// Imports every finished trial as a run (tagged "experiment:<name>"), idempotently: a trial's
// run has a uid derived from the experiment and the trial, so collecting again adds nothing.
CollectResult collectIntoHistory(const TrialStore& store, history::Database& database);
// The uid of a trial's run in the history: the same wherever and however often it is collected.
std::string trialRunUid(const std::string& experimentName, const std::string& trialId);
// The history id of a collected trial's run; 0 when it has not been collected into `database`.
int64_t historyIdOfTrial(const history::Database& database, const std::string& experimentName,
                         const std::string& trialId);

}  // namespace airbench
