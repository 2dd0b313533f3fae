#pragma once
// What the loss and accuracy plots share: a QCustomPlot that draws the TrainingSession's runs (one
// colour per run, a legend), zooms and pans with the mouse, follows new data until the user zooms,
// and exports to PNG or PDF from its context menu. Plots of other data (the run history's) pass no
// session and manage their legend themselves.

#include <QColor>
#include <QString>

#include <qcustomplot.h>

namespace airbench::ui {

class TrainingSession;

class CurvePlot : public QCustomPlot {
    Q_OBJECT

public:
    CurvePlot(TrainingSession* session, const QString& title, QWidget* parent = nullptr);

    // The colour of run `id` everywhere in the window (plots, run table).
    static QColor runColor(int id);

    // False once the user dragged or zoomed; resetView() makes the view follow new data again.
    bool followsData() const { return follow_; }
    QString title() const;

    // Twice the on-screen resolution, for slides.
    bool exportPng(const QString& path);
    bool exportPdf(const QString& path);

public slots:
    void resetView();
    // Ask for a file name, then export (context menu and File menu).
    void exportPngWithDialog();
    void exportPdfWithDialog();

protected:
    // Fits the axes to the data (called while following).
    virtual void fitView() = 0;
    // The keys and values every graph with data spans; false when none has any.
    bool dataRange(QCPRange& keys, QCPRange& values) const;
    // The loss curves' view: steps from 0, losses with a 5% margin, never below 0 (0..100 by
    // 0..2.5 without data).
    void fitLossView();
    // Call after adding points: refits while following, and replots once per event-loop pass.
    void dataChanged();
    // The legend shows once the session has a run.
    void updateLegend();

    TrainingSession* session_;

private:
    void showContextMenu(const QPoint& position);

    QCPTextElement* title_;
    bool follow_ = true;
};

}  // namespace airbench::ui
