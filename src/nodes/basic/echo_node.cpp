// Echo: emits each item `times` times (0 drops it): the simplest node with many outputs per input.
#include "core/registry.hpp"

namespace rm {
namespace {

class Echo final : public Node {
 public:
  Result<> open(const Params& params, const NodeContext&) override {
    times_ = params.integer("times");
    if (times_ < 0 || times_ > 1000)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "parameter 'times' must be 0..1000");
    return {};
  }
  Result<> process(Value item, Emitter& out) override {
    for (std::int64_t i = 1; i < times_; ++i) out.emit(item);
    if (times_ > 0) out.emit(std::move(item));
    return {};
  }

 private:
  std::int64_t times_ = 1;
};

RM_REGISTER_NODE(Echo, NodeInfo{"Echo",
                                "Emits each item `times` times (0 drops every item).",
                                "basic",
                                {ParamSpec{.name = "times",
                                           .type = ParamType::Integer,
                                           .default_value = Json(1),
                                           .doc = "copies emitted per item (0..1000)"}},
                                [] { return std::make_unique<Echo>(); }});

}  // namespace
}  // namespace rm
