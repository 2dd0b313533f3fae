#include "common/curve_plot.h"

#include "training/training_session.h"

#include <QFileDialog>
#include <QMenu>

namespace airbench::ui {

CurvePlot::CurvePlot(TrainingSession* session, const QString& title, QWidget* parent)
    : QCustomPlot(parent), session_(session) {
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    setMinimumSize(280, 200);

    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, title,
                                QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    plotLayout()->addElement(0, 0, title_);

    QFont small = font();
    small.setPointSize(qMax(7, small.pointSize() - 1));
    legend->setFont(small);
    legend->setBrush(QColor(255, 255, 255, 210));
    legend->setBorderPen(QPen(QColor(180, 180, 180)));
    legend->setVisible(false);

    // Dragging or zooming means the user wants this view: stop refitting to new points.
    connect(this, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        if (e->button() == Qt::LeftButton) {
            follow_ = false;
        }
    });
    connect(this, &QCustomPlot::mouseWheel, this, [this] { follow_ = false; });
    // Double-click: back to the whole picture.
    connect(this, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });

    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QWidget::customContextMenuRequested, this, &CurvePlot::showContextMenu);
}

QColor CurvePlot::runColor(int id) {
    // Tableau 10: distinct on white and for the common colour-vision deficiencies.
    static const QColor palette[] = {
        QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),   QColor(214, 39, 40),
        QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127),
        QColor(188, 189, 34),  QColor(23, 190, 207),
    };
    return palette[static_cast<size_t>(id < 0 ? 0 : id) % std::size(palette)];
}

QString CurvePlot::title() const {
    return title_->text();
}

bool CurvePlot::exportPng(const QString& path) {
    return savePng(path, 0, 0, 2.0);
}

bool CurvePlot::exportPdf(const QString& path) {
    return savePdf(path);
}

void CurvePlot::resetView() {
    follow_ = true;
    fitView();
    replot(QCustomPlot::rpQueuedReplot);
}

void CurvePlot::exportPngWithDialog() {
    QString path = QFileDialog::getSaveFileName(this, tr("Export %1 as PNG").arg(title()),
                                                QString(), tr("PNG images (*.png)"));
    if (!path.isEmpty()) {
        if (!path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) {
            path += QLatin1String(".png");
        }
        exportPng(path);
    }
}

void CurvePlot::exportPdfWithDialog() {
    QString path = QFileDialog::getSaveFileName(this, tr("Export %1 as PDF").arg(title()),
                                                QString(), tr("PDF documents (*.pdf)"));
    if (!path.isEmpty()) {
        if (!path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)) {
            path += QLatin1String(".pdf");
        }
        exportPdf(path);
    }
}

void CurvePlot::dataChanged() {
    if (follow_) {
        fitView();
    }
    // Queued: many appends in one event-loop pass cost one repaint.
    replot(QCustomPlot::rpQueuedReplot);
}

void CurvePlot::updateLegend() {
    legend->setVisible(session_ && session_->runCount() > 0);
}

void CurvePlot::showContextMenu(const QPoint& position) {
    QMenu menu(this);
    menu.addAction(tr("Reset view"), this, &CurvePlot::resetView);
    menu.addSeparator();
    menu.addAction(tr("Export PNG…"), this, &CurvePlot::exportPngWithDialog);
    menu.addAction(tr("Export PDF…"), this, &CurvePlot::exportPdfWithDialog);
    menu.exec(mapToGlobal(position));
}

bool CurvePlot::dataRange(QCPRange& keys, QCPRange& values) const {
    bool found = false;
    for (int i = 0; i < graphCount(); ++i) {
        bool ok = false;
        const QCPRange k = graph(i)->getKeyRange(ok);
        if (!ok) {
            continue;
        }
        const QCPRange v = graph(i)->getValueRange(ok);
        keys = found ? QCPRange(qMin(keys.lower, k.lower), qMax(keys.upper, k.upper)) : k;
        values = found ? QCPRange(qMin(values.lower, v.lower), qMax(values.upper, v.upper)) : v;
        found = true;
    }
    return found;
}

void CurvePlot::fitLossView() {
    QCPRange keys, values;
    if (!dataRange(keys, values)) {
        xAxis->setRange(0, 100);
        yAxis->setRange(0, 2.5);
        return;
    }
    xAxis->setRange(qMin(0.0, keys.lower), qMax(keys.upper, keys.lower + 1));
    const double margin = qMax(0.05 * values.size(), 0.01);
    yAxis->setRange(qMax(0.0, values.lower - margin), values.upper + margin);
}

}  // namespace airbench::ui
