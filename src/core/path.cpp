#include "core/path.hpp"

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

}  // namespace rm
