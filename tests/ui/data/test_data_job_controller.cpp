// Getting data in from the window (DataJobController and its DataJobBar) against a local HTTP
// server and fixture archives (tests/dataio), never the internet: Get CIFAR-10 reports progress
// and stages and ends with a loadable folder; a cancel mid-download ends cancelled with no
// dataset; a failed download names the URL and offers an import; importing an archive works and
// a bad file fails naming it; one job at a time. In the window: the dataset panel's offer gets
// CIFAR-10, loads and previews it (Dataset tab); a dataset arriving mid-training waits for the
// batch to end.

#include "data/data_job_bar.h"
#include "data/data_job_controller.h"
#include "data/dataset_panel.h"
#include "data/dataset_preview_model.h"
#include "data/dataset_preview_panel.h"
#include "main_window.h"
#include "training/training_controller.h"
#include "ui_test_support.h"

#include "dataio_fixtures.h"
#include "fixture_http_server.h"

#include <airbench/dataset.h>

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>

using namespace airbench;
using namespace airbench::ui;
using airbench::dataio::DatasetFetchJob;
using airbench::test::FixtureHttpServer;

namespace {

constexpr int kWaitMs = 60000;

struct Progress {
    QString stage;
    double fraction;
    QString text;
};

}  // namespace

class TestDataJobController : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString dir_;  // this test function's folder
    QString archivePath_;
    QByteArray archive_;  // CIFAR-10 binary tar.gz: 2 x 30 train, 15 test records
    QString md5_;
    std::unique_ptr<FixtureHttpServer> server_;

    DatasetFetchJob::Options fetchOptions(const QString& path = "/cifar-10-binary.tar.gz") const {
        DatasetFetchJob::Options options;
        options.url = server_->url(path);
        options.md5 = md5_;
        options.target = dir_ + "/cifar10";
        return options;
    }

