// The package container: a zip archive in one canonical form. Entries are stored (not
// compressed), sorted by name, contiguous, with fixed times and modes and no extra fields or
// comments. Stored entries can be read in place (a model is a byte range of the package), and
// with a canonical layout every byte of the file is either a checked constant, cross-checked
// between headers, or covered by an entry's digest: a single changed byte never goes unnoticed.
// Transport compression is HTTP's job (gzip), not the container's.
//
// The reader trusts nothing: it refuses unsafe names (absolute, "..", backslashes), symlinks and
// other non-regular files, duplicates (also by case), compressed or encrypted entries, zip64,
// sizes over its limits, overlapping or out-of-file ranges, and anything not in canonical form.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"  // valid_utf8, printable
#include "package/crypto.hpp"

namespace rm::pkg {

struct ZipLimits {
  std::uint64_t max_total_size = 4ull << 30;  // sum of all entries' sizes (zip32 offsets cap a file at 4 GiB)
  std::size_t max_entries = 65534;
};

struct ZipEntry {
  std::string name;
  std::uint64_t data_offset = 0;  // where the entry's bytes start in the archive
  std::uint64_t size = 0;
  std::uint32_t crc32 = 0;
};

// A file to write: its bytes, or the path to read them from.
struct ZipSource {
  std::string name;
  std::string path;
  Bytes data;
};

// Writes `files` (any order; sorted here) as a canonical archive. Returns the archive's size.
Result<std::uint64_t> write_zip(const std::string& out_path, std::vector<ZipSource> files);

// Is `name` a safe relative path inside an archive (UTF-8, no traversal, components that every
// file system takes)? Empty when it is, else why not.
std::string unsafe_name_reason(std::string_view name);

class ZipReader {
 public:
  static Result<ZipReader> open_file(const std::string& path, const ZipLimits& limits = {});
  static Result<ZipReader> open_memory(ByteView data, const ZipLimits& limits = {});

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(std::string_view name) const;
  // The entry's bytes, in chunks, then a CRC-32 check.
  Result<> read(const ZipEntry& entry, const std::function<void(ByteView)>& sink) const;
  Result<Bytes> read_all(const ZipEntry& entry) const;

 private:
  struct Source;
  Result<> parse(const ZipLimits& limits);
  Result<> read_at(std::uint64_t offset, std::uint8_t* out, std::size_t n) const;

  std::shared_ptr<Source> source_;
  std::vector<ZipEntry> entries_;
};

}  // namespace rm::pkg
