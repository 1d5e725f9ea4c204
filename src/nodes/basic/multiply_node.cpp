// MultiplyNode: x * factor, element-wise.
#include "core/registry.hpp"
#include "nodes/basic/arithmetic.hpp"

namespace rm {
namespace {

RM_REGISTER_NODE(MultiplyNode,
                 NodeInfo{"MultiplyNode",
                          "Multiplies numbers by a factor (element-wise over arrays; other values pass through).",
                          "basic",
                          {ParamSpec{.name = "factor",
                                     .type = ParamType::Number,
                                     .default_value = Json(2),
                                     .doc = "the multiplier",
                                     .aliases = {"multiplier"}}},
                          [] { return std::make_unique<ArithmeticNode>(ArithOp::Multiply, "factor"); }});

}  // namespace
}  // namespace rm
