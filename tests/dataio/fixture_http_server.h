#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for the download tests: serves byte arrays, honours
// "Range: bytes=N-" (206, or 416 past the end) unless told not to, can send slowly and can drop
// the connection part-way (to exercise resume). It runs on its own thread, so it keeps serving
// while a test blocks on a child process (QProcess::waitForFinished).

#include <QByteArray>
#include <QMap>
#include <QMutex>
#include <QString>
#include <QStringList>
#include <QThread>

#include <memory>

namespace airbench::test {

class FixtureHttpServer {
public:
    struct Behaviour {
        bool honourRange = true;  // false: always 200 with the whole file
        qint64 dropAfter = -1;    // close after this many body bytes (next response only)
        int chunkBytes = 0;       // > 0: send this much per tick instead of all at once
        int chunkDelayMs = 0;
    };

    FixtureHttpServer();
    ~FixtureHttpServer();

    quint16 port() const { return port_; }
    QString url(const QString& path) const;
    void serve(const QString& path, const QByteArray& body);
    void setBehaviour(const Behaviour& behaviour);

    // One line per request: "GET /x.tar.gz" plus " Range: bytes=N-" when asked, then " -> 206".
    QStringList log() const;

    // Internals shared with the thread's connection handlers.
    struct Shared {
        mutable QMutex mutex;
        QMap<QString, QByteArray> files;
        Behaviour behaviour;
        QStringList log;
    };

private:
    std::shared_ptr<Shared> shared_;
    QThread thread_;
    quint16 port_ = 0;
};

}  // namespace airbench::test
