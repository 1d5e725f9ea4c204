#include "package/zip.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "core/path.hpp"

namespace rm::pkg {
namespace {

// The canonical header values (see zip.hpp): unix "made by" 3.0, "needs" 1.0 (stored),
// UTF-8 names, 1980-01-01 00:00, regular file 0644.
constexpr std::uint16_t kMadeBy = (3 << 8) | 30;
constexpr std::uint16_t kNeeds = 10;
constexpr std::uint16_t kFlags = 0x0800;
constexpr std::uint16_t kTime = 0;
constexpr std::uint16_t kDate = (0 << 9) | (1 << 5) | 1;
constexpr std::uint32_t kExternal = 0100644u << 16;
constexpr std::uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr std::size_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22;
constexpr std::size_t kMaxName = 1024, kMaxComponent = 255;

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::InvalidInput, "bad_package", std::move(message));
}

void put16(Bytes& b, std::uint16_t v) { b.insert(b.end(), {std::uint8_t(v), std::uint8_t(v >> 8)}); }
void put32(Bytes& b, std::uint32_t v) {
  b.insert(b.end(), {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16), std::uint8_t(v >> 24)});
}
std::uint16_t get16(const std::uint8_t* p) { return std::uint16_t(p[0] | p[1] << 8); }
std::uint32_t get32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

std::uint32_t crc_update(std::uint32_t crc, ByteView data) {
  // zlib's crc32 takes a uInt length: feed it in pieces.
  while (!data.empty()) {
    const std::size_t n = std::min<std::size_t>(data.size(), 1u << 30);
    crc = static_cast<std::uint32_t>(::crc32(crc, data.data(), static_cast<uInt>(n)));
    data = data.subspan(n);
  }
  return crc;
}

std::string quoted(std::string_view name) { return "'" + printable(name) + "'"; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::string unsafe_name_reason(std::string_view name) {
  if (name.empty()) return "empty name";
  if (name.size() > kMaxName) return "name longer than " + std::to_string(kMaxName) + " bytes";
  if (name.front() == '/') return "absolute path";
  if (name.size() >= 2 && name[1] == ':') return "drive-letter path";
  if (name.back() == '/') return "directory entry (packages hold files only)";
  for (char c : name) {
    if (c == '\\') return "backslash in path";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "control character in name";
  }
  if (!valid_utf8(name)) return "name is not valid UTF-8";
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part == "..") return "path traversal ('..')";
    if (part.empty() || part == ".") return "empty or '.' path component";
    if (part.size() > kMaxComponent) return "path component longer than 255 bytes";
    start = end + 1;
  }
  return "";
}

