#pragma once
// The session's log: the per-epoch table exactly as `airbench train` prints it, plus notes and
// errors, in a fixed-width font so the columns line up.

#include <QPlainTextEdit>

namespace airbench::ui {

class LogPane : public QPlainTextEdit {
    Q_OBJECT

public:
    explicit LogPane(QWidget* parent = nullptr);

public slots:
    void appendLine(const QString& line);
    void appendError(const QString& message);
};

}  // namespace airbench::ui
