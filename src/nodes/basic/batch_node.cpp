// BatchNode: a streaming node that groups items into arrays of `size`; at end of input it
// emits the partial group it still holds.
#include "core/registry.hpp"

namespace rm {
namespace {

class BatchNode final : public Node {
 public:
  Result<> open(const Params& params, const NodeContext&) override {
    size_ = params.integer("size");
    if (size_ < 1) return fail(ErrorKind::InvalidInput, "invalid_param_value", "parameter 'size' must be at least 1");
    return {};
  }
  Result<> process(Value item, Emitter& out) override {
    pending_.push_back(value_to_json(item));
    if (static_cast<std::int64_t>(pending_.size()) == size_) emit_pending(out);
    return {};
  }
  Result<> flush(Emitter& out) override {
    if (!pending_.empty()) emit_pending(out);
    return {};
  }

 private:
  void emit_pending(Emitter& out) {
    out.emit(Json(std::move(pending_)));
    pending_ = {};
  }
  std::int64_t size_ = 2;
  Json::Array pending_;
};

RM_REGISTER_NODE(BatchNode, NodeInfo{"BatchNode",
                                     "Groups items into arrays of `size`; emits the remainder at end of input.",
                                     "basic",
                                     {ParamSpec{.name = "size",
                                                .type = ParamType::Integer,
                                                .default_value = Json(2),
                                                .doc = "items per group (at least 1)"}},
                                     [] { return std::make_unique<BatchNode>(); }});

}  // namespace
}  // namespace rm
