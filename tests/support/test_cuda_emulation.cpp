// The CPU emulation of CUDA that runs the engine's kernels in this suite: that its threads see
// the coordinates, barriers and shuffles of the GPU, that a missing barrier shows, and that it
// fails a launch where the hardware's behaviour would be undefined, so that a kernel test is
// unlikely to pass by accident.

#include <QtTest/QtTest>

#include "support/cuda_emulation/emulation.h"

#include <vector>

namespace {

__global__ void writeLinearIndex(int* out) {
    const unsigned block = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
    const unsigned thread = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
    const unsigned perBlock = blockDim.x * blockDim.y * blockDim.z;
    out[block * perBlock + thread] += 1 + static_cast<int>(block * perBlock + thread);
}

// Thread 0 of each block adds what every thread left in shared memory: right only if the barrier
// holds thread 0 back until all have written.
__global__ void blockSum(const int* in, int* out) {
    __shared__ int values[128];
    values[threadIdx.x] = in[blockIdx.x * blockDim.x + threadIdx.x];
    __syncthreads();
    if (threadIdx.x == 0) {
        int sum = 0;
        for (unsigned i = 0; i < blockDim.x; ++i) {
            sum += values[i];
        }
        out[blockIdx.x] = sum;
    }
}

// blockSum without its barrier: the reading thread (first or last) may run before the others
// have written.
__global__ void blockSumWithoutBarrier(const int* in, unsigned reader, int* out) {
    __shared__ int unsynchronised[128];
    unsynchronised[threadIdx.x] = in[blockIdx.x * blockDim.x + threadIdx.x];
    if (threadIdx.x == reader) {
        int sum = 0;
        for (unsigned i = 0; i < blockDim.x; ++i) {
            sum += unsynchronised[i];
        }
        out[blockIdx.x] = sum;
    }
}

__global__ void warpSum(const double* in, double* out) {
    double v = in[threadIdx.x];
    for (int offset = 16; offset > 0; offset /= 2) {
        v += __shfl_down_sync(0xffffffffu, v, offset);
    }
    if (threadIdx.x % 32 == 0) {
        out[threadIdx.x / 32] = v;
    }
}

__global__ void shuffleDown(const int* in, int delta, int width, int* out) {
    out[threadIdx.x] = __shfl_down_sync(0xffffffffu, in[threadIdx.x], delta, width);
}

__global__ void barrierAfterEarlyExit(int* out) {
    if (threadIdx.x >= 8) {
        return;
    }
    __syncthreads();
    out[threadIdx.x] = 1;
}

__global__ void shuffleAfterEarlyExit(int* out) {
    if (threadIdx.x >= 16) {
        return;
    }
    out[threadIdx.x] = __shfl_down_sync(0xffffffffu, static_cast<int>(threadIdx.x), 1);
}

// Half a warp at a shuffle, the other half at a barrier: neither can ever open.
__global__ void barrierAgainstShuffle(int* out) {
    if (threadIdx.x < 16) {
        out[threadIdx.x] = __shfl_down_sync(0xffffffffu, 1, 1);
    } else {
        __syncthreads();
    }
}

template <typename... Params, typename... Args>
void run(void (*kernel)(Params...), dim3 blocks, dim3 threads, Args... args) {
    airbench::cuda::launchKernel(kernel, blocks, threads, nullptr, args...);
}

}  // namespace

