#include "core/path.hpp"

#include <unistd.h>

#include <vector>

namespace rm {

std::string dir_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string join_path(const std::string& dir, const std::string& rel) {
  if (!rel.empty() && rel.front() == '/') return rel;
  std::string r = rel;
  while (r.size() >= 2 && r.compare(0, 2, "./") == 0) r.erase(0, 2);
  if (r == ".") r.clear();
  if (dir.empty() || dir == ".") return r.empty() ? "." : r;
  if (r.empty()) return dir;
  return dir.back() == '/' ? dir + r : dir + "/" + r;
}

std::string open_path(const std::string& path) {
  std::string full = path;
  if (full.empty() || full.front() != '/') {
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return path;
    full = std::string(cwd) + "/" + path;
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= full.size()) {
    std::size_t end = full.find('/', start);
    if (end == std::string::npos) end = full.size();
    std::string part = full.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

}  // namespace rm
