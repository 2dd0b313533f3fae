#include "training/summary_panel.h"

#include "common/format.h"
#include "training/run_table_model.h"
#include "training/training_session.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QTextDocument>
#include <QVBoxLayout>

namespace airbench::ui {

SummaryPanel::SummaryPanel(TrainingSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    headline_ = new QLabel(tr("No runs yet: choose a recipe and press Train (Ctrl+Return)."));
    headline_->setWordWrap(true);
    headline_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    headline_->setTextFormat(Qt::RichText);

    model_ = new RunTableModel(session_, this);
    table_ = new QTableView;
    table_->setModel(model_);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    // Keep the newest run in view as rows arrive.
    connect(model_, &QAbstractItemModel::rowsInserted, table_, &QTableView::scrollToBottom);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(headline_);
    layout->addWidget(table_, 1);
}

QString SummaryPanel::summaryText() const {
    QTextDocument doc;
    doc.setHtml(headline_->text());
    return doc.toPlainText();
}

void SummaryPanel::showMessage(const QString& text) {
    headline_->setText(text.toHtmlEscaped());
}

void SummaryPanel::showBatch(int batch) {
    const BatchSummary b = session_->summarizeBatch(batch);
    const std::vector<int> ids = session_->runsOfBatch(batch);
    if (ids.empty()) {
        showMessage(tr("No run started."));
        return;
    }
    const RunRecord& first = session_->run(ids.front());
    QString text;
    if (b.completed == 1) {
        int id = ids.front();
        for (int i : ids) {
            if (session_->run(i).state == RunRecord::State::Finished) {
                id = i;
            }
        }
        const RunRecord& r = session_->run(id);
        text = tr("<b>%1</b>: TTA accuracy <b>%2</b> (validation without TTA %3), %4 on %5")
                   .arg(r.label().toHtmlEscaped(), formatPercent(r.summary.ttaValAccuracy),
                        formatPercent(r.summary.valAccuracy), formatSeconds(r.summary.seconds),
                        r.device.toHtmlEscaped());
    } else if (b.completed > 1) {
        text = tr("<b>%1 runs of %2</b>: TTA accuracy <b>%3 ± %4</b> (mean ± std; 95% CI ± %5), "
                  "time %6 ± %7 per run on %8")
                   .arg(b.completed)
                   .arg(first.recipe.toHtmlEscaped(), formatPercent(b.ttaAccuracy.mean),
                        formatPercent(b.ttaAccuracy.stddev), formatPercent(b.ttaAccuracy.ci95),
                        formatSeconds(b.seconds.mean), formatSeconds(b.seconds.stddev),
                        first.device.toHtmlEscaped());
    } else {
        text = tr("<b>%1</b>: no run completed.").arg(first.recipe.toHtmlEscaped());
    }
    QStringList others;
    if (b.stopped > 0) {
        others << tr("%1 stopped").arg(b.stopped);
    }
    if (b.failed > 0) {
        others << tr("%1 failed").arg(b.failed);
    }
    const int running = b.runs - b.completed - b.stopped - b.failed;
    if (running > 0) {
        others << tr("%1 running").arg(running);
    }
    if (!others.isEmpty()) {
        text += QStringLiteral(" (") + others.join(QStringLiteral(", ")) + QLatin1Char(')');
    }
    headline_->setText(text);
}

}  // namespace airbench::ui