Result<std::uint64_t> write_zip(const std::string& out_path, std::vector<ZipSource> files) {
  std::sort(files.begin(), files.end(), [](const ZipSource& a, const ZipSource& b) { return a.name < b.name; });
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (auto why = unsafe_name_reason(files[i].name); !why.empty())
      return fail(ErrorKind::InvalidInput, "bad_package_path", "cannot package " + quoted(files[i].name) + ": " + why);
    if (i && files[i].name == files[i - 1].name)
      return fail(ErrorKind::InvalidInput, "duplicate_package_path", "two files for " + quoted(files[i].name));
  }
  if (files.size() > 65534)
    return fail(ErrorKind::InvalidInput, "package_too_large", "packages hold at most 65534 files (no zip64)");
  std::FILE* out = std::fopen(open_path(out_path).c_str(), "wb");
  if (!out)
    return fail(ErrorKind::InvalidInput, "file_not_writable",
                "cannot write '" + out_path + "': " + std::strerror(errno));
  Bytes central;
  std::uint64_t offset = 0;
  bool ok = true;
  for (auto& f : files) {
    if (!f.path.empty()) {
      std::FILE* in = std::fopen(open_path(f.path).c_str(), "rb");
      if (!in) {
        std::fclose(out);
        return fail(ErrorKind::InvalidInput, "file_not_readable",
                    "cannot read '" + f.path + "': " + std::strerror(errno));
      }
      std::uint8_t buf[1 << 16];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) f.data.insert(f.data.end(), buf, buf + n);
      std::fclose(in);
    }
    if (std::uint64_t(offset) + kLocalSize + f.name.size() + f.data.size() + central.size() + kCentralSize +
            f.name.size() + kEndSize >=
        0xFFFFFFFFull) {
      std::fclose(out);
      return fail(ErrorKind::InvalidInput, "package_too_large", "packages are limited to 4 GiB (no zip64)");
    }
    const std::uint32_t crc = crc_update(0, f.data);
    const auto size = static_cast<std::uint32_t>(f.data.size());
    Bytes local;
    put32(local, kLocalSig);
    for (std::uint16_t v : {kNeeds, kFlags, std::uint16_t(0), kTime, kDate}) put16(local, v);
    for (std::uint32_t v : {crc, size, size}) put32(local, v);
    put16(local, static_cast<std::uint16_t>(f.name.size()));
    put16(local, 0);
    local.insert(local.end(), f.name.begin(), f.name.end());

    put32(central, kCentralSig);
    for (std::uint16_t v : {kMadeBy, kNeeds, kFlags, std::uint16_t(0), kTime, kDate}) put16(central, v);
    for (std::uint32_t v : {crc, size, size}) put32(central, v);
    for (std::uint16_t v :
         {std::uint16_t(f.name.size()), std::uint16_t(0), std::uint16_t(0), std::uint16_t(0), std::uint16_t(0)})
      put16(central, v);
    put32(central, kExternal);
    put32(central, static_cast<std::uint32_t>(offset));
    central.insert(central.end(), f.name.begin(), f.name.end());

    ok = ok && std::fwrite(local.data(), 1, local.size(), out) == local.size();
    ok = ok && std::fwrite(f.data.data(), 1, f.data.size(), out) == f.data.size();
    offset += local.size() + f.data.size();
    f.data = Bytes();
  }
  Bytes end;
  put32(end, kEndSig);
  for (std::uint16_t v : {std::uint16_t(0), std::uint16_t(0), std::uint16_t(files.size()), std::uint16_t(files.size())})
    put16(end, v);
  put32(end, static_cast<std::uint32_t>(central.size()));
  put32(end, static_cast<std::uint32_t>(offset));
  put16(end, 0);
  ok = ok && std::fwrite(central.data(), 1, central.size(), out) == central.size();
  ok = ok && std::fwrite(end.data(), 1, end.size(), out) == end.size();
  if (std::fclose(out) != 0 || !ok)
    return fail(ErrorKind::InvalidInput, "file_not_writable", "error while writing '" + out_path + "'");
  return offset + central.size() + end.size();
}

struct ZipReader::Source {
  int fd = -1;
  ByteView memory;
  std::uint64_t size = 0;
  ~Source() {
    if (fd >= 0) ::close(fd);
  }
};

