// Whole-file I/O for the front ends (CLI, packages). Plain stdio only: it is all WASI preview1 offers.
#pragma once

#include <string>

#include "core/error.hpp"

namespace rm {

// Reads a whole file; "-" is standard input.
Result<std::string> read_file(const std::string& path);
Result<> write_file(const std::string& path, const std::string& data);

}  // namespace rm
