#include "core/manifest.hpp"

#include <algorithm>
#include <map>
#include <queue>

namespace rm {

namespace {

Error invalid(std::string code, std::string field, std::string message) {
  Error e;
  e.kind = ErrorKind::InvalidInput;
  e.code = std::move(code);
  e.field = std::move(field);
  e.message = std::move(message);
  return e;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Rejects members not in `known`, so that a typo never silently changes a pipeline.
Result<> check_fields(const Json& obj, const std::vector<std::string>& known, const std::string& path) {
  for (const auto& [key, value] : obj.as_object()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string field = path.empty() ? key : path + "." + key;
    Error e = invalid("unknown_field", field, "unknown field '" + field + "' (expected: " + join(known) + ")");
    e.suggestion = closest_name(key, known);
    return fail(std::move(e));
  }
  return {};
}

Result<const Json*> typed_field(const Json& obj, std::string_view key, Json::Kind kind, const std::string& path,
                                bool required) {
  const Json* v = obj.find(key);
  std::string field = path.empty() ? std::string(key) : path + "." + std::string(key);
  if (!v) {
    if (!required) return nullptr;
    return fail(invalid("missing_field", field, "missing required field '" + field + "'"));
  }
  if (v->kind() != kind)
    return fail(invalid("invalid_field_type", field,
                        "field '" + field + "' must be " + kind_name(kind) + ", got " + kind_name(v->kind())));
  return v;
}

// `canonical` or its draft `alias`, never both.
Result<const Json*> aliased_field(const Json& obj, std::string_view canonical, std::string_view alias, Json::Kind kind,
                                  const std::string& path, bool required) {
  const Json* a = obj.find(canonical);
  const Json* b = obj.find(alias);
  std::string prefix = path.empty() ? "" : path + ".";
  if (a && b)
    return fail(invalid("conflicting_fields", prefix + std::string(alias),
                        "both '" + prefix + std::string(canonical) + "' and its draft spelling '" + prefix +
                            std::string(alias) + "' are given; keep '" + std::string(canonical) + "'"));
  if (b) return typed_field(obj, alias, kind, path, required);
  auto r = typed_field(obj, canonical, kind, path, required);
  return r;
}

// "1.2.3" -> {1, 2, 3}; empty when it is not a version.
std::vector<int> version_parts(const std::string& v) {
  std::vector<int> parts;
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t end = v.find('.', start);
    if (end == std::string::npos) end = v.size();
    const std::string part = v.substr(start, end - start);
    if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos) return {};
    parts.push_back(std::stoi(part));
    start = end + 1;
  }
  return parts;
}

// The runtime block a package's manifest carries: what it was built for and what it needs.
Result<> check_runtime(const Json& runtime) {
  RM_CHECK(check_fields(runtime, {"target", "min_version", "features"}, "runtime"));
  RM_TRY(target, typed_field(runtime, "target", Json::Kind::String, "runtime", false));
  if (target && target->as_string() != "wasm32-wasi")
    return fail(invalid("unsupported_target", "runtime.target",
                        "unsupported runtime target \"" + target->as_string() + "\" (supported: \"wasm32-wasi\")"));
  RM_TRY(min_version, typed_field(runtime, "min_version", Json::Kind::String, "runtime", false));
  if (min_version) {
    const auto needed = version_parts(min_version->as_string());
    if (needed.empty())
      return fail(invalid("invalid_field_type", "runtime.min_version", "runtime.min_version must look like \"1.2.3\""));
    if (version_parts(RM_VERSION) < needed)
      return fail(invalid(
          "runtime_too_old", "runtime.min_version",
          "this pipeline needs remotemedia " + min_version->as_string() + " or newer (this is " + RM_VERSION + ")"));
  }
  RM_TRY(features, typed_field(runtime, "features", Json::Kind::Array, "runtime", false));
  if (features)
    for (std::size_t i = 0; i < features->as_array().size(); ++i) {
      const Json& f = features->as_array()[i];
      const std::string field = "runtime.features[" + std::to_string(i) + "]";
      if (!f.is_string() || (f.as_string() != "python" && f.as_string() != "whisper"))
        return fail(invalid("unknown_feature", field, field + " must be \"python\" or \"whisper\""));
    }
  return {};
}

}  // namespace

