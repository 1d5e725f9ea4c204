// A small check harness for one node, after GStreamer's GstHarness: the node runs alone,
// outside any pipeline, and the test pushes items in and looks at what comes out.
//
//   auto h = NodeHarness::create("MultiplyNode", R"({"factor": 3})");   // validate_params + open
//   auto out = h->push(Value(Json(2)));                                  // process -> emitted items
//   auto rest = h->finish();                                             // flush, then close
//
// It follows the node contract of core/node.hpp: open once, process per item, flush at end of
// input, close always (also after a failed open or flush, and from the destructor when the
// test never called finish()).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/node.hpp"
#include "core/params.hpp"
#include "core/registry.hpp"
#include "core/value.hpp"

namespace rm::test {

class NodeHarness {
 public:
  // Looks `type` up in the global registry, checks `params_json` against its schema (errors
  // name the field "params.<name>") and opens the node.
  static Result<NodeHarness> create(std::string_view type, std::string_view params_json = "{}",
                                    std::string id = "node_under_test") {
    const NodeInfo* info = Registry::global().find(type);
    if (!info) {
      Error e;
      e.kind = ErrorKind::InvalidInput;
      e.code = "unknown_node_type";
      e.message = "no node type named '" + std::string(type) + "' is registered";
      e.suggestion = closest_name(type, Registry::global().names());
      return std::unexpected(std::move(e));
    }
    RM_TRY(given, parse_json(params_json));
    RM_TRY(params, validate_params(info->params, given, id, "params"));
    NodeHarness h(info->create(), std::move(params));
    NodeContext ctx{id, "."};
    if (auto r = h.node_->open(h.params_, ctx); !r) {
      h.node_->close();  // close() is owed even when open fails
      h.node_.reset();
      return std::unexpected(std::move(r.error()));
    }
    return h;
  }

  NodeHarness(NodeHarness&& other) noexcept
      : node_(std::move(other.node_)),
        params_(std::move(other.params_)),
        emitted_(std::move(other.emitted_)),
        finished_(std::exchange(other.finished_, true)) {}
  NodeHarness& operator=(NodeHarness&& other) noexcept {
    if (this != &other) {
      close_now();
      node_ = std::move(other.node_);
      params_ = std::move(other.params_);
      emitted_ = std::move(other.emitted_);
      finished_ = std::exchange(other.finished_, true);
    }
    return *this;
  }
  NodeHarness(const NodeHarness&) = delete;
  NodeHarness& operator=(const NodeHarness&) = delete;
  ~NodeHarness() { close_now(); }

  // Feeds one item; returns the items the node emitted for it (also kept in emitted()).
  Result<std::vector<Value>> push(Value item) {
    if (finished_ || !node_) return fail(ErrorKind::Internal, "harness_finished", "push() after finish()");
    Collector out;
    RM_CHECK(node_->process(std::move(item), out));
    return keep(std::move(out.items));
  }
  Result<std::vector<Value>> push(Json item) { return push(Value(std::move(item))); }

  // Feeds several items in order; returns everything they emitted. Stops at the first error.
  Result<std::vector<Value>> push_all(const Json& items) {
    std::vector<Value> all;
    for (const Json& item : items.as_array()) {
      RM_TRY(out, push(item));
      for (auto& v : out) all.push_back(std::move(v));
    }
    return all;
  }

  // End of input: flush, then close (close runs even when flush fails). Returns what flush emitted.
  Result<std::vector<Value>> finish() {
    if (finished_ || !node_) return fail(ErrorKind::Internal, "harness_finished", "finish() called twice");
    Collector out;
    auto r = node_->flush(out);
    close_now();
    if (!r) return std::unexpected(std::move(r.error()));
    return keep(std::move(out.items));
  }

  const std::vector<Value>& emitted() const { return emitted_; }  // everything so far, in order
  const Params& params() const { return params_; }                // validated, defaults filled in
  bool finished() const { return finished_; }

 private:
  struct Collector final : Emitter {
    std::vector<Value> items;
    void emit(Value v) override { items.push_back(std::move(v)); }
  };

  NodeHarness(std::unique_ptr<Node> node, Params params) : node_(std::move(node)), params_(std::move(params)) {}

  std::vector<Value> keep(std::vector<Value> items) {
    for (const auto& v : items) emitted_.push_back(v);
    return items;
  }
  void close_now() {
    if (node_ && !finished_) node_->close();
    finished_ = true;
  }

  std::unique_ptr<Node> node_;
  Params params_;
  std::vector<Value> emitted_;
  bool finished_ = false;
};

// The whole life of one node over `inputs` (a JSON array as text): create, push each, finish.
// Returns every emitted item in JSON form, as one array.
inline Result<Json> run_node(std::string_view type, std::string_view params_json, std::string_view inputs_json) {
  RM_TRY(h, NodeHarness::create(type, params_json));
  RM_TRY(inputs, parse_json(inputs_json));
  if (!inputs.is_array()) return fail(ErrorKind::Usage, "harness_usage", "run_node() needs a JSON array of inputs");
  RM_CHECK(h.push_all(inputs));
  RM_CHECK(h.finish());
  Json out = Json::array();
  for (const auto& v : h.emitted()) out.push_back(value_to_json(v));
  return out;
}

}  // namespace rm::test
