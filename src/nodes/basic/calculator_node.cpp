// CalculatorNode: x (operation) operand, element-wise. Dividing by zero fails the node.
#include "core/registry.hpp"
#include "nodes/basic/arithmetic.hpp"

namespace rm {
namespace {

class CalculatorNode final : public Node {
 public:
  Result<> open(const Params& params, const NodeContext&) override {
    const std::string& op = params.string("operation");
    op_ = op == "add"        ? ArithOp::Add
          : op == "subtract" ? ArithOp::Subtract
          : op == "multiply" ? ArithOp::Multiply
                             : ArithOp::Divide;
    operand_ = *params.find("operand");
    return {};
  }
  Result<> process(Value item, Emitter& out) override {
    if (!item.is_json()) {
      out.emit(std::move(item));
      return {};
    }
    RM_TRY(result, apply_arithmetic(item.json(), op_, operand_));
    out.emit(std::move(result));
    return {};
  }

 private:
  ArithOp op_ = ArithOp::Add;
  Json operand_;
};

RM_REGISTER_NODE(CalculatorNode,
                 NodeInfo{"CalculatorNode",
                          "Applies add, subtract, multiply or divide with an operand (element-wise over arrays).",
                          "basic",
                          {ParamSpec{.name = "operation",
                                     .type = ParamType::Enum,
                                     .doc = "the operation",
                                     .required = true,
                                     .choices = {"add", "subtract", "multiply", "divide"}},
                           ParamSpec{.name = "operand",
                                     .type = ParamType::Number,
                                     .default_value = Json(0),
                                     .doc = "the right-hand operand"}},
                          [] { return std::make_unique<CalculatorNode>(); }});

}  // namespace
}  // namespace rm
