// The scheduler behind emulation.h: blocks run one after another on the calling thread; a block's
// threads are fibers that the scheduler resumes one by one until each waits or exits, then it
// opens whichever barrier every thread concerned has reached. The order in which it resumes them
// alternates (ascending or descending thread index, by launch, block and round), so that a
// missing barrier cannot hide behind one fixed order: whichever side of the race a reader is on,
// some block runs it before its writer.

#include "support/cuda_emulation/emulation.h"

// The coordinates' member names, not the kernels' macros, from here on.
#undef threadIdx
#undef blockIdx
#undef blockDim
#undef gridDim

#include <ucontext.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

namespace cuda_emulation {
namespace {

constexpr unsigned kWarpSize = 32;
constexpr std::size_t kStackBytes = 128 * 1024;  // kernel frames are small, even at -O0
constexpr std::size_t kSlotBytes = 8;

enum class Wait { Running, Block, Warp, Exited };

struct Fiber {
    ucontext_t context{};
    std::unique_ptr<char[]> stack;
    Coordinates where;
    Wait wait = Wait::Running;
    unsigned warp = 0, lane = 0;
};

// The emulation's state. A failed launch abandons its fibers where they wait and never resumes
// them, so nothing in their frames may need destroying (kernels hold plain values only).
struct Emulator {
    std::vector<Fiber> fibers;
    ucontext_t scheduler{};
    Fiber* running = nullptr;
    const std::function<void()>* body = nullptr;
    std::vector<unsigned char> warpSlots;  // warps * 32 lanes * kSlotBytes
    std::string failure;                   // the reason for pendingError
    std::string misuse;                    // what a fiber found wrong in the running launch
    cudaError_t pendingError = cudaSuccess;
    unsigned long long launches = 0;
};

Emulator& emulator() {
    static Emulator e;
    return e;
}

Fiber& runningFiber(const char* what) {
    Fiber* f = emulator().running;
    if (f == nullptr) {
        std::fprintf(stderr, "cuda_emulation: %s called outside a kernel\n", what);
        std::abort();
    }
    return *f;
}

// Back to the scheduler until it resumes this fiber.
void suspend(Fiber& f, Wait wait) {
    f.wait = wait;
    swapcontext(&f.context, &emulator().scheduler);
}

void fiberMain() {
    Emulator& e = emulator();
    (*e.body)();
    e.running->wait = Wait::Exited;  // uc_link returns to the scheduler
}

std::string describeBlock(const Coordinates& c) {
    return "block (" + std::to_string(c.blockIdx.x) + ", " + std::to_string(c.blockIdx.y) + ", " +
           std::to_string(c.blockIdx.z) + ")";
}

std::string describeThread(const Fiber& f) {
    return "thread (" + std::to_string(f.where.threadIdx.x) + ", " +
           std::to_string(f.where.threadIdx.y) + ", " + std::to_string(f.where.threadIdx.z) + ")";
}

// Opens the barriers that every thread concerned has reached (the block's `count` fibers).
// Returns "" when some thread can run again, or why none ever can.
std::string releaseBarriers(Fiber* fibers, std::size_t count) {
    bool released = false;
    for (std::size_t first = 0; first < count; first += kWarpSize) {
        const std::size_t last = std::min(count, first + kWarpSize);
        bool anyAtShuffle = false, allAtShuffle = true;
        const Fiber* exited = nullptr;
        for (std::size_t i = first; i < last; ++i) {
            anyAtShuffle = anyAtShuffle || fibers[i].wait == Wait::Warp;
            allAtShuffle = allAtShuffle && fibers[i].wait == Wait::Warp;
            if (fibers[i].wait == Wait::Exited && exited == nullptr) {
                exited = &fibers[i];
            }
        }
        if (!anyAtShuffle) {
            continue;
        }
        if (exited != nullptr) {
            return "a warp shuffle in warp " + std::to_string(first / kWarpSize) + " of " +
                   describeBlock(fibers[first].where) + ", but its " + describeThread(*exited) +
                   " has exited";
        }
        if (allAtShuffle) {
            for (std::size_t i = first; i < last; ++i) {
                fibers[i].wait = Wait::Running;
            }
            released = true;
        }
    }
    if (released) {
        return "";
    }
    std::size_t atBarrier = 0, exited = 0;
    for (std::size_t i = 0; i < count; ++i) {
        atBarrier += fibers[i].wait == Wait::Block;
        exited += fibers[i].wait == Wait::Exited;
    }
    if (atBarrier > 0 && exited > 0) {
        return "__syncthreads() in " + describeBlock(fibers[0].where) + " is reached by " +
               std::to_string(atBarrier) + " threads, but " + std::to_string(exited) +
               " have exited without reaching it";
    }
    if (atBarrier == count) {
        for (std::size_t i = 0; i < count; ++i) {
            fibers[i].wait = Wait::Running;
        }
        return "";
    }
    return "deadlock in " + describeBlock(fibers[0].where) +
           ": some threads wait at __syncthreads() and others at a warp shuffle";
}

// Makes fiber `thread` of `block` ready to start the kernel. Not inlined: getcontext returns
// twice as far as the compiler knows, which would make it warn about the caller's loop.
[[gnu::noinline]] void prepareFiber(Emulator& e, const Coordinates& block, unsigned thread) {
    Fiber& f = e.fibers[thread];
    f.where = block;
    f.where.threadIdx = {thread % block.blockDim.x, (thread / block.blockDim.x) % block.blockDim.y,
                         thread / (block.blockDim.x * block.blockDim.y)};
    f.warp = thread / kWarpSize;
    f.lane = thread % kWarpSize;
    f.wait = Wait::Running;
    getcontext(&f.context);
    f.context.uc_stack.ss_sp = f.stack.get();
    f.context.uc_stack.ss_size = kStackBytes;
    f.context.uc_link = &e.scheduler;
    makecontext(&f.context, fiberMain, 0);
}

// Runs one block to its end; returns why it failed, or "". `descending` is the order of the
// first round; the rounds after it alternate.
std::string runBlock(Emulator& e, const Coordinates& block, bool descending) {
    const unsigned count = block.blockDim.x * block.blockDim.y * block.blockDim.z;
    for (unsigned i = 0; i < count; ++i) {
        prepareFiber(e, block, i);
    }
    for (;; descending = !descending) {
        bool allExited = true;
        for (unsigned n = 0; n < count; ++n) {
            Fiber& f = e.fibers[descending ? count - 1 - n : n];
            if (f.wait == Wait::Running) {
                e.running = &f;
                swapcontext(&e.scheduler, &f.context);
                e.running = nullptr;
                if (!e.misuse.empty()) {
                    return e.misuse;  // a shuffle found a misuse
                }
            }
            allExited = allExited && f.wait == Wait::Exited;
        }
        if (allExited) {
            return "";
        }
        const std::string why = releaseBarriers(e.fibers.data(), count);
        if (!why.empty()) {
            return why;
        }
    }
}

}  // namespace

const Coordinates& coordinates() {
    return runningFiber("threadIdx, blockIdx, blockDim or gridDim").where;
}

unsigned lane() {
    return runningFiber("a warp shuffle").lane;
}

void syncThreads() {
    suspend(runningFiber("__syncthreads()"), Wait::Block);
}

void exchangeInWarp(unsigned mask, const void* mine, void* out, unsigned sourceLane,
                    std::size_t bytes) {
    Emulator& e = emulator();
    Fiber& f = runningFiber("a warp shuffle");
    const unsigned count = f.where.blockDim.x * f.where.blockDim.y * f.where.blockDim.z;
    std::string misuse;
    if (mask != 0xffffffffu || (f.warp + 1) * kWarpSize > count) {
        misuse = "a warp shuffle in " + describeBlock(f.where) + " with mask " +
                 std::to_string(mask) +
                 ": the emulation supports full-mask shuffles of whole warps only";
    } else if (sourceLane >= kWarpSize) {
        misuse = "a warp shuffle in " + describeBlock(f.where) + " reads lane " +
                 std::to_string(sourceLane) + ": its width must be a power of two up to 32";
    }
    if (!misuse.empty()) {
        e.misuse = misuse;
        suspend(f, Wait::Exited);
        return;
    }
    unsigned char* slots = e.warpSlots.data() + std::size_t{f.warp} * kWarpSize * kSlotBytes;
    std::memcpy(slots + std::size_t{f.lane} * kSlotBytes, mine, bytes);
    suspend(f, Wait::Warp);  // until every lane has published
    std::memcpy(out, slots + std::size_t{sourceLane} * kSlotBytes, bytes);
    suspend(f, Wait::Warp);  // until every lane has read, before any publishes again
}

void launch(dim3 blocks, dim3 threads, const std::function<void()>& body) {
    Emulator& e = emulator();
    // Like CUDA's, a launch error stays until cudaGetLastError() reads it, and so does its reason.
    const bool earlierFailure = e.pendingError != cudaSuccess;
    if (!earlierFailure) {
        e.failure.clear();
    }
    auto fail = [&](cudaError_t error, const std::string& why) {
        if (!earlierFailure) {
            e.pendingError = error;
            e.failure = why;
        }
    };
    ++e.launches;
    const unsigned long long count =
        static_cast<unsigned long long>(threads.x) * threads.y * threads.z;
    const bool valid = count >= 1 && count <= 1024 && threads.z <= 64 && blocks.x >= 1 &&
                       blocks.y >= 1 && blocks.z >= 1 && blocks.y <= 65535 && blocks.z <= 65535 &&
                       blocks.x <= 0x7fffffffu;
    if (!valid) {
        fail(cudaErrorInvalidConfiguration,
             "invalid launch configuration: grid (" + std::to_string(blocks.x) + ", " +
                 std::to_string(blocks.y) + ", " + std::to_string(blocks.z) + "), block (" +
                 std::to_string(threads.x) + ", " + std::to_string(threads.y) + ", " +
                 std::to_string(threads.z) + ")");
        return;
    }
    while (e.fibers.size() < count) {
        e.fibers.emplace_back();
        e.fibers.back().stack.reset(new char[kStackBytes]);
    }
    e.warpSlots.assign((count + kWarpSize - 1) / kWarpSize * kWarpSize * kSlotBytes, 0);
    e.body = &body;
    Coordinates block;
    block.blockDim = threads;
    block.gridDim = blocks;
    for (unsigned z = 0; z < blocks.z; ++z) {
        for (unsigned y = 0; y < blocks.y; ++y) {
            for (unsigned x = 0; x < blocks.x; ++x) {
                block.blockIdx = {x, y, z};
                const bool descending = (e.launches + x + y + z) % 2 == 1;
                e.misuse.clear();
                const std::string failure = runBlock(e, block, descending);
                if (!failure.empty()) {
                    fail(cudaErrorLaunchFailure, failure);
                    e.body = nullptr;
                    return;
                }
            }
        }
    }
    e.body = nullptr;
}

const std::string& lastFailure() {
    return emulator().failure;
}

}  // namespace cuda_emulation

extern "C" cudaError_t cudaEmulationGetLastError(void) {
    cuda_emulation::Emulator& e = cuda_emulation::emulator();
    const cudaError_t error = e.pendingError;
    e.pendingError = cudaSuccess;
    return error;
}

extern "C" const char* cudaEmulationGetErrorString(cudaError_t error) {
    switch (error) {
        case cudaSuccess:
            return "no error";
        case cudaErrorInvalidConfiguration:
            return "invalid configuration argument (emulated)";
        case cudaErrorLaunchFailure:
            return "unspecified launch failure (emulated)";
        default:
            return "error (emulated)";
    }
}
