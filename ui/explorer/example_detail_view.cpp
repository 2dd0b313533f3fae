#include "explorer/example_detail_view.h"

#include "common/thumbnail_cache.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPixmap>
#include <QTextDocument>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace airbench::ui {
namespace {

constexpr int kImageSide = 160;  // 5x the native 32 pixels

QString plain(const QLabel* label) {
    QTextDocument doc;
    doc.setHtml(label->text());
    return doc.toPlainText();
}

QString shortName(ScoreKind kind) {
    switch (kind) {
        case ScoreKind::Confidence:
            return QObject::tr("confidence");
        case ScoreKind::TrueProbability:
            return QObject::tr("p(true)");
        case ScoreKind::Margin:
            return QObject::tr("margin");
        case ScoreKind::Entropy:
            return QObject::tr("entropy");
        case ScoreKind::Loss:
            return QObject::tr("loss");
        case ScoreKind::MeanTrueProbability:
            return QObject::tr("mean p(true)");
        case ScoreKind::Variability:
            return QObject::tr("variability");
        case ScoreKind::Forgetting:
            return QObject::tr("forgetting");
    }
    return {};
}

QString formatScore(float value) {
    if (std::isnan(value)) {
        return QStringLiteral("–");
    }
    return QString::number(double(value), 'g', 4);
}

}  // namespace

ExampleDetailView::ExampleDetailView(QWidget* parent) : QWidget(parent) {
    image_ = new QLabel;
    image_->setFixedSize(kImageSide, kImageSide);
    image_->setAlignment(Qt::AlignCenter);
    image_->setFrameShape(QFrame::StyledPanel);
    title_ = new QLabel;
    title_->setWordWrap(true);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    predictions_ = new QLabel;
    predictions_->setTextFormat(Qt::RichText);
    scores_ = new QLabel;
    scores_->setTextFormat(Qt::RichText);
    scores_->setWordWrap(true);
    scores_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* text = new QVBoxLayout;
    text->addWidget(title_);
    text->addWidget(predictions_);
    text->addStretch(1);
    auto* top = new QHBoxLayout;
    top->addWidget(image_, 0, Qt::AlignTop);
    top->addLayout(text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(scores_, 1);
    showMessage(tr("Click an image to see it large."));
}

void ExampleDetailView::showMessage(const QString& text) {
    example_ = -1;
    image_->clear();
    title_->setText(text);
    predictions_->clear();
    scores_->clear();
}

void ExampleDetailView::showExample(const DataContext& context, Split split,
                                    const ScoresPtr& scores, int64_t index) {
    if (!context.valid() || index < 0 || index >= context.count(split)) {
        showMessage(tr("No example."));
        return;
    }
    example_ = index;
    const ImageSet& images = context.images(split);
    const QImage native = ThumbnailCache::render(images.image(index));
    image_->setPixmap(QPixmap::fromImage(
        native.scaled(kImageSide, kImageSide, Qt::IgnoreAspectRatio, Qt::FastTransformation)));
    const int64_t label = images.labels[static_cast<size_t>(index)];
    title_->setText(tr("<b>%1 example #%2</b><br>True label: <b>%3</b>")
                        .arg(split == Split::Train ? tr("Training") : tr("Test"),
                             QLocale().toString(static_cast<qlonglong>(index)),
                             context.className(label).toHtmlEscaped()));

    if (!scores || index >= scores->size) {
        predictions_->setText(tr("No predictions yet: score the training set (Scores tab)."));
        scores_->clear();
        return;
    }
    QString table = tr("<table cellspacing=2><tr><th align=left colspan=3>Top 3</th></tr>");
    int rank = 1;
    for (const auto& [c, p] : scores->topClasses(index, 3)) {
        const bool truth = c == label;
        table += QStringLiteral("<tr><td>%1.</td><td>%2%3%4</td><td align=right>%5%</td></tr>")
                     .arg(rank++)
                     .arg(truth ? QStringLiteral("<b>") : QString())
                     .arg(context.className(c).toHtmlEscaped())
                     .arg(truth ? QStringLiteral("</b>") : QString())
                     .arg(100.0 * double(p), 0, 'f', 1);
    }
    table += QStringLiteral("</table>");
    predictions_->setText(table);

    // Two columns of short names; the full titles are in the tooltip.
    const std::vector<ScoreKind> kinds = allScoreKinds();
    QString rows = QStringLiteral("<table cellspacing=1>");
    QString tip;
    for (size_t k = 0; k < kinds.size(); k += 2) {
        rows += QStringLiteral("<tr>");
        for (size_t j = k; j < std::min(k + 2, kinds.size()); ++j) {
            rows += QStringLiteral("<td>%1</td><td align=right>&nbsp;%2&nbsp;&nbsp;</td>")
                        .arg(shortName(kinds[j]), formatScore(scores->value(kinds[j], index)));
        }
        rows += QStringLiteral("</tr>");
    }
    rows += QStringLiteral("</table>");
    for (ScoreKind kind : kinds) {
        tip += QStringLiteral("%1: %2\n")
                   .arg(shortName(kind), QString::fromStdString(scoreTitle(kind)));
    }
    scores_->setToolTip(tip.trimmed());
    scores_->setText(rows);
}

QString ExampleDetailView::titleText() const {
    return plain(title_);
}

QString ExampleDetailView::predictionsText() const {
    return plain(predictions_);
}

QString ExampleDetailView::scoresText() const {
    return plain(scores_);
}

}  // namespace airbench::ui
