// A file written whole or not at all: the bytes go to a temporary file next to the final name
// (same folder, so the same file system), which replaces the final name only on commit(). A
// crash, kill -9 or error midway leaves the final name as it was, never a partial file; and the
// committed file has the mode asked for, whatever mode an older file of that name had.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/error.hpp"

namespace rm::pkg {

class OutputFile {
 public:
  // Creates the temporary file for `final_path` with `mode` (0600 for a secret key; 0644 is
  // narrowed by the umask as a plain create would be). A `final_path` that exists must be a
  // regular file (not a device or a fifo, which the rename would replace).
  static Result<OutputFile> create(const std::string& final_path, mode_t mode);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  ~OutputFile();  // removes the temporary file unless committed

  // Where to write (the temporary file).
  const std::string& temp_path() const { return temp_; }
  // Renames the temporary file to the final name.
  Result<> commit();

 private:
  OutputFile(std::string final_path, std::string temp) : final_(std::move(final_path)), temp_(std::move(temp)) {}
  std::string final_, temp_;
  bool done_ = false;
};

// Writes `data` to `path` through an OutputFile.
Result<> write_file_whole(const std::string& path, const std::string& data, mode_t mode);

}  // namespace rm::pkg
