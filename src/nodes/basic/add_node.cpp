// AddNode: x + addend, element-wise.
#include "core/registry.hpp"
#include "nodes/basic/arithmetic.hpp"

namespace rm {
namespace {

RM_REGISTER_NODE(AddNode, NodeInfo{"AddNode",
                                   "Adds a constant to numbers (element-wise over arrays; other values pass through).",
                                   "basic",
                                   {ParamSpec{.name = "addend",
                                              .type = ParamType::Number,
                                              .default_value = Json(0),
                                              .doc = "the number to add",
                                              .aliases = {"value"}}},
                                   [] { return std::make_unique<ArithmeticNode>(ArithOp::Add, "addend"); }});

}  // namespace
}  // namespace rm