Result<Manifest> parse_manifest(const Json& doc) {
  if (!doc.is_object())
    return fail(
        invalid("invalid_manifest", "", std::string("a manifest must be a JSON object, got ") + kind_name(doc.kind())));
  RM_CHECK(check_fields(doc, {"version", "metadata", "nodes", "connections", "edges", "python", "runtime"}, ""));
  Manifest m;

  RM_TRY(version, typed_field(doc, "version", Json::Kind::String, "", true));
  if (version->as_string() != "v1")
    return fail(invalid("unsupported_version", "version",
                        "unsupported manifest version \"" + version->as_string() + "\" (supported: \"v1\")"));
  m.version = version->as_string();

  RM_TRY(metadata, typed_field(doc, "metadata", Json::Kind::Object, "", false));
  if (metadata) {
    RM_CHECK(check_fields(*metadata, {"name", "description", "version", "author", "tags"}, "metadata"));
    RM_TRY(name, typed_field(*metadata, "name", Json::Kind::String, "metadata", true));
    m.name = name->as_string();
    RM_TRY(description, typed_field(*metadata, "description", Json::Kind::String, "metadata", false));
    if (description) m.description = description->as_string();
  }

  RM_TRY(python, typed_field(doc, "python", Json::Kind::Object, "", false));
  if (python) {
    RM_CHECK(check_fields(*python, {"paths", "modules"}, "python"));
    for (const char* key : {"paths", "modules"}) {
      RM_TRY(list, typed_field(*python, key, Json::Kind::Array, "python", false));
      if (!list) continue;
      for (std::size_t i = 0; i < list->as_array().size(); ++i)
        if (!list->as_array()[i].is_string()) {
          std::string field = "python." + std::string(key) + "[" + std::to_string(i) + "]";
          return fail(invalid("invalid_field_type", field, "field '" + field + "' must be a string"));
        }
    }
    m.python = *python;
  }

  RM_TRY(runtime, typed_field(doc, "runtime", Json::Kind::Object, "", false));
  if (runtime) {
    RM_CHECK(check_runtime(*runtime));
    m.runtime = *runtime;
  }

  RM_TRY(nodes, typed_field(doc, "nodes", Json::Kind::Array, "", true));
  if (nodes->as_array().empty())
    return fail(invalid("no_nodes", "nodes", "the manifest has no nodes (\"nodes\" is empty)"));
  for (std::size_t i = 0; i < nodes->as_array().size(); ++i) {
    const Json& n = nodes->as_array()[i];
    std::string path = "nodes[" + std::to_string(i) + "]";
    if (!n.is_object())
      return fail(invalid("invalid_field_type", path, "'" + path + "' must be an object, got " + kind_name(n.kind())));
    RM_CHECK(check_fields(n, {"id", "node_type", "type", "params", "is_streaming"}, path));
    NodeSpec spec;
    RM_TRY(id, typed_field(n, "id", Json::Kind::String, path, true));
    if (id->as_string().empty())
      return fail(invalid("invalid_field_value", path + ".id", "'" + path + ".id' must not be empty"));
    spec.id = id->as_string();
    RM_TRY(type, aliased_field(n, "node_type", "type", Json::Kind::String, path, false));
    if (!type)
      return fail(invalid("missing_field", path + ".node_type",
                          "missing required field '" + path + ".node_type' (node '" + spec.id + "')"));
    spec.type = type->as_string();
    if (const Json* params = n.find("params")) spec.params = *params;
    RM_TRY(streaming, typed_field(n, "is_streaming", Json::Kind::Bool, path, false));
    spec.is_streaming = streaming && streaming->as_bool();
    m.nodes.push_back(std::move(spec));
  }

  RM_TRY(connections, aliased_field(doc, "connections", "edges", Json::Kind::Array, "", false));
  m.connections_field = doc.find("edges") ? "edges" : "connections";
  const std::string& key = m.connections_field;
  if (connections) {
    for (std::size_t i = 0; i < connections->as_array().size(); ++i) {
      const Json& c = connections->as_array()[i];
      std::string path = key + "[" + std::to_string(i) + "]";
      if (!c.is_object())
        return fail(
            invalid("invalid_field_type", path, "'" + path + "' must be an object, got " + kind_name(c.kind())));
      RM_CHECK(check_fields(c, {"from", "to"}, path));
      RM_TRY(from, typed_field(c, "from", Json::Kind::String, path, true));
      RM_TRY(to, typed_field(c, "to", Json::Kind::String, path, true));
      m.connections.push_back({from->as_string(), to->as_string()});
    }
  }
  return m;
}

Result<Manifest> parse_manifest_text(std::string_view text) {
  RM_TRY(doc, parse_json(text));
  return parse_manifest(doc);
}

Json Graph::info_json() const {
  Json order_json = Json::array();
  for (int i : order) order_json.push_back(manifest.nodes[static_cast<std::size_t>(i)].id);
  Json j = Json::object();
  j.set("node_count", static_cast<long long>(manifest.nodes.size()));
  j.set("source_count", static_cast<long long>(source_count));
  j.set("sink_count", static_cast<long long>(sinks.size()));
  j.set("execution_order", std::move(order_json));
  return j;
}

