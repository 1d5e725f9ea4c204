#include "core/registry.hpp"

#include <algorithm>

namespace rm {

Json NodeInfo::to_json() const {
  Json j = Json::object();
  j.set("name", name);
  j.set("category", category);
  j.set("description", description);
  Json p = Json::array();
  for (const auto& spec : params) p.push_back(spec.to_json());
  j.set("params", std::move(p));
  return j;
}

Registry& Registry::global() {
  static Registry registry;
  return registry;
}

bool Registry::add(NodeInfo info) {
  auto at = std::lower_bound(nodes_.begin(), nodes_.end(), info.name,
                             [](const NodeInfo& n, const std::string& name) { return n.name < name; });
  if (at != nodes_.end() && at->name == info.name) return false;
  nodes_.insert(at, std::move(info));
  return true;
}

bool Registry::add_or_replace(NodeInfo info) {
  auto at = std::lower_bound(nodes_.begin(), nodes_.end(), info.name,
                             [](const NodeInfo& n, const std::string& name) { return n.name < name; });
  if (at == nodes_.end() || at->name != info.name) {
    nodes_.insert(at, std::move(info));
    return true;
  }
  if (at->origin != info.origin) return false;
  *at = std::move(info);
  return true;
}

Result<> Registry::provide(const ProviderRequest& request) {
  for (auto& provider : providers_) RM_CHECK(provider(request, *this));
  return {};
}

const NodeInfo* Registry::find(std::string_view name) const {
  auto at = std::lower_bound(nodes_.begin(), nodes_.end(), name,
                             [](const NodeInfo& n, std::string_view key) { return n.name < key; });
  return at != nodes_.end() && at->name == name ? &*at : nullptr;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_) out.push_back(n.name);
  return out;
}

}  // namespace rm
