#pragma once
// The engine reports every failure a user can cause (bad files, bad options, a diverged run,
// CUDA out of memory) as an airbench::Error whose message is meant to be shown as is.

#include <stdexcept>
#include <string>

namespace airbench {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A dataset folder or file is missing, truncated or malformed. The message names the file.
class DatasetError : public Error {
public:
    using Error::Error;
};

// Training produced a non-finite loss.
class DivergedError : public Error {
public:
    using Error::Error;
};

}  // namespace airbench
