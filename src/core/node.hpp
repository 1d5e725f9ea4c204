// The node contract, after MediaPipe's calculators: open(params) once, process(item, emit)
// for each item in order, flush(emit) at end of input, close() always. A node may emit zero,
// one or many items per call. Errors are returned, never thrown.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/params.hpp"
#include "core/value.hpp"

namespace rm {

// Where a node sends its output items; they reach every downstream node in order.
class Emitter {
 public:
  virtual ~Emitter() = default;
  virtual void emit(Value v) = 0;
};

// What a node learns about its place in the pipeline when it opens.
struct NodeContext {
  std::string id;
  std::string pipeline_dir;  // folder of the manifest, for resolving relative paths
};

class Node {
 public:
  virtual ~Node() = default;
  virtual Result<> open(const Params& params, const NodeContext& ctx) {
    (void)params;
    (void)ctx;
    return {};
  }
  virtual Result<> process(Value item, Emitter& out) = 0;
  // Called once after the last item; streaming nodes emit what they still hold.
  virtual Result<> flush(Emitter& out) {
    (void)out;
    return {};
  }
  // Always called, also after a failure; must not fail.
  virtual void close() {}
};

// A node failure: the executor adds the node id and the item index.
inline std::unexpected<Error> node_error(std::string code, std::string message) {
  return fail(ErrorKind::Runtime, std::move(code), std::move(message));
}

}  // namespace rm
