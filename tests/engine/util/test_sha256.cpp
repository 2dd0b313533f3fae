#include <airbench/sha256.h>
#include "support/test_data.h"

#include <QtTest/QtTest>

#include <string>

class TestSha256 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void knownVectors() {
        QCOMPARE(airbench::sha256Hex("", 0),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(airbench::sha256Hex("abc", 3),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const std::string twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        QCOMPARE(airbench::sha256Hex(twoBlocks.data(), twoBlocks.size()),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    }

    void incrementalEqualsOneShot() {
        std::string million(1000000, 'a');
        airbench::Sha256 h;
        for (size_t i = 0; i < million.size(); i += 7919) {
            h.update(million.data() + i, std::min<size_t>(7919, million.size() - i));
        }
        QCOMPARE(h.hexDigest(),
                 std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }
};

QTEST_GUILESS_MAIN(TestSha256)
#include "test_sha256.moc"
