#pragma once
// Help → About: what this build is (version, git commit) and what it computes on (LibTorch's
// version, whether it was built with CUDA and whether a GPU is present, the device a run would
// use). "Copy" puts the same facts on the clipboard as plain text, for bug reports.

#include <QDialog>
#include <QString>

class QLabel;

namespace airbench::ui {

class AboutDialog : public QDialog {
    Q_OBJECT

public:
    explicit AboutDialog(QWidget* parent = nullptr);

    // The facts as plain text, one "Name: value" per line (what Copy puts on the clipboard).
    QString report() const;

public slots:
    void copyReport() const;

private:
    QLabel* addFact(const QString& objectName, const QString& name, const QString& value);

    QString report_;
};

}  // namespace airbench::ui
