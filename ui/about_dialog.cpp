#include "about_dialog.h"

#include <airbench/build_info.h>
#include <airbench/device.h>
#include <airbench/resources.h>

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QSysInfo>
#include <QVBoxLayout>

#include <exception>

namespace airbench::ui {

namespace {

QString cudaStatus() {
    if (!libtorchHasCuda()) {
        return AboutDialog::tr("no (this LibTorch is a CPU build)");
    }
    return cudaAvailable() ? AboutDialog::tr("yes")
                           : AboutDialog::tr("built in, but no CUDA device was found");
}

QString defaultDevice() {
    try {
        return QString::fromStdString(describeDevice(resolveDevice(DeviceRequest::Auto)));
    } catch (const std::exception& e) {
        return AboutDialog::tr("unavailable (%1)").arg(QString::fromUtf8(e.what()));
    }
}

}  // namespace

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("About Airbench Workbench"));

    auto* icon = new QLabel;
    icon->setPixmap(resources::applicationIcon().pixmap(64, 64));
    auto* title = new QLabel(
        tr("<h2>Airbench Workbench</h2><p>Fast CIFAR-10 training research: the airbench recipes "
           "of <a href=\"https://github.com/KellerJordan/cifar10-airbench\">Keller Jordan</a>, "
           "ported to LibTorch.</p>"));
    title->setWordWrap(true);
    title->setOpenExternalLinks(true);
    title->setMinimumWidth(title->fontMetrics().averageCharWidth() * 50);
    auto* header = new QHBoxLayout;
    header->addWidget(icon, 0, Qt::AlignTop);
    header->addSpacing(style()->pixelMetric(QStyle::PM_LayoutHorizontalSpacing));
    header->addWidget(title, 1);

    auto* facts = new QFormLayout;
    facts->setLabelAlignment(Qt::AlignLeft);
    const auto add = [this, facts](const QString& objectName, const QString& name,
                                   const QString& value) {
        facts->addRow(name + QLatin1Char(':'), addFact(objectName, name, value));
    };
    add(QStringLiteral("version"), tr("Version"), QString::fromLatin1(build::version()));
    const QString commit = QString::fromLatin1(build::gitCommit());
    if (!commit.isEmpty()) {
        add(QStringLiteral("commit"), tr("Git commit"), commit);
    }
    add(QStringLiteral("libtorch"), tr("LibTorch"), QString::fromStdString(libtorchVersion()));
    add(QStringLiteral("cuda"), tr("CUDA"), cudaStatus());
    add(QStringLiteral("device"), tr("Device"), defaultDevice());
    add(QStringLiteral("qt"), tr("Qt"), QString::fromLatin1(qVersion()));
    add(QStringLiteral("system"), tr("System"),
        QSysInfo::prettyProductName() + QStringLiteral(" (") + QSysInfo::currentCpuArchitecture() +
            QLatin1Char(')'));

    auto* tips =
        new QLabel(tr("Plots: drag to pan, wheel to zoom, double-click or Ctrl+0 to "
                      "reset, right-click to export."));
    tips->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton* copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyButton"));
    copy->setToolTip(tr("Copy these facts as plain text, for a bug report"));
    connect(copy, &QPushButton::clicked, this, &AboutDialog::copyReport);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addSpacing(layout->spacing());
    layout->addLayout(facts);
    layout->addSpacing(layout->spacing());
    layout->addWidget(tips);
    layout->addWidget(buttons);
    layout->setSizeConstraint(QLayout::SetFixedSize);
}

QLabel* AboutDialog::addFact(const QString& objectName, const QString& name, const QString& value) {
    auto* label = new QLabel(value);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);  // engine strings may hold '<'
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    report_ += name + QStringLiteral(": ") + value + QLatin1Char('\n');
    return label;
}

QString AboutDialog::report() const {
    return QStringLiteral("Airbench Workbench\n") + report_;
}

void AboutDialog::copyReport() const {
    QGuiApplication::clipboard()->setText(report());
}

}  // namespace airbench::ui
