#include "fixture_http_server.h"

#include <QHostAddress>
#include <QMetaObject>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace airbench::test {
namespace {

// One connection: reads the request head, answers, closes.
class Connection : public QObject {
public:
    Connection(QTcpSocket* socket, std::shared_ptr<FixtureHttpServer::Shared> shared)
        : QObject(socket), socket_(socket), shared_(std::move(shared)) {
        connect(socket_, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        connect(socket_, &QTcpSocket::disconnected, socket_, &QObject::deleteLater);
    }

private:
    void onReadyRead() {
        if (answered_) {
            return;
        }
        head_ += socket_->readAll();
        if (!head_.contains("\r\n\r\n")) {
            return;
        }
        answered_ = true;
        const QList<QByteArray> lines = head_.left(head_.indexOf("\r\n\r\n")).split('\n');
        const QList<QByteArray> request = lines.value(0).trimmed().split(' ');
        const QString path = QString::fromLatin1(request.value(1));
        qint64 rangeStart = -1;
        for (const QByteArray& line : lines) {
            static const QRegularExpression range(R"(^range:\s*bytes=(\d+)-\s*$)",
                                                  QRegularExpression::CaseInsensitiveOption);
            const auto match = range.match(QString::fromLatin1(line.trimmed()));
            if (match.hasMatch()) {
                rangeStart = match.captured(1).toLongLong();
            }
        }

        QMutexLocker lock(&shared_->mutex);
        FixtureHttpServer::Behaviour& behaviour = shared_->behaviour;
        QString entry = "GET " + path;
        if (rangeStart >= 0) {
            entry += QString(" Range: bytes=%1-").arg(rangeStart);
        }
        QByteArray status, headers;
        qint64 from = 0;
        if (!shared_->files.contains(path)) {
            status = "404 Not Found";
            body_ = "not here\n";
        } else {
            const QByteArray& file = shared_->files[path];
            const qint64 size = file.size();
            if (rangeStart >= 0 && behaviour.honourRange && rangeStart >= size) {
                status = "416 Range Not Satisfiable";
                headers = "Content-Range: bytes */" + QByteArray::number(size) + "\r\n";
            } else if (rangeStart >= 0 && behaviour.honourRange) {
                status = "206 Partial Content";
                from = rangeStart;
                headers = "Content-Range: bytes " + QByteArray::number(from) + "-" +
                          QByteArray::number(size - 1) + "/" + QByteArray::number(size) + "\r\n";
                body_ = file.mid(from);
            } else {
                status = "200 OK";
                body_ = file;
            }
        }
        shared_->log << entry + " -> " + QString::fromLatin1(status.left(3));
        limit_ = behaviour.dropAfter >= 0 ? std::min<qint64>(behaviour.dropAfter, body_.size())
                                          : body_.size();
        behaviour.dropAfter = -1;  // one response only
        chunk_ = behaviour.chunkBytes;
        const int delay = behaviour.chunkDelayMs;
        lock.unlock();

        // The full length is announced even when the body will be cut short: that is what a
        // dropped connection looks like to the client.
        socket_->write("HTTP/1.1 " + status + "\r\nContent-Type: application/octet-stream\r\n" +
                       headers + "Content-Length: " + QByteArray::number(body_.size()) +
                       "\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n");
        if (chunk_ <= 0) {
            socket_->write(body_.left(limit_));
            socket_->disconnectFromHost();  // after the buffered bytes are sent
            return;
        }
        auto* timer = new QTimer(this);
        connect(timer, &QTimer::timeout, this, [this, timer] {
            const qint64 n = std::min<qint64>(chunk_, limit_ - sent_);
            if (n > 0 && socket_->state() == QAbstractSocket::ConnectedState) {
                socket_->write(body_.mid(sent_, n));
                sent_ += n;
            }
            if (sent_ >= limit_ || socket_->state() != QAbstractSocket::ConnectedState) {
                timer->stop();
                socket_->disconnectFromHost();
            }
        });
        timer->start(delay);
    }

    QTcpSocket* socket_;
    std::shared_ptr<FixtureHttpServer::Shared> shared_;
    QByteArray head_, body_;
    bool answered_ = false;
    qint64 limit_ = 0, sent_ = 0;
    int chunk_ = 0;
};

}  // namespace

FixtureHttpServer::FixtureHttpServer() : shared_(std::make_shared<Shared>()) {
    thread_.start();
    auto* server = new QTcpServer;
    server->moveToThread(&thread_);
    QObject::connect(&thread_, &QThread::finished, server, &QObject::deleteLater);
    const auto shared = shared_;
    QMetaObject::invokeMethod(
        server,
        [this, server, shared] {
            QObject::connect(server, &QTcpServer::newConnection, server, [server, shared] {
                while (QTcpSocket* socket = server->nextPendingConnection()) {
                    new Connection(socket, shared);
                }
            });
            server->listen(QHostAddress::LocalHost, 0);
            port_ = server->serverPort();
        },
        Qt::BlockingQueuedConnection);
}

FixtureHttpServer::~FixtureHttpServer() {
    thread_.quit();
    thread_.wait();
}

QString FixtureHttpServer::url(const QString& path) const {
    return QString("http://127.0.0.1:%1%2").arg(port_).arg(path);
}

void FixtureHttpServer::serve(const QString& path, const QByteArray& body) {
    QMutexLocker lock(&shared_->mutex);
    shared_->files[path] = body;
}

void FixtureHttpServer::setBehaviour(const Behaviour& behaviour) {
    QMutexLocker lock(&shared_->mutex);
    shared_->behaviour = behaviour;
}

QStringList FixtureHttpServer::log() const {
    QMutexLocker lock(&shared_->mutex);
    return shared_->log;
}

}  // namespace airbench::test