Result<ZipReader> ZipReader::open_file(const std::string& path, const ZipLimits& limits) {
  auto source = std::make_shared<Source>();
  source->fd = ::open(open_path(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (source->fd < 0)
    return fail(ErrorKind::InvalidInput, "file_not_readable", "cannot read '" + path + "': " + std::strerror(errno));
  struct stat st;
  if (::fstat(source->fd, &st) != 0 || !S_ISREG(st.st_mode))
    return fail(ErrorKind::InvalidInput, "file_not_readable", "'" + path + "' is not a regular file");
  source->size = static_cast<std::uint64_t>(st.st_size);
  ZipReader r;
  r.source_ = std::move(source);
  RM_CHECK(r.parse(limits));
  return r;
}

Result<ZipReader> ZipReader::open_memory(ByteView data, const ZipLimits& limits) {
  auto source = std::make_shared<Source>();
  source->memory = data;
  source->size = data.size();
  ZipReader r;
  r.source_ = std::move(source);
  RM_CHECK(r.parse(limits));
  return r;
}

Result<> ZipReader::read_at(std::uint64_t offset, std::uint8_t* out, std::size_t n) const {
  if (offset > source_->size || n > source_->size - offset)
    return bad("truncated: a range points past the end of the file");
  if (source_->fd < 0) {
    std::memcpy(out, source_->memory.data() + offset, n);
    return {};
  }
  while (n > 0) {
    const ssize_t got = ::pread(source_->fd, out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return bad("truncated or unreadable while reading");
    out += got;
    offset += static_cast<std::uint64_t>(got);
    n -= static_cast<std::size_t>(got);
  }
  return {};
}

Result<> ZipReader::parse(const ZipLimits& limits) {
  const std::uint64_t size = source_->size;
  if (size < kEndSize) return bad("not a package: too short to be a zip archive (truncated?)");
  // The end record is the last 22 bytes in canonical form; look further back only to explain.
  const std::size_t tail_len = static_cast<std::size_t>(std::min<std::uint64_t>(size, 65535 + kEndSize));
  Bytes tail(tail_len);
  RM_CHECK(read_at(size - tail_len, tail.data(), tail_len));
  std::size_t end_at = tail_len;
  for (std::size_t i = tail_len - kEndSize + 1; i-- > 0;)
    if (get32(&tail[i]) == kEndSig) {
      end_at = i;
      break;
    }
  if (end_at == tail_len) {
    if (size >= 4) {
      std::uint8_t head[4];
      RM_CHECK(read_at(0, head, 4));
      if (get32(head) == kLocalSig) return bad("truncated: the zip archive's end record is missing");
    }
    return bad("not a package: no zip end record");
  }
  if (end_at != tail_len - kEndSize)
    return bad("unexpected " + std::to_string(tail_len - kEndSize - end_at) +
               " bytes after the zip end record (appended data or an archive comment)");
  const std::uint8_t* e = &tail[end_at];
  const std::uint16_t disk = get16(e + 4), cd_disk = get16(e + 6), count_here = get16(e + 8), count = get16(e + 10);
  const std::uint32_t cd_size = get32(e + 12), cd_offset = get32(e + 16);
  if (get16(e + 20) != 0) return bad("the zip end record announces an archive comment (not canonical)");
  if (count == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu)
    return bad("zip64 archives are not supported");
  if (disk != 0 || cd_disk != 0 || count_here != count) return bad("multi-part zip archives are not supported");
  if (count > limits.max_entries)
    return bad(std::to_string(count) + " entries, over the limit of " + std::to_string(limits.max_entries));
  const std::uint64_t end_pos = size - kEndSize;
  if (std::uint64_t(cd_offset) + cd_size != end_pos)
    return bad("the central directory is not where the end record says (truncated or modified)");

  // Canonical entries have names of at most kMaxName and no extras; leave room for other writers'
  // extras so that their archives are refused for what they are, not for their size.
  if (cd_size > std::uint64_t(count) * (kCentralSize + 2 * kMaxName))
    return bad("the central directory is larger than its entries can be (modified)");
  Bytes cd(cd_size);
  RM_CHECK(read_at(cd_offset, cd.data(), cd.size()));
  std::set<std::string> seen_lower;
  std::uint64_t total = 0, expected_offset = 0;
  std::size_t pos = 0;
  // Two passes: what makes a package dangerous (names, links, duplicates, compression, size) is
  // reported for any entry before what merely makes it non-canonical.
  for (int pass = 0; pass < 2; ++pass) {
    pos = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (pos + kCentralSize > cd.size() || get32(&cd[pos]) != kCentralSig)
        return bad("the central directory is damaged (entry " + std::to_string(i) + ")");
      const std::uint8_t* c = &cd[pos];
      const std::uint16_t made_by = get16(c + 4), needs = get16(c + 6), flags = get16(c + 8), method = get16(c + 10),
                          time = get16(c + 12), date = get16(c + 14);
      const std::uint32_t crc = get32(c + 16), csize = get32(c + 20), usize = get32(c + 24);
      const std::uint16_t name_len = get16(c + 28), extra_len = get16(c + 30), comment_len = get16(c + 32),
                          disk_start = get16(c + 34), internal = get16(c + 36);
      const std::uint32_t external = get32(c + 38), local_offset = get32(c + 42);
      if (pos + kCentralSize + name_len + extra_len + comment_len > cd.size())
        return bad("the central directory is damaged (entry " + std::to_string(i) + ")");
      std::string name(reinterpret_cast<const char*>(c + kCentralSize), name_len);
      pos += kCentralSize + name_len + extra_len + comment_len;
      const std::string what = "entry " + quoted(name);
      if (pass == 0) {
        if (auto why = unsafe_name_reason(name); !why.empty()) return bad(what + ": unsafe path: " + why);
        const std::uint32_t type = (external >> 16) & 0170000u;
        if ((made_by >> 8) == 3 && type == 0120000u)
          return bad(what + " is a symbolic link (not allowed in a package)");
        if ((made_by >> 8) == 3 && type != 0 && type != 0100000u) return bad(what + " is not a regular file");
        if (!seen_lower.insert(lower(name)).second)
          return bad(what + " appears twice (names must be unique, also ignoring case)");
        if (flags & 1) return bad(what + " is encrypted");
        if (method != 0)
          return bad(what + " is compressed (method " + std::to_string(method) +
                     "): package entries are stored, so models are read in place and every byte is signed");
        if (csize != usize) return bad(what + ": stored sizes differ");
        total += usize;
        if (total > limits.max_total_size)
          return bad("the contents add up to more than the limit of " + std::to_string(limits.max_total_size) +
                     " bytes (--max-size)");
        continue;
      }
      if (made_by != kMadeBy || needs != kNeeds || flags != kFlags || time != kTime || date != kDate || extra_len ||
          comment_len || disk_start || internal || external != kExternal)
        return bad(what + ": header fields are not in canonical form (modified, or not written by remotemedia pack)");
      if (!entries_.empty() && !(entries_.back().name < name)) return bad(what + " is out of order (not canonical)");
      if (local_offset != expected_offset)
        return bad(what + " is not where the directory says (overlapping, gaps or a modified offset)");

      std::uint8_t local[kLocalSize];
      RM_CHECK(read_at(local_offset, local, kLocalSize));
      if (get32(local) != kLocalSig || get16(local + 4) != needs || get16(local + 6) != flags ||
          get16(local + 8) != method || get16(local + 10) != time || get16(local + 12) != date ||
          get32(local + 14) != crc || get32(local + 18) != csize || get32(local + 22) != usize ||
          get16(local + 26) != name_len || get16(local + 28) != 0)
        return bad(what + ": its local header disagrees with the central directory");
      std::string local_name(name_len, '\0');
      RM_CHECK(read_at(local_offset + kLocalSize, reinterpret_cast<std::uint8_t*>(local_name.data()), name_len));
      if (local_name != name) return bad(what + ": its local header names " + quoted(local_name));
      ZipEntry entry{name, local_offset + kLocalSize + name_len, usize, crc};
      expected_offset = entry.data_offset + entry.size;
      if (expected_offset > cd_offset) return bad(what + " runs into the central directory (truncated or modified)");
      entries_.push_back(std::move(entry));
    }
    if (pass == 0)  // "a" and "a/b" cannot both be extracted
      for (const std::string& n : seen_lower)
        if (auto it = seen_lower.lower_bound(n + "/"); it != seen_lower.end() && it->starts_with(n + "/"))
          return bad("entry " + quoted(n) + " is both a file and a folder");
  }
  if (pos != cd.size()) return bad("unexpected bytes at the end of the central directory");
  if (expected_offset != cd_offset) return bad("unexpected bytes between the last entry and the central directory");
  return {};
}

const ZipEntry* ZipReader::find(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const ZipEntry& e, std::string_view n) { return e.name < n; });
  return it != entries_.end() && it->name == name ? &*it : nullptr;
}

Result<> ZipReader::read(const ZipEntry& entry, const std::function<void(ByteView)>& sink) const {
  std::uint32_t crc = 0;
  if (source_->fd < 0) {
    ByteView data = source_->memory.subspan(entry.data_offset, entry.size);
    crc = crc_update(crc, data);
    sink(data);
  } else {
    Bytes buf(std::min<std::uint64_t>(entry.size, 1 << 20));
    for (std::uint64_t done = 0; done < entry.size;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), entry.size - done));
      RM_CHECK(read_at(entry.data_offset + done, buf.data(), n));
      ByteView chunk(buf.data(), n);
      crc = crc_update(crc, chunk);
      sink(chunk);
      done += n;
    }
  }
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION  // the fuzzer gets past the checksums
  if (crc != entry.crc32) return bad("entry " + quoted(entry.name) + ": CRC-32 mismatch (damaged or modified)");
#endif
  return {};
}

Result<Bytes> ZipReader::read_all(const ZipEntry& entry) const {
  Bytes out;
  out.reserve(entry.size);
  RM_CHECK(read(entry, [&](ByteView chunk) { out.insert(out.end(), chunk.begin(), chunk.end()); }));
  return out;
}

}  // namespace rm::pkg
