// airbench-workbench as a program: --help and --version without a display, a bad --recipe.

#include <airbench/recipe.h>

#include <QProcess>
#include <QtTest/QtTest>

namespace {

struct Result {
    int code = -1;
    QString out, err;
};

Result runApp(const QStringList& args) {
    QProcess p;
    p.start(qEnvironmentVariable("AIRBENCH_BIN_DIR") + "/airbench-workbench", args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace

class TestWorkbenchApp : public QObject {
    Q_OBJECT

private slots:
    void helpListsTheOptionsAndRecipes() {
        const Result r = runApp({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--data") && r.out.contains("--recipe"));
        for (const std::string& name : airbench::recipeNames()) {
            QVERIFY2(r.out.contains(QString::fromStdString(name)), name.c_str());
        }
    }

    void versionPrintsTheVersion() {
        const Result r = runApp({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("airbench-workbench "));
    }

    void unknownRecipeIsAUsageError() {
        const Result r = runApp({"--recipe", "no-such-recipe"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown recipe 'no-such-recipe'"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestWorkbenchApp)
#include "test_workbench_app.moc"
