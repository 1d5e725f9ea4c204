#include "core/pipeline.hpp"

#include "core/text.hpp"

#include <chrono>

namespace rm {

Result<Graph> load_graph(const Json& manifest, const std::string& dir) {
  RM_TRY(parsed, parse_manifest(manifest));
  Registry& registry = Registry::global();
  if (!parsed.python.is_null() && !registry.has_providers())
    return fail(ErrorKind::InvalidInput, "python_unavailable",
                "the manifest has a \"python\" section, but this build of remotemedia has no Python support");
  RM_CHECK(registry.provide(ProviderRequest{manifest, dir}));
  return build_graph(std::move(parsed), registry);
}

Result<std::vector<Value>> inputs_from_json(const Json& inputs) {
  if (!inputs.is_array())
    return fail(ErrorKind::InvalidInput, "invalid_input",
                std::string("input must be a JSON array of items (wrap a single item as [item]), got ") +
                    kind_name(inputs.kind()));
  std::vector<Value> items;
  items.reserve(inputs.as_array().size());
  for (std::size_t i = 0; i < inputs.as_array().size(); ++i) {
    RM_TRY(v, input_from_json(inputs.as_array()[i], i));
    items.push_back(std::move(v));
  }
  return items;
}

Result<Value> input_from_json(Json item, std::size_t index) {
  auto v = value_from_json(std::move(item));
  if (!v) {
    Error e = v.error();
    e.field = "input[" + std::to_string(index) + "]";
    e.item = static_cast<long long>(index);
    e.message = "input item " + std::to_string(index) + ": " + e.message;
    return fail(std::move(e));
  }
  return std::move(*v);
}

Result<Json> run_pipeline(const Graph& graph, const Json& inputs, const ExecutionOptions& options) {
  RM_TRY(items, inputs_from_json(inputs));
  return run_pipeline(graph, std::move(items), options);
}

Result<RunOutput> run_graph(const Graph& graph, std::vector<Value> items, const ExecutionOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RM_TRY(outputs, execute(graph, std::move(items), options));
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return RunOutput{std::move(outputs), static_cast<double>(static_cast<long long>(ms * 1000)) / 1000.0};
}

Result<Json> run_pipeline(const Graph& graph, std::vector<Value> items, const ExecutionOptions& options) {
  RM_TRY(run, run_graph(graph, std::move(items), options));
  Json::Array out;
  out.reserve(run.outputs.size());
  for (const auto& v : run.outputs) out.push_back(value_to_json(v));
  Json response = Json::object();
  response.set("status", "success");
  response.set("outputs", Json(std::move(out)));
  response.set("execution_time_ms", run.execution_time_ms);
  response.set("graph_info", graph.info_json());
  return response;
}

Json error_to_json(const Error& e) {
  // Parts of an error may echo a manifest's or an input's text: bounded (clipped), never whole.
  Json err = Json::object();
  err.set("type", kind_name(e.kind));
  err.set("code", e.code);
  err.set("message", clipped(e.message, kMaxMessageBytes));
  if (!e.node.empty()) err.set("node", clipped(e.node));
  if (!e.field.empty()) err.set("field", clipped(e.field));
  if (!e.suggestion.empty()) err.set("suggestion", clipped(e.suggestion));
  if (e.line > 0) {
    err.set("line", e.line);
    err.set("column", e.column);
  }
  if (e.item >= 0) err.set("item", e.item);
  if (!e.traceback.empty()) err.set("traceback", e.traceback);
  Json out = Json::object();
  out.set("status", "error");
  out.set("error", std::move(err));
  return out;
}

}  // namespace rm
