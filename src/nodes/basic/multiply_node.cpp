// MultiplyNode: x * factor, element-wise.
#include "core/registry.hpp"
#include "nodes/basic/arithmetic.hpp"

namespace rm {
namespace {

class MultiplyNode final : public Node {
 public:
  Result<> open(const Params& params, const NodeContext&) override {
    factor_ = *params.find("factor");
    return {};
  }
  Result<> process(Value item, Emitter& out) override {
    if (!item.is_json()) {
      out.emit(std::move(item));
      return {};
    }
    RM_TRY(result, apply_arithmetic(item.json(), ArithOp::Multiply, factor_));
    out.emit(std::move(result));
    return {};
  }

 private:
  Json factor_;
};

RM_REGISTER_NODE(MultiplyNode,
                 NodeInfo{"MultiplyNode",
                          "Multiplies numbers by a factor (element-wise over arrays; other values pass through).",
                          "basic",
                          {ParamSpec{.name = "factor",
                                     .type = ParamType::Number,
                                     .default_value = Json(2),
                                     .doc = "the multiplier",
                                     .aliases = {"multiplier"}}},
                          [] { return std::make_unique<MultiplyNode>(); }});

}  // namespace
}  // namespace rm
