// CalculatorNode: x (operation) operand, element-wise. Dividing by zero fails the node.
#include "core/registry.hpp"
#include "nodes/basic/arithmetic.hpp"

namespace rm {
namespace {

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
                          [] { return std::make_unique<ArithmeticNode>(std::nullopt, "operand"); }});

}  // namespace
}  // namespace rm
