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
  Json to_json() const;
};

class Registry {
 public:
  static Registry& global();
  // Returns false (and keeps the first) when the name is taken.
  bool add(NodeInfo info);
  const NodeInfo* find(std::string_view name) const;
  std::vector<std::string> names() const;
  const std::vector<NodeInfo>& all() const { return nodes_; }  // sorted by name

 private:
  std::vector<NodeInfo> nodes_;
};

struct NodeRegistration {
  explicit NodeRegistration(NodeInfo info) { Registry::global().add(std::move(info)); }
};

}  // namespace rm

#define RM_REGISTER_NODE(tag, ...) \
  static const ::rm::NodeRegistration rm_node_registration_##tag { __VA_ARGS__ }
