#include "core/params.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace rm {

const char* param_type_name(ParamType t) {
  switch (t) {
    case ParamType::Integer: return "integer";
    case ParamType::Number: return "number";
    case ParamType::String: return "string";
    case ParamType::Bool: return "boolean";
    case ParamType::Enum: return "enum";
    case ParamType::Array: return "array";
    case ParamType::Object: return "object";
    case ParamType::Any: return "any";
  }
  return "any";
}

Json ParamSpec::to_json() const {
  Json j = Json::object();
  j.set("name", name);
  j.set("type", param_type_name(type));
  if (required)
    j.set("required", true);
  else
    j.set("default", default_value);
  if (!choices.empty()) {
    Json c = Json::array();
    for (const auto& s : choices) c.push_back(s);
    j.set("choices", std::move(c));
  }
  if (!aliases.empty()) {
    Json a = Json::array();
    for (const auto& s : aliases) a.push_back(s);
    j.set("aliases", std::move(a));
  }
  if (file) j.set("file", true);
  j.set("doc", doc);
  return j;
}

static std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      bool same =
          std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_name(std::string_view wanted, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, wanted.size() / 3) + 1;
  for (const auto& name : known) {
    std::size_t d = edit_distance(wanted, name);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  return best;
}

static bool type_matches(const ParamSpec& spec, const Json& v) {
  switch (spec.type) {
    case ParamType::Integer: return v.is_int();
    case ParamType::Number: return v.is_number();
    case ParamType::String: return v.is_string();
    case ParamType::Bool: return v.is_bool();
    case ParamType::Enum: return v.is_string();
    case ParamType::Array: return v.is_array();
    case ParamType::Object: return v.is_object();
    case ParamType::Any: return true;
  }
  return false;
}

Result<Params> validate_params(const std::vector<ParamSpec>& schema, const Json& given, const std::string& node_id,
                               const std::string& field_prefix) {
  auto error = [&](std::string code, std::string field, std::string message) {
    Error e;
    e.kind = ErrorKind::InvalidInput;
    e.code = std::move(code);
    e.node = node_id;
    e.field = field.empty() ? field_prefix : field_prefix + "." + field;
    e.message = "node '" + node_id + "': " + message;
    return e;
  };
  if (!given.is_null() && !given.is_object())
    return fail(
        error("invalid_field_type", "", "params must be an object, got " + std::string(kind_name(given.kind()))));

  Json out = Json::object();
  if (given.is_object()) {
    for (const auto& [key, value] : given.as_object()) {
      auto spec = std::find_if(schema.begin(), schema.end(), [&](const ParamSpec& s) {
        return s.name == key || std::find(s.aliases.begin(), s.aliases.end(), key) != s.aliases.end();
      });
      if (spec == schema.end()) {
        std::vector<std::string> names;
        for (const auto& s : schema) names.push_back(s.name);
        std::string known;
        for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
        Error e = error("unknown_param", key,
                        "unknown parameter '" + key + "'" +
                            (known.empty() ? " (this node takes no parameters)" : " (known: " + known + ")"));
        e.suggestion = closest_name(key, names);
        return fail(std::move(e));
      }
      if (out.find(spec->name))
        return fail(error("duplicate_param", key,
                          "parameter '" + spec->name + "' is given twice (as '" + spec->name + "' and an alias)"));
      if (!type_matches(*spec, value))
        return fail(error(
            "invalid_param_type", key,
            "parameter '" + key + "' must be " +
                (spec->type == ParamType::Enum ? "a string" : std::string("of type ") + param_type_name(spec->type)) +
                ", got " + kind_name(value.kind()) + " " + clipped(value.dump())));
      if (spec->type == ParamType::Enum &&
          std::find(spec->choices.begin(), spec->choices.end(), value.as_string()) == spec->choices.end()) {
        std::string choices;
        for (const auto& c : spec->choices) choices += (choices.empty() ? "" : ", ") + c;
        Error e =
            error("invalid_param_value", key,
                  "parameter '" + key + "' must be one of " + choices + ", got \"" + clipped(value.as_string()) + "\"");
        e.suggestion = closest_name(value.as_string(), spec->choices);
        return fail(std::move(e));
      }
      out.set(spec->name, value);
    }
  }
  // Canonical order: schema order, defaults filled in.
  Json ordered = Json::object();
  for (const auto& spec : schema) {
    if (const Json* v = out.find(spec.name)) {
      ordered.set(spec.name, *v);
    } else if (spec.required) {
      return fail(error("missing_param", spec.name, "missing required parameter '" + spec.name + "'"));
    } else {
      ordered.set(spec.name, spec.default_value);
    }
  }
  return Params(std::move(ordered));
}

}  // namespace rm
