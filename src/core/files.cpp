#include "core/files.hpp"

#include "core/path.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rm {

Result<std::string> read_file(const std::string& path) {
  const bool is_stdin = path == "-";
  std::FILE* f = is_stdin ? stdin : std::fopen(open_path(path).c_str(), "rb");
  if (!f)
    return fail(ErrorKind::InvalidInput, "file_not_readable", "cannot read '" + path + "': " + std::strerror(errno));
  std::string data;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  if (!is_stdin) std::fclose(f);
  if (failed) return fail(ErrorKind::InvalidInput, "file_not_readable", "error while reading '" + path + "'");
  return data;
}

Result<> write_file(const std::string& path, const std::string& data) {
  std::FILE* f = std::fopen(open_path(path).c_str(), "wb");
  if (!f)
    return fail(ErrorKind::InvalidInput, "file_not_writable", "cannot write '" + path + "': " + std::strerror(errno));
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  if (std::fclose(f) != 0 || !ok)
    return fail(ErrorKind::InvalidInput, "file_not_writable", "error while writing '" + path + "'");
  return {};
}

}  // namespace rm
