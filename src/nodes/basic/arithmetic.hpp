// Element-wise arithmetic shared by the arithmetic nodes: numbers are computed, arrays are
// mapped (recursively), anything else passes through. Integer inputs stay integers when the
// result is whole.
#pragma once

#include "core/error.hpp"
#include "core/json.hpp"

namespace rm {

enum class ArithOp { Add, Subtract, Multiply, Divide };

Result<Json> apply_arithmetic(const Json& value, ArithOp op, const Json& operand);

}  // namespace rm