class TestCudaEmulation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyThreadRunsOnceWithItsCoordinates() {
        const dim3 blocks(3, 2, 2), threads(4, 3, 2);
        std::vector<int> out(12 * 24, 0);
        run(writeLinearIndex, blocks, threads, out.data());
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        for (std::size_t i = 0; i < out.size(); ++i) {
            QCOMPARE(out[i], static_cast<int>(i) + 1);
        }
    }

    void syncThreadsOrdersSharedMemory() {
        const int blocks = 5, threads = 128;
        std::vector<int> in(blocks * threads), out(blocks, -1);
        for (std::size_t i = 0; i < in.size(); ++i) {
            in[i] = static_cast<int>(i % 7) - 3;
        }
        run(blockSum, dim3(blocks), dim3(threads), in.data(), out.data());
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        for (int b = 0; b < blocks; ++b) {
            int expected = 0;
            for (int t = 0; t < threads; ++t) {
                expected += in[b * threads + t];
            }
            QCOMPARE(out[b], expected);
        }
    }

    void aMissingBarrierShows_data() {
        QTest::addColumn<unsigned>("reader");
        QTest::newRow("thread 0 adds") << 0u;
        QTest::newRow("the last thread adds") << 127u;
    }
    void aMissingBarrierShows() {
        QFETCH(unsigned, reader);
        const int blocks = 4, threads = 128;
        std::vector<int> in(blocks * threads), out(blocks, 0);
        for (std::size_t i = 0; i < in.size(); ++i) {
            in[i] = static_cast<int>(i) + 1;  // every block's sum differs from the others'
        }
        run(blockSumWithoutBarrier, dim3(blocks), dim3(threads), in.data(), reader, out.data());
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        int wrong = 0;
        for (int b = 0; b < blocks; ++b) {
            int expected = 0;
            for (int t = 0; t < threads; ++t) {
                expected += in[b * threads + t];
            }
            wrong += out[b] != expected;
        }
        QVERIFY2(wrong > 0, "the race went unseen in every block");
    }

    void shufflesReduceAWarp() {
        std::vector<double> in(64), out(2, 0.0);
        for (std::size_t i = 0; i < in.size(); ++i) {
            in[i] = 0.5 * static_cast<double>(i);
        }
        run(warpSum, dim3(1), dim3(64), in.data(), out.data());
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        QCOMPARE(out[0], 0.5 * (31 * 32 / 2));
        QCOMPARE(out[1], 0.5 * (32 * 32 + 31 * 32 / 2));
    }

    void shuffleDownKeepsItsOwnValuePastTheSegment() {
        std::vector<int> in(32), out(32, -1);
        for (int i = 0; i < 32; ++i) {
            in[i] = 100 + i;
        }
        run(shuffleDown, dim3(1), dim3(32), in.data(), 3, 8, out.data());
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        for (int i = 0; i < 32; ++i) {
            const int expected = (i % 8) + 3 < 8 ? in[i + 3] : in[i];
            QCOMPARE(out[i], expected);
        }
    }

    void misuseFailsTheLaunch_data() {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<QString>("reason");
        QTest::newRow("__syncthreads after some threads exit") << 0 << "__syncthreads";
        QTest::newRow("shuffle after some lanes exit") << 1 << "has exited";
        QTest::newRow("half a warp at a barrier, half at a shuffle") << 2 << "deadlock";
        QTest::newRow("shuffle in a partial warp") << 3 << "whole warps";
        QTest::newRow("shuffle width 64") << 4 << "power of two";
        QTest::newRow("shuffle width 12") << 5 << "power of two";
    }
    void misuseFailsTheLaunch() {
        QFETCH(int, kernel);
        QFETCH(QString, reason);
        std::vector<int> out(64, 0);
        if (kernel == 0) {
            run(barrierAfterEarlyExit, dim3(1), dim3(32), out.data());
        } else if (kernel == 1) {
            run(shuffleAfterEarlyExit, dim3(1), dim3(32), out.data());
        } else if (kernel == 2) {
            run(barrierAgainstShuffle, dim3(1), dim3(32), out.data());
        } else if (kernel == 3) {
            run(shuffleDown, dim3(1), dim3(20), out.data(), 1, 32, out.data() + 32);
        } else {
            run(shuffleDown, dim3(1), dim3(32), out.data(), 1, kernel == 4 ? 64 : 12,
                out.data() + 32);
        }
        const std::string why = cuda_emulation::lastFailure();
        QVERIFY2(QString::fromStdString(why).contains(reason), why.c_str());
        QCOMPARE(cudaGetLastError(), cudaErrorLaunchFailure);
        QCOMPARE(cudaGetLastError(), cudaSuccess);  // read once, as CUDA's launch errors are

        // The emulation is usable again after a failed launch.
        std::vector<int> in(128, 1), sums(1, 0);
        run(blockSum, dim3(1), dim3(128), in.data(), sums.data());
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        QCOMPARE(sums[0], 128);
    }

    void aFailureStaysUntilItIsRead() {
        std::vector<int> out(64, 0), in(128, 1), sums(1, 0);
        run(barrierAfterEarlyExit, dim3(1), dim3(32), out.data());
        run(blockSum, dim3(1), dim3(128), in.data(), sums.data());  // runs, and succeeds
        QCOMPARE(sums[0], 128);
        QVERIFY(QString::fromStdString(cuda_emulation::lastFailure()).contains("__syncthreads"));
        QCOMPARE(cudaGetLastError(), cudaErrorLaunchFailure);
        run(blockSum, dim3(1), dim3(128), in.data(), sums.data());
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        QVERIFY(cuda_emulation::lastFailure().empty());
    }

    void invalidConfigurationsAreRefused() {
        std::vector<int> out(1, 0);
        run(writeLinearIndex, dim3(1), dim3(2048), out.data());
        QCOMPARE(cudaGetLastError(), cudaErrorInvalidConfiguration);
        QVERIFY(QString::fromStdString(cuda_emulation::lastFailure()).contains("2048"));
        run(writeLinearIndex, dim3(1, 70000), dim3(1), out.data());
        QCOMPARE(cudaGetLastError(), cudaErrorInvalidConfiguration);
        QCOMPARE(out[0], 0);  // nothing ran
    }
};

QTEST_GUILESS_MAIN(TestCudaEmulation)
#include "test_cuda_emulation.moc"