private slots:
    void initTestCase() {
        test::setUpGuiTests();
        QVERIFY(work_.isValid());
        archivePath_ = work_.filePath("fixture/cifar-10-binary.tar.gz");
        QVERIFY(QDir().mkpath(work_.filePath("fixture")));
        test::writeTar(archivePath_, test::cifarMembers("cifar-10-batches-bin/", 2, 30, 15));
        archive_ = test::readAll(archivePath_);
        md5_ = test::md5Hex(archive_);
        server_ = std::make_unique<FixtureHttpServer>();
        server_->serve("/cifar-10-binary.tar.gz", archive_);
    }

    void init() {
        dir_ = work_.filePath(QTest::currentTestFunction());
        QVERIFY(QDir().mkpath(dir_));
        server_->setBehaviour({});
    }

    void getCifar10ReportsProgressAndEndsWithALoadableFolder() {
        server_->setBehaviour({true, -1, 4096, 10});  // ~0.6 s: many progress reports
        DataJobController jobs;
        DataJobBar bar(&jobs);
        jobs.setFetchOptions(fetchOptions());
        QVector<Progress> seen;
        bool barShownWhileRunning = false;
        connect(&jobs, &DataJobController::progressChanged, this, [&] {
            seen.push_back({jobs.stage(), jobs.fraction(), jobs.progressText()});
            barShownWhileRunning |= jobs.isBusy() && !bar.isHidden() &&
                                    !bar.progressBar()->isHidden() &&
                                    !bar.cancelButton()->isHidden();
        });
        QSignalSpy started(&jobs, &DataJobController::started);
        QSignalSpy succeeded(&jobs, &DataJobController::succeeded);
        QSignalSpy finished(&jobs, &DataJobController::finished);

        QVERIFY(jobs.getCifar10());
        QCOMPARE(started.count(), 1);
        QVERIFY(jobs.isBusy());
        QCOMPARE(jobs.kind(), DataJobController::Kind::Fetch);
        QCOMPARE(jobs.title(), QStringLiteral("Getting CIFAR-10"));
        QVERIFY(!bar.isHidden());
        QVERIFY(bar.titleText().startsWith(QStringLiteral("Getting CIFAR-10")));
        QVERIFY(!jobs.getCifar10());                // one job at a time
        QVERIFY(!jobs.importSource(archivePath_));  // of either kind
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(finished.count(), 1);

        QVERIFY2(jobs.state() == DataJobController::State::Succeeded,
                 qPrintable(jobs.errorString()));
        QCOMPARE(succeeded.count(), 1);
        QCOMPARE(succeeded.at(0).at(0).toString(), dir_ + "/cifar10");
        QCOMPARE(jobs.datasetPath(), dir_ + "/cifar10");
        const Dataset d = loadDataset(jobs.datasetPath().toStdString());
        QCOMPARE(d.train.size(), int64_t(60));
        QCOMPARE(d.test.size(), int64_t(15));
        QVERIFY2(jobs.resultText().contains(QStringLiteral("60 train / 15 test")),
                 qPrintable(jobs.resultText()));

        // Progress: the download's fraction rises to 1 with bytes in the text, then the stages.
        QVector<double> fractions;
        QStringList stages;
        for (const Progress& p : seen) {
            if (stages.isEmpty() || stages.last() != p.stage) {
                stages << p.stage;
            }
            if (p.stage == QLatin1String("downloading") && p.fraction >= 0) {
                fractions << p.fraction;
                QVERIFY2(p.text.contains(QStringLiteral(" of ")), qPrintable(p.text));
            }
        }
        QVERIFY2(fractions.size() >= 3, qPrintable(QString::number(fractions.size())));
        QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));
        QVERIFY(fractions.first() < 1.0);
        QCOMPARE(fractions.last(), 1.0);
        for (const char* stage : {"downloading", "verifying", "extracting", "checking"}) {
            QVERIFY2(stages.contains(QLatin1String(stage)), qPrintable(stages.join(", ")));
        }
        QVERIFY(barShownWhileRunning);
        QVERIFY(bar.isHidden());  // gone after a success
        QVERIFY(!jobs.isBusy());
    }

    void cancelMidDownloadEndsCancelledWithNoDataset() {
        // ~6 s in all, so that a loaded machine still sees it mid-way; the test cancels near 10%.
        server_->setBehaviour({true, -1, 4096, 100});
        DataJobController jobs;
        DataJobBar bar(&jobs);
        jobs.setFetchOptions(fetchOptions());
        const QMetaObject::Connection canceller =
            connect(&jobs, &DataJobController::progressChanged, this, [&] {
                if (jobs.isBusy() && jobs.stage() == QLatin1String("downloading") &&
                    jobs.fraction() > 0.1 && jobs.fraction() < 1) {
                    QTest::mouseClick(bar.cancelButton(), Qt::LeftButton);  // as the user does
                }
            });
        QSignalSpy cancelled(&jobs, &DataJobController::cancelled);
        QSignalSpy succeeded(&jobs, &DataJobController::succeeded);
        QSignalSpy failed(&jobs, &DataJobController::failed);
        QSignalSpy finished(&jobs, &DataJobController::finished);
        QVERIFY(jobs.getCifar10());
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(jobs.state(), DataJobController::State::Cancelled);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(succeeded.count(), 0);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(finished.count(), 1);
        QVERIFY(!QFileInfo::exists(dir_ + "/cifar10"));
        QVERIFY(bar.isHidden());
        // Only the partial download stays, for the next try to resume.
        QCOMPARE(test::listTree(dir_), QStringList{"cifar10.download.part"});

        // The next try resumes and succeeds (the user no longer cancels: whether the retry's
        // progress passes 10% before it ends depends on the timing).
        disconnect(canceller);
        server_->setBehaviour({});
        QVERIFY(jobs.getCifar10());
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(jobs.state(), DataJobController::State::Succeeded);
        QCOMPARE(loadDataset((dir_ + "/cifar10").toStdString()).train.size(), int64_t(60));
    }

    void destroyingTheControllerMidDownloadIsSafe() {
        server_->setBehaviour({true, -1, 2048, 100});  // ~12 s; destroyed after the first bytes
        auto jobs = std::make_unique<DataJobController>();
        jobs->setFetchOptions(fetchOptions());
        QVERIFY(jobs->getCifar10());
        QTRY_VERIFY_WITH_TIMEOUT(jobs->fraction() > 0, kWaitMs);
        jobs.reset();  // cancels and joins
        QVERIFY(!QFileInfo::exists(dir_ + "/cifar10"));
    }

    void failedDownloadNamesTheUrlAndOffersAnImport() {
        DataJobController jobs;
        DataJobBar bar(&jobs);
        jobs.setFetchOptions(fetchOptions("/missing.tar.gz"));
        QSignalSpy failed(&jobs, &DataJobController::failed);
        QSignalSpy finished(&jobs, &DataJobController::finished);
        QVERIFY(jobs.getCifar10());
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(jobs.state(), DataJobController::State::Failed);
        QCOMPARE(failed.count(), 1);
        const QString url = server_->url("/missing.tar.gz");
        QVERIFY2(jobs.errorString().contains(url) && jobs.errorString().contains("404"),
                 qPrintable(jobs.errorString()));
        QCOMPARE(failed.at(0).at(0).toString(), jobs.errorString());

        // The bar stays with the message and offers a local import instead.
        QVERIFY(!bar.isHidden());
        QCOMPARE(bar.titleText(), QStringLiteral("Could not get CIFAR-10"));
        QCOMPARE(bar.detailText(), jobs.errorString());
        QVERIFY(bar.cancelButton()->isHidden());
        QVERIFY(!bar.importButton()->isHidden());
        QCOMPARE(bar.importButton()->text(), QStringLiteral("Import a local file…"));
        QSignalSpy importRequested(&bar, &DataJobBar::importFileRequested);
        QTest::mouseClick(bar.importButton(), Qt::LeftButton);
        QCOMPARE(importRequested.count(), 1);
        QVERIFY(bar.isHidden());
    }

    void importsAnArchive() {
        DataJobController jobs;
        DataJobBar bar(&jobs);
        dataio::ImportOptions options;
        options.directory = (dir_ + "/imported").toStdString();
        jobs.setImportOptions(options);
        QSignalSpy succeeded(&jobs, &DataJobController::succeeded);
        QSignalSpy finished(&jobs, &DataJobController::finished);
        QVERIFY(jobs.importSource(archivePath_));
        QCOMPARE(jobs.kind(), DataJobController::Kind::Import);
        QCOMPARE(jobs.title(), QStringLiteral("Importing cifar-10-binary.tar.gz"));
        QVERIFY(finished.wait(kWaitMs));
        QVERIFY2(jobs.state() == DataJobController::State::Succeeded,
                 qPrintable(jobs.errorString()));
        QCOMPARE(succeeded.count(), 1);
        QCOMPARE(QDir(jobs.datasetPath()).canonicalPath(),
                 QDir(dir_ + "/imported").canonicalPath());
        const Dataset d = loadDataset(jobs.datasetPath().toStdString());
        QCOMPARE(d.name, std::string("CIFAR-10"));
        QCOMPARE(d.train.size(), int64_t(60));
        QVERIFY2(jobs.resultText().startsWith(QStringLiteral("Imported CIFAR-10 (60 train / 15 "
                                                             "test images, 10 classes)")),
                 qPrintable(jobs.resultText()));
        QVERIFY(bar.isHidden());
        QVERIFY(!jobs.importSource(QString()));  // nothing to import
    }

    void badFileFailsNamingIt() {
        const QString bad = dir_ + "/garbage.tar.gz";
        test::writeFile(bad, QByteArray(5000, '\x5a'));
        DataJobController jobs;
        DataJobBar bar(&jobs);
        dataio::ImportOptions options;
        options.directory = (dir_ + "/never").toStdString();
        jobs.setImportOptions(options);
        QSignalSpy failed(&jobs, &DataJobController::failed);
        QSignalSpy finished(&jobs, &DataJobController::finished);
        QVERIFY(jobs.importSource(bad));
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(jobs.state(), DataJobController::State::Failed);
        QCOMPARE(failed.count(), 1);
        QVERIFY2(jobs.errorString().contains(bad), qPrintable(jobs.errorString()));
        QVERIFY(jobs.datasetPath().isEmpty());
        QVERIFY(!QFileInfo::exists(dir_ + "/never"));
        QVERIFY(!bar.isHidden());
        QCOMPARE(bar.titleText(), QStringLiteral("Could not import"));
        QVERIFY(bar.detailText().contains(bad));
        // Another file, not "a local file": the user just chose one.
        QCOMPARE(bar.importButton()->text(), QStringLiteral("Choose another file…"));
        QSignalSpy importRequested(&bar, &DataJobBar::importFileRequested);
        QTest::mouseClick(bar.importButton(), Qt::LeftButton);
        QCOMPARE(importRequested.count(), 1);
    }

    void formatsBytes() {
        QCOMPARE(DataJobController::formatBytes(-1), QStringLiteral("?"));
        QCOMPARE(DataJobController::formatBytes(999), QStringLiteral("999 B"));
        QCOMPARE(DataJobController::formatBytes(850000), QStringLiteral("850 KB"));
        QCOMPARE(DataJobController::formatBytes(12345678), QStringLiteral("12.3 MB"));
        QCOMPARE(DataJobController::formatBytes(162000000), QStringLiteral("162.0 MB"));
        QCOMPARE(DataJobController::formatBytes(2000000000), QStringLiteral("2.00 GB"));
    }

    void windowGetsCifar10AndLoadsIt() {
        MainWindowOptions options;
        options.loadDataset = false;
        options.historyPath = dir_ + "/history.sqlite";
        MainWindow window(options);
        window.show();
        window.dataJobs()->setFetchOptions(fetchOptions());
        // No CIFAR-10 here: the dataset panel offers to get it.
        window.datasetPanel()->setCifarOfferEnabled(true);
        QVERIFY(window.datasetPanel()->isCifarOfferShown());
        QVERIFY(window.datasetPanel()->cifarOffer()->isVisible());
        QSignalSpy loaded(window.datasetPanel(), &DatasetPanel::datasetChanged);
        QTest::mouseClick(window.datasetPanel()->getCifarButton(), Qt::LeftButton);
        QVERIFY(window.dataJobs()->isBusy());
        QVERIFY(window.dataJobBar()->isVisible());
        QVERIFY(!window.getCifarAction()->isEnabled());  // one job at a time
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kWaitMs);
        QVERIFY(window.getCifarAction()->isEnabled());
        const DatasetPtr d = window.datasetPanel()->dataset();
        QVERIFY(d);
        QCOMPARE(d->train.size(), int64_t(60));
        QCOMPARE(QDir(QString::fromStdString(d->path)).canonicalPath(),
                 QDir(dir_ + "/cifar10").canonicalPath());
        QVERIFY(window.dataJobBar()->isHidden());
        QVERIFY(!window.datasetPanel()->isCifarOfferShown());  // CIFAR-10 is here now

        // The Dataset tab previews it: ten classes of six training images (label i % 10).
        QSignalSpy previewed(window.datasetPreview(), &DatasetPreviewPanel::previewReady);
        window.tabs()->setCurrentWidget(window.datasetPreview());
        QVERIFY(previewed.wait(10000));
        DatasetPreviewModel* preview = window.datasetPreview()->model();
        QCOMPARE(preview->rowCount(), 10);
        for (int c = 0; c < 10; ++c) {
            QCOMPARE(preview->trainCount(c), int64_t(6));
        }
        QCOMPARE(preview->index(9, DatasetPreviewModel::ClassColumn).data().toString(),
                 QStringLiteral("truck"));

        // Asked again: already there, nothing downloaded.
        const int requests = int(server_->log().size());
        QSignalSpy finished(window.dataJobs(), &DataJobController::finished);
        window.getCifarAction()->trigger();
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(window.dataJobs()->state(), DataJobController::State::Succeeded);
        QVERIFY2(window.dataJobs()->resultText().contains(QStringLiteral("already")),
                 qPrintable(window.dataJobs()->resultText()));
        QCOMPARE(int(server_->log().size()), requests);
    }

    void datasetArrivingDuringTrainingWaitsForTheBatch() {
        AIRBENCH_REQUIRE_SOME_DATA();
        MainWindowOptions options;
        options.loadDataset = false;
        options.historyPath = dir_ + "/history.sqlite";
        MainWindow window(options);
        window.datasetPanel()->setDataset(test::sharedData());
        window.show();
        test::configureTinyRun(window, 40);  // far longer than the download
        window.dataJobs()->setFetchOptions(fetchOptions());
        QSignalSpy trained(window.controller(), &TrainingController::finished);
        QTest::mouseClick(window.trainButton(), Qt::LeftButton);
        QVERIFY(window.controller()->isRunning());

        QSignalSpy got(window.dataJobs(), &DataJobController::succeeded);
        window.getCifarAction()->trigger();
        QVERIFY(got.wait(kWaitMs));
        QVERIFY(window.controller()->isRunning());
        QTest::qWait(200);
        // The run keeps its data ...
        QCOMPARE(window.datasetPanel()->dataset(), test::sharedData());
        QVERIFY(!window.datasetPanel()->isLoading());

        // ... and the new dataset comes when the batch ends.
        QSignalSpy loaded(window.datasetPanel(), &DatasetPanel::datasetChanged);
        QTest::mouseClick(window.stopButton(), Qt::LeftButton);
        QVERIFY(trained.wait(30000));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kWaitMs);
        QCOMPARE(window.datasetPanel()->dataset()->train.size(), int64_t(60));
    }
};

QTEST_MAIN(TestDataJobController)
#include "test_data_job_controller.moc"
