// Help → About states what the build is (version, git commit) and what it computes on, from the
// same sources as `airbench --version`; Copy puts those facts on the clipboard. The embedded icon
// holds the sizes rendered at build time.

#include "about_dialog.h"

#include <airbench/build_info.h>
#include <airbench/device.h>
#include <airbench/resources.h>

#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QtTest>

using airbench::ui::AboutDialog;

namespace {

QString fact(const AboutDialog& dialog, const char* name) {
    const auto* label = dialog.findChild<QLabel*>(QString::fromLatin1(name));
    return label ? label->text() : QString();
}

}  // namespace

class TestAboutDialog : public QObject {
    Q_OBJECT

private slots:
    void versionIsTheProjectVersion() {
        QCOMPARE(QString::fromLatin1(airbench::build::version()),
                 QStringLiteral(AIRBENCH_TEST_PROJECT_VERSION));
        AboutDialog dialog;
        QCOMPARE(fact(dialog, "version"), QStringLiteral(AIRBENCH_TEST_PROJECT_VERSION));
    }

    void commitIsShownWhenBuiltFromGit() {
        const QString commit = QString::fromLatin1(airbench::build::gitCommit());
        AboutDialog dialog;
        if (commit.isEmpty()) {
            QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("commit")) == nullptr);
            QCOMPARE(QString::fromStdString(airbench::build::describe()),
                     QString::fromLatin1(airbench::build::version()));
            QSKIP("built from sources outside git");
        }
        QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{7,40}$")).match(commit).hasMatch(),
                 qPrintable(commit));
        QCOMPARE(fact(dialog, "commit"), commit);
        QVERIFY(QString::fromStdString(airbench::build::describe()).contains(commit));
    }

    void showsLibTorchAndCuda() {
        AboutDialog dialog;
        QCOMPARE(fact(dialog, "libtorch"), QString::fromStdString(airbench::libtorchVersion()));
        const QString cuda = fact(dialog, "cuda");
        if (!airbench::libtorchHasCuda()) {
            QVERIFY2(cuda.contains(QStringLiteral("CPU build")), qPrintable(cuda));
        } else if (airbench::cudaAvailable()) {
            QCOMPARE(cuda, QStringLiteral("yes"));
        } else {
            QVERIFY2(cuda.contains(QStringLiteral("no CUDA device")), qPrintable(cuda));
        }
        QVERIFY(!fact(dialog, "device").isEmpty());
        QCOMPARE(fact(dialog, "qt"), QString::fromLatin1(qVersion()));
    }

    void copyPutsTheReportOnTheClipboard() {
        AboutDialog dialog;
        auto* copy = dialog.findChild<QPushButton*>(QStringLiteral("copyButton"));
        QVERIFY(copy);
        QGuiApplication::clipboard()->clear();
        copy->click();
        const QString text = QGuiApplication::clipboard()->text();
        QCOMPARE(text, dialog.report());
        QVERIFY(text.contains(QStringLiteral("Version: ") +
                              QString::fromLatin1(airbench::build::version())));
        QVERIFY(text.contains(QStringLiteral("LibTorch: ") +
                              QString::fromStdString(airbench::libtorchVersion())));
    }

    void iconHoldsTheRenderedSizes() {
        const QIcon icon = airbench::resources::applicationIcon();
        const QStringList pngs =
            QDir(QStringLiteral(":/airbench/icons")).entryList({QStringLiteral("*.png")});
        if (pngs.isEmpty()) {
            QSKIP("built without rsvg-convert: no PNG icons");
        }
        for (int size : {16, 32, 48, 256}) {
            QVERIFY2(QFile::exists(airbench::resources::iconPath(size)),
                     qPrintable(pngs.join(' ')));
            QVERIFY(icon.availableSizes().contains(QSize(size, size)));
        }
        const QImage image = icon.pixmap(64, 64).toImage();
        QCOMPARE(image.size(), QSize(64, 64));
        // The tile is opaque in the middle, transparent in the rounded corner.
        QCOMPARE(qAlpha(image.pixel(32, 32)), 255);
        QCOMPARE(qAlpha(image.pixel(0, 0)), 0);
    }
};

QTEST_MAIN(TestAboutDialog)
#include "test_about_dialog.moc"
