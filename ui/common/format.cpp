#include "common/format.h"

#include <cmath>

namespace airbench::ui {
namespace {

QString cell(double value, int decimals) {
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QString();
}

}  // namespace

QString formatPercent(double fraction, int decimals) {
    if (!std::isfinite(fraction)) {
        return QStringLiteral("–");
    }
    return QString::number(100.0 * fraction, 'f', decimals) + QLatin1Char('%');
}

QString formatSeconds(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) {
        return QStringLiteral("–");
    }
    if (seconds < 100) {
        return QString::number(seconds, 'f', seconds < 10 ? 2 : 1) + QStringLiteral(" s");
    }
    const qint64 s = qRound64(seconds);
    return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
}

QString formatEta(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) {
        return QStringLiteral("–");
    }
    const qint64 s = qRound64(seconds);
    if (s >= 3600) {
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString formatCount(qint64 count, const QString& singular, const QString& plural) {
    return QStringLiteral("%1 %2").arg(count).arg(count == 1 ? singular : plural);
}

QString formatReference(const ReferenceFigures& r) {
    QString text = formatPercent(r.accuracy);
    if (r.seconds > 0) {
        text += QStringLiteral(" in ") + formatSeconds(r.seconds);
    }
    if (!r.card.empty()) {
        text += QStringLiteral(" on ") + QString::fromStdString(r.card);
    }
    return text;
}

// Widths match app/cli/train_command.cpp: "%5s %6s %11s %10s %8s %12s %9s".
QString tableHeader() {
    return QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
        .arg(QStringLiteral("run"), 5)
        .arg(QStringLiteral("epoch"), 6)
        .arg(QStringLiteral("train_loss"), 11)
        .arg(QStringLiteral("train_acc"), 10)
        .arg(QStringLiteral("val_acc"), 8)
        .arg(QStringLiteral("tta_val_acc"), 12)
        .arg(QStringLiteral("time_s"), 9);
}

QString tableEpochRow(int run, const EpochMetrics& m) {
    return QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
        .arg(run, 5)
        .arg(m.epoch + 1, 6)
        .arg(cell(m.trainLoss, 4), 11)
        .arg(cell(m.trainAccuracy, 4), 10)
        .arg(cell(m.valAccuracy, 4), 8)
        .arg(QString(), 12)
        .arg(cell(m.seconds, 2), 9);
}

QString tableFinalRow(int run, const RunSummary& s) {
    const QString row = QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
                            .arg(run, 5)
                            .arg(s.cancelled ? QStringLiteral("stop") : QStringLiteral("final"), 6)
                            .arg(QString(), 11)
                            .arg(QString(), 10)
                            .arg(s.cancelled ? QString() : cell(s.valAccuracy, 4), 8)
                            .arg(s.cancelled ? QString() : cell(s.ttaValAccuracy, 4), 12)
                            .arg(cell(s.seconds, 2), 9);
    return s.cancelled ? row + QStringLiteral("  (stopped)") : row;
}

}  // namespace airbench::ui
