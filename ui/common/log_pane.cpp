#include "common/log_pane.h"

#include <QFontDatabase>

namespace airbench::ui {

LogPane::LogPane(QWidget* parent) : QPlainTextEdit(parent) {
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    // One point below the system's: the CLI's 67-column table fits beside the run table.
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    fixed.setPointSizeF(qMax(7.0, fixed.pointSizeF() - 1));
    setFont(fixed);
    // A long session keeps its last lines, not all of them.
    setMaximumBlockCount(20000);
    setPlaceholderText(tr("The per-epoch table of each run appears here."));
}

void LogPane::appendLine(const QString& line) {
    appendPlainText(line);
}

void LogPane::appendError(const QString& message) {
    appendPlainText(tr("error: %1").arg(message));
}

}  // namespace airbench::ui
