// Node types by name. Each node file registers itself with RM_REGISTER_NODE; the registry
// drives manifest validation and `remotemedia nodes`.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "core/params.hpp"

namespace rm {

struct NodeInfo {
  std::string name;
  std::string description;
  std::string category;  // e.g. "basic", "audio"
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<Node>()> create;
  // Params reach the node unchecked: a Python class checks its own constructor arguments.
  bool open_params = false;
  std::string origin = "c++";  // or "python"
  // The optional part of the runtime the node needs ("python", "whisper"), for packages.
  std::string feature;
  Json to_json() const;
};

// Finds node types that are not compiled in (Python classes) for a manifest, before it is
// validated. `all` asks for every such type, for `remotemedia nodes`.
struct ProviderRequest {
  const Json& manifest;
  const std::string& manifest_dir;
  bool all = false;
};

class Registry {
 public:
  static Registry& global();
  // Returns false (and keeps the first) when the name is taken.
  bool add(NodeInfo info);
  // For types found at run time: replaces an earlier entry of the same origin. Returns false
  // (and keeps the compiled-in node) when a C++ node has the name: C++ names win.
  bool add_or_replace(NodeInfo info);

  using Provider = std::function<Result<>(const ProviderRequest&, Registry&)>;
  void add_provider(Provider provider) { providers_.push_back(std::move(provider)); }
  bool has_providers() const { return !providers_.empty(); }
  Result<> provide(const ProviderRequest& request);
  const NodeInfo* find(std::string_view name) const;
  std::vector<std::string> names() const;
  const std::vector<NodeInfo>& all() const { return nodes_; }  // sorted by name

 private:
  std::vector<NodeInfo> nodes_;
  std::vector<Provider> providers_;
};

struct NodeRegistration {
  explicit NodeRegistration(NodeInfo info) { Registry::global().add(std::move(info)); }
};

struct ProviderRegistration {
  explicit ProviderRegistration(Registry::Provider p) { Registry::global().add_provider(std::move(p)); }
};

}  // namespace rm

#define RM_REGISTER_NODE(tag, ...) \
  static const ::rm::NodeRegistration rm_node_registration_##tag { __VA_ARGS__ }
