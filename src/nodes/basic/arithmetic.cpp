#include "nodes/basic/arithmetic.hpp"

#include <cmath>
#include <limits>

#include "core/node.hpp"

namespace rm {

namespace {

// Exact integer arithmetic; nullopt-like false when it overflows or is not whole.
bool integer_op(std::int64_t a, ArithOp op, std::int64_t b, std::int64_t& out) {
  switch (op) {
    case ArithOp::Add: return !__builtin_add_overflow(a, b, &out);
    case ArithOp::Subtract: return !__builtin_sub_overflow(a, b, &out);
    case ArithOp::Multiply: return !__builtin_mul_overflow(a, b, &out);
    case ArithOp::Divide:
      if (b == 0 || (a == std::numeric_limits<std::int64_t>::min() && b == -1) || a % b != 0) return false;
      out = a / b;
      return true;
  }
  return false;
}

Result<Json> apply_number(const Json& x, ArithOp op, const Json& operand) {
  if (op == ArithOp::Divide && operand.as_number() == 0.0) return node_error("division_by_zero", "division by zero");
  if (x.is_int() && operand.is_int()) {
    std::int64_t r;
    if (integer_op(x.as_int(), op, operand.as_int(), r)) return Json(static_cast<long long>(r));
  }
  const double a = x.as_number(), b = operand.as_number();
  double r = 0;
  switch (op) {
    case ArithOp::Add: r = a + b; break;
    case ArithOp::Subtract: r = a - b; break;
    case ArithOp::Multiply: r = a * b; break;
    case ArithOp::Divide: r = a / b; break;
  }
  if (!std::isfinite(r)) return node_error("numeric_overflow", "result of " + x.dump() + " is not a finite number");
  // An integer input stays an integer when the result is whole (2 * 1.5 = 3, not 3.0).
  if (x.is_int() && r == std::trunc(r) && std::fabs(r) < 9.007199254740992e15) return Json(static_cast<long long>(r));
  return Json(r);
}

}  // namespace

Result<Json> apply_arithmetic(const Json& value, ArithOp op, const Json& operand) {
  if (value.is_number()) return apply_number(value, op, operand);
  if (!value.is_array()) return value;
  Json::Array out;
  out.reserve(value.as_array().size());
  for (const Json& item : value.as_array()) {
    RM_TRY(mapped, apply_arithmetic(item, op, operand));
    out.push_back(std::move(mapped));
  }
  return Json(std::move(out));
}

Result<> ArithmeticNode::open(const Params& params, const NodeContext&) {
  if (!op_) {
    const std::string& op = params.string("operation");
    op_ = op == "add"        ? ArithOp::Add
          : op == "subtract" ? ArithOp::Subtract
          : op == "multiply" ? ArithOp::Multiply
                             : ArithOp::Divide;
  }
  operand_ = *params.find(operand_param_);
  return {};
}

Result<> ArithmeticNode::process(Value item, Emitter& out) {
  if (!item.is_json()) {
    out.emit(std::move(item));
    return {};
  }
  RM_TRY(result, apply_arithmetic(item.json(), *op_, operand_));
  out.emit(std::move(result));
  return {};
}

}  // namespace rm
