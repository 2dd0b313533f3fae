#pragma once
// How numbers read in the workbench: accuracies as percentages, times in seconds, and the
// per-epoch table in exactly the columns the CLI's `airbench train` prints.

#include <airbench/recipe.h>
#include <airbench/train.h>

#include <QString>

namespace airbench::ui {

// 0.9401 -> "94.01%"; NaN (not measured) -> "–".
QString formatPercent(double fraction, int decimals = 2);
// 3.834 -> "3.83 s"; 125 -> "2 min 5 s".
QString formatSeconds(double seconds);
// Remaining time for a progress line: 75 -> "1:15".
QString formatEta(double seconds);
// 1, "run", "runs" -> "1 run"; 2 -> "2 runs".
QString formatCount(qint64 count, const QString& singular, const QString& plural);
// "94.01% in 3.83 s on A100".
QString formatReference(const ReferenceFigures& reference);

// The CLI's table: header, one row per epoch, one final (or "stop") row per run.
QString tableHeader();
QString tableEpochRow(int run, const EpochMetrics& metrics);
QString tableFinalRow(int run, const RunSummary& summary);

}  // namespace airbench::ui