Result<Graph> build_graph(Manifest manifest, const Registry& registry) {
  Graph g;
  const auto n = manifest.nodes.size();
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < n; ++i) {
    const NodeSpec& spec = manifest.nodes[i];
    std::string path = "nodes[" + std::to_string(i) + "]";
    if (!index.emplace(spec.id, static_cast<int>(i)).second) {
      Error e =
          invalid("duplicate_node_id", path + ".id",
                  "duplicate node id '" + spec.id + "' (first used by nodes[" + std::to_string(index[spec.id]) + "])");
      e.node = spec.id;
      return fail(std::move(e));
    }
    const NodeInfo* info = registry.find(spec.type);
    if (!info) {
      Error e = invalid("unknown_node_type", path + ".node_type",
                        "node '" + spec.id + "': unknown node type '" + spec.type + "'");
      e.node = spec.id;
      e.suggestion = closest_name(spec.type, registry.names());
      e.message += e.suggestion.empty() ? " (see `remotemedia nodes`)" : "; did you mean '" + e.suggestion + "'?";
      return fail(std::move(e));
    }
    Params params;
    if (info->open_params) {
      if (!spec.params.is_null() && !spec.params.is_object()) {
        Error e = invalid("invalid_field_type", path + ".params", "node '" + spec.id + "': params must be an object");
        e.node = spec.id;
        return fail(std::move(e));
      }
      params = Params(spec.params.is_object() ? spec.params : Json::object());
    } else {
      RM_TRY(checked, validate_params(info->params, spec.params, spec.id, path + ".params"));
      params = std::move(checked);
    }
    g.infos.push_back(info);
    g.params.push_back(std::move(params));
  }

  g.preds.assign(n, {});
  g.succs.assign(n, {});
  const std::string& key = manifest.connections_field;
  for (std::size_t c = 0; c < manifest.connections.size(); ++c) {
    const Connection& conn = manifest.connections[c];
    std::string path = key + "[" + std::to_string(c) + "]";
    for (const auto& [end, name] : {std::pair{"from", conn.from}, std::pair{"to", conn.to}}) {
      if (index.count(name)) continue;
      std::vector<std::string> ids;
      for (const auto& s : manifest.nodes) ids.push_back(s.id);
      Error e = invalid("unknown_connection_node", path + "." + end,
                        "connection " + path + " refers to unknown node '" + name + "' in '" + end + "'");
      e.suggestion = closest_name(name, ids);
      if (!e.suggestion.empty()) e.message += "; did you mean '" + e.suggestion + "'?";
      return fail(std::move(e));
    }
    int from = index[conn.from], to = index[conn.to];
    if (from == to) {
      Error e = invalid("cycle", path, "the pipeline has a cycle: '" + conn.from + "' is connected to itself");
      e.node = conn.from;
      return fail(std::move(e));
    }
    auto& s = g.succs[static_cast<std::size_t>(from)];
    if (std::find(s.begin(), s.end(), to) != s.end())
      return fail(
          invalid("duplicate_connection", path, "duplicate connection '" + conn.from + "' -> '" + conn.to + "'"));
    s.push_back(to);
    g.preds[static_cast<std::size_t>(to)].push_back(from);
  }

  // Kahn's algorithm; ties go to the node written first, so the order never depends on hashing.
  std::vector<std::size_t> indegree(n);
  for (std::size_t i = 0; i < n; ++i) indegree[i] = g.preds[i].size();
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (indegree[i] == 0) ready.push(static_cast<int>(i));
  g.source_count = ready.size();
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    g.order.push_back(i);
    for (int s : g.succs[static_cast<std::size_t>(i)])
      if (--indegree[static_cast<std::size_t>(s)] == 0) ready.push(s);
  }
  if (g.order.size() != n) {
    // Every node left has a predecessor that is also left: walk back until one repeats.
    int start = 0;
    while (indegree[static_cast<std::size_t>(start)] == 0) ++start;
    std::vector<int> path{start};
    while (true) {
      int next = -1;
      for (int p : g.preds[static_cast<std::size_t>(path.back())])
        if (indegree[static_cast<std::size_t>(p)] > 0) {
          next = p;
          break;
        }
      auto seen = std::find(path.begin(), path.end(), next);
      if (seen != path.end()) {
        std::vector<int> cycle(seen, path.end());
        std::reverse(cycle.begin(), cycle.end());
        // Start at the node written first, so the message reads like the manifest.
        std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
        std::string text;
        for (int c : cycle) text += manifest.nodes[static_cast<std::size_t>(c)].id + " -> ";
        text += manifest.nodes[static_cast<std::size_t>(cycle.front())].id;
        Error e = invalid("cycle", manifest.connections_field, "the pipeline has a cycle: " + text);
        e.node = manifest.nodes[static_cast<std::size_t>(cycle.front())].id;
        return fail(std::move(e));
      }
      path.push_back(next);
    }
  }

  g.rank.resize(n);
  for (std::size_t r = 0; r < n; ++r) g.rank[static_cast<std::size_t>(g.order[r])] = static_cast<int>(r);
  auto by_rank = [&](int a, int b) {
    return g.rank[static_cast<std::size_t>(a)] < g.rank[static_cast<std::size_t>(b)];
  };
  for (std::size_t i = 0; i < n; ++i) {
    std::sort(g.preds[i].begin(), g.preds[i].end(), by_rank);
    std::sort(g.succs[i].begin(), g.succs[i].end(), by_rank);
  }
  for (int i : g.order)
    if (g.succs[static_cast<std::size_t>(i)].empty()) g.sinks.push_back(i);
  g.manifest = std::move(manifest);
  return g;
}

}  // namespace rm
