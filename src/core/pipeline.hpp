// The whole job behind every front end (CLI, WASI, bindings): JSON manifest and JSON inputs in,
// JSON response out. One marshaling path, so every boundary speaks the same format.
#pragma once

#include <string>

#include "core/error.hpp"
#include "core/executor.hpp"
#include "core/json.hpp"
#include "core/manifest.hpp"

namespace rm {

// Parses and validates a manifest document against the global registry, after the registry's
// providers (Python) have added the node types the manifest names. `dir` is the manifest's folder.
Result<Graph> load_graph(const Json& manifest, const std::string& dir = ".");

// JSON input items -> values (tagged forms become audio/tensors/binary); errors name the item.
Result<std::vector<Value>> inputs_from_json(const Json& inputs);
// One input item, `index` naming it in errors (for front ends that hold items one by one).
Result<Value> input_from_json(Json item, std::size_t index);

// The outputs as values (no JSON conversion), for front ends that hand them on as they are.
struct RunOutput {
  std::vector<Value> outputs;
  double execution_time_ms = 0;  // rounded to microseconds
};
Result<RunOutput> run_graph(const Graph& graph, std::vector<Value> inputs, const ExecutionOptions& options);

// Runs the graph. Returns {"status":"success","outputs":[...],"execution_time_ms":..,"graph_info":{..}}.
Result<Json> run_pipeline(const Graph& graph, std::vector<Value> inputs, const ExecutionOptions& options);
// The same, from JSON input items.
Result<Json> run_pipeline(const Graph& graph, const Json& inputs, const ExecutionOptions& options);

// {"status":"error","error":{"type","code","message",...}}: the error object of every front end.
Json error_to_json(const Error& e);

}  // namespace rm
