// AddNode: x + addend, element-wise.
#include "core/registry.hpp"
#include "nodes/basic/arithmetic.hpp"

namespace rm {
namespace {

class AddNode final : public Node {
 public:
  Result<> open(const Params& params, const NodeContext&) override {
    addend_ = *params.find("addend");
    return {};
  }
  Result<> process(Value item, Emitter& out) override {
    if (!item.is_json()) {
      out.emit(std::move(item));
      return {};
    }
    RM_TRY(result, apply_arithmetic(item.json(), ArithOp::Add, addend_));
    out.emit(std::move(result));
    return {};
  }

 private:
  Json addend_;
};

RM_REGISTER_NODE(AddNode, NodeInfo{"AddNode",
                                   "Adds a constant to numbers (element-wise over arrays; other values pass through).",
                                   "basic",
                                   {ParamSpec{.name = "addend",
                                              .type = ParamType::Number,
                                              .default_value = Json(0),
                                              .doc = "the number to add",
                                              .aliases = {"value"}}},
                                   [] { return std::make_unique<AddNode>(); }});

}  // namespace
}  // namespace rm
