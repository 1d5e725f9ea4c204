// A node's parameter schema: it validates manifest params, fills defaults, and documents the
// node in `remotemedia nodes info`.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"

namespace rm {

enum class ParamType { Integer, Number, String, Bool, Enum, Array, Object, Any };
const char* param_type_name(ParamType t);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Any;
  Json default_value;  // null with required=false means "optional, no default"
  std::string doc;
  bool required = false;
  std::vector<std::string> choices;  // for Enum
  std::vector<std::string> aliases;  // draft spellings accepted for this name
  bool file = false;                 // a file relative to the manifest: `pack` puts it in the package
  Json to_json() const;
};

// Validated params: every schema field present (default filled in) under its canonical name.
class Params {
 public:
  Params() = default;
  explicit Params(Json object) : values_(std::move(object)) {}
  const Json& json() const { return values_; }
  const Json* find(std::string_view name) const { return values_.find(name); }
  double number(std::string_view name) const { return values_.find(name)->as_number(); }
  std::int64_t integer(std::string_view name) const { return values_.find(name)->as_int(); }
  const std::string& string(std::string_view name) const { return values_.find(name)->as_string(); }
  bool boolean(std::string_view name) const { return values_.find(name)->as_bool(); }

 private:
  Json values_ = Json::object();
};

// Checks `given` (the manifest's params object, or null) against `schema`. Errors name the
// field as `field_prefix.<param>` and carry the node id.
Result<Params> validate_params(const std::vector<ParamSpec>& schema, const Json& given, const std::string& node_id,
                               const std::string& field_prefix);

// Closest name by edit distance (case-insensitive), or "" when nothing is close.
std::string closest_name(std::string_view wanted, const std::vector<std::string>& known);

}  // namespace rm
