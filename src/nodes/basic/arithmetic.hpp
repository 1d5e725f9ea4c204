// Element-wise arithmetic shared by the arithmetic nodes: numbers are computed, arrays are
// mapped (recursively), anything else passes through. Integer inputs stay integers when the
// result is whole.
#pragma once

#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/node.hpp"

namespace rm {

enum class ArithOp { Add, Subtract, Multiply, Divide };

Result<Json> apply_arithmetic(const Json& value, ArithOp op, const Json& operand);

// The node behind MultiplyNode, AddNode and CalculatorNode: a fixed operation, or the one named by
// the "operation" param, with the operand from param `operand_param`. Non-JSON items pass through.
class ArithmeticNode final : public Node {
 public:
  ArithmeticNode(std::optional<ArithOp> op, std::string operand_param)
      : op_(op), operand_param_(std::move(operand_param)) {}
  Result<> open(const Params& params, const NodeContext& ctx) override;
  Result<> process(Value item, Emitter& out) override;

 private:
  std::optional<ArithOp> op_;
  std::string operand_param_;
  Json operand_;
};

}  // namespace rm
