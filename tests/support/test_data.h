#pragma once
// Where the tests find real data, and how they skip when it is absent. Paths come from the
// environment (AIRBENCH_DATA_DIR: the folder holding cifar10/; AIRBENCH_FASHION_MNIST_DIR) or
// else from the CMake options of the same names (default ../shared/data and Debian's package).

#include <airbench/dataset.h>

#include <QString>
#include <QtTest/QtTest>

#include <memory>
#include <string>

namespace airbench::test {

std::string cifarDir();    // "" when no CIFAR-10 binary batches are found
std::string fashionDir();  // "" when no Fashion-MNIST IDX files are found
std::string whereCifarWasSought();
std::string whereFashionWasSought();

// Real data, loaded once per process and cached (tests take subsets of it).
const Dataset& cifar();
const Dataset& fashion();
// The same CIFAR-10, shared (what a RunRequest takes) without a copy.
std::shared_ptr<const Dataset> cifarShared();

// Sets LibTorch to one intra-op thread (ctest runs two tests side by side on two cores).
void useOneThread();

}  // namespace airbench::test

#define AIRBENCH_REQUIRE_CIFAR()                                                           \
    do {                                                                                   \
        if (airbench::test::cifarDir().empty())                                            \
            QSKIP(("real CIFAR-10 not found at " + airbench::test::whereCifarWasSought() + \
                   "; set AIRBENCH_DATA_DIR to the folder holding cifar10/")               \
                      .c_str());                                                           \
    } while (0)

#define AIRBENCH_REQUIRE_FASHION()                                                           \
    do {                                                                                     \
        if (airbench::test::fashionDir().empty())                                            \
            QSKIP(("Fashion-MNIST not found at " + airbench::test::whereFashionWasSought() + \
                   "; install dataset-fashion-mnist or set AIRBENCH_FASHION_MNIST_DIR")      \
                      .c_str());                                                             \
    } while (0)
