// Manifest v1: parsing (with the draft spellings still in use) and validation into a Graph.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/params.hpp"
#include "core/registry.hpp"

namespace rm {

struct NodeSpec {
  std::string id;
  std::string type;
  Json params;  // as written; validated into Graph::params
  bool is_streaming = false;
};

struct Connection {
  std::string from;
  std::string to;
};

struct Manifest {
  std::string version;
  std::string name;
  std::string description;
  std::vector<NodeSpec> nodes;
  std::vector<Connection> connections;
  std::string connections_field = "connections";  // or the draft "edges", for error paths
  Json python;   // {"paths": [...], "modules": [...]}: where Python node types come from
  Json runtime;  // {"target", "min_version", "features"}: written by `pack`, checked on load
};

// Structure only: fields, types, aliases. Errors name the field path.
Result<Manifest> parse_manifest(const Json& doc);
Result<Manifest> parse_manifest_text(std::string_view text);

// A manifest checked against the registry: known types, valid params, an acyclic graph.
struct Graph {
  Manifest manifest;
  std::vector<const NodeInfo*> infos;   // by node index (manifest order)
  std::vector<Params> params;           // by node index
  std::vector<std::vector<int>> preds;  // by node index, ordered by execution rank
  std::vector<std::vector<int>> succs;  // by node index, ordered by execution rank
  std::vector<int> order;               // node indices in execution order
  std::vector<int> rank;                // by node index: its position in `order`
  std::vector<int> sinks;               // node indices without successors, in execution order
  std::size_t source_count = 0;
  Json info_json() const;  // {"node_count","source_count","sink_count","execution_order"}
};

Result<Graph> build_graph(Manifest manifest, const Registry& registry);

}  // namespace rm
