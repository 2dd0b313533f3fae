#include "explorer/class_count_chart.h"

#include <algorithm>

namespace airbench::ui {

ClassCountChart::ClassCountChart(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(200, 150);
    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, QString(),
                                QFont(font().family(), font().pointSize(), QFont::Bold));
    plotLayout()->addElement(0, 0, title_);
    all_ = new QCPBars(xAxis, yAxis);
    all_->setPen(QPen(QColor(150, 150, 150), 1, Qt::DotLine));
    all_->setBrush(Qt::NoBrush);
    all_->setWidth(0.8);
    all_->setName(tr("whole training set"));
    kept_ = new QCPBars(xAxis, yAxis);
    kept_->setPen(Qt::NoPen);
    kept_->setBrush(QColor(44, 160, 44));
    kept_->setWidth(0.6);
    kept_->setName(tr("in the mask"));
    balanced_ = new QCPItemStraightLine(this);
    balanced_->setPen(QPen(QColor(214, 39, 40), 1, Qt::DashLine));
    balanced_->setVisible(false);
    xAxis->setTickLabelRotation(45);
    QFont small = font();
    small.setPointSize(qMax(7, small.pointSize() - 1));
    xAxis->setTickLabelFont(small);
    yAxis->setTickLabelFont(small);
    yAxis->setLabel(tr("examples"));
    yAxis->setLabelFont(small);
}

void ClassCountChart::setCounts(const QString& title, const std::vector<int64_t>& counts,
                                const std::vector<int64_t>& all, const QStringList& names) {
    if (names.isEmpty()) {
        clearCounts(title);
        return;
    }
    title_->setText(title);
    QVector<double> x, kept, whole;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int c = 0; c < names.size(); ++c) {
        x.push_back(c);
        kept.push_back(c < int(counts.size()) ? double(counts[size_t(c)]) : 0.0);
        whole.push_back(c < int(all.size()) ? double(all[size_t(c)]) : 0.0);
        ticker->addTick(c, names[c]);
    }
    xAxis->setTicker(ticker);
    kept_->setData(x, kept, true);
    all_->setData(x, whole, true);
    double total = 0;
    for (double v : kept) {
        total += v;
    }
    const double balanced = total / names.size();
    balanced_->point1->setCoords(0, balanced);
    balanced_->point2->setCoords(1, balanced);
    balanced_->setVisible(true);
    const double top = std::max(*std::max_element(whole.begin(), whole.end()),
                                *std::max_element(kept.begin(), kept.end()));
    xAxis->setRange(-0.6, names.size() - 0.4);
    yAxis->setRange(0, top * 1.1 + 1);
    replot(rpQueuedReplot);
}

void ClassCountChart::clearCounts(const QString& message) {
    title_->setText(message);
    kept_->data()->clear();
    all_->data()->clear();
    balanced_->setVisible(false);
    replot(rpQueuedReplot);
}

std::vector<double> ClassCountChart::barValues() const {
    std::vector<double> out;
    for (auto it = kept_->data()->constBegin(); it != kept_->data()->constEnd(); ++it) {
        out.push_back(it->value);
    }
    return out;
}

}  // namespace airbench::ui
