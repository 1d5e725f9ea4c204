#include "package/output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/path.hpp"

namespace rm::pkg {

namespace {

std::unexpected<Error> not_writable(const std::string& path, int err) {
  return fail(ErrorKind::InvalidInput, "file_not_writable", "cannot write '" + path + "': " + std::strerror(err));
}

}  // namespace

Result<OutputFile> OutputFile::create(const std::string& final_path, mode_t mode) {
  // The rename replaces whatever has the name: only ever a file (never /dev/stdout, a fifo, ...).
  struct stat st;
  if (::stat(open_path(final_path).c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return fail(ErrorKind::InvalidInput, "file_not_writable",
                "cannot write '" + final_path + "': not a regular file (give a file name)");
  std::string temp = final_path + ".partial-XXXXXX";
  std::string host = open_path(temp);
  const int fd = ::mkstemp(host.data());  // mode 0600, never an existing file
  if (fd < 0) return not_writable(final_path, errno);
  temp.replace(temp.size() - 6, 6, host.substr(host.size() - 6));
  const mode_t mask = ::umask(0);
  ::umask(mask);
  const bool private_mode = (mode & 077) == 0;
  const int chmod_result = ::fchmod(fd, private_mode ? mode : (mode & ~mask));
  const int err = errno;
  ::close(fd);
  OutputFile file(final_path, temp);
  if (chmod_result != 0) return not_writable(final_path, err);
  return file;
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : final_(std::move(other.final_)), temp_(std::move(other.temp_)), done_(other.done_) {
  other.done_ = true;
}

OutputFile::~OutputFile() {
  if (!done_) ::unlink(open_path(temp_).c_str());
}

Result<> OutputFile::commit() {
  if (::rename(open_path(temp_).c_str(), open_path(final_).c_str()) != 0) return not_writable(final_, errno);
  done_ = true;
  return {};
}

Result<> write_file_whole(const std::string& path, const std::string& data, mode_t mode) {
  RM_TRY(out, OutputFile::create(path, mode));
  std::FILE* f = std::fopen(open_path(out.temp_path()).c_str(), "wb");
  if (!f) return not_writable(path, errno);
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) return not_writable(path, ok ? errno : err);
  return out.commit();
}

}  // namespace rm::pkg
