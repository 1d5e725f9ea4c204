// Path strings, the same on every target (WASI has no <filesystem>).
#pragma once

#include <string>

namespace rm {

// The folder part of a path ("." when it has none).
std::string dir_of(const std::string& path);
// `rel` resolved against `dir`: absolute paths stay, "." parts are dropped.
std::string join_path(const std::string& dir, const std::string& rel);

// The path to open: absolute, with "." and ".." resolved lexically against the current folder.
// WASI hosts only open paths under a mapped folder and do not resolve ".." across mappings, so
// every file is opened by its clean absolute path (natively this changes nothing).
std::string open_path(const std::string& path);

}  // namespace rm
