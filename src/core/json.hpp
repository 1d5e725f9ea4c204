// A small JSON value with insertion-ordered objects, a parser that reports line and column,
// and a serializer whose bytes are identical on every target (no locale, shortest round-trip
// floats), so native and WASI outputs can be compared byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace rm {

class Json {
 public:
  enum class Kind : std::uint8_t { Null, Bool, Int, Float, String, Array, Object };
  using Array = std::vector<Json>;
  using Member = std::pair<std::string, Json>;
  using Object = std::vector<Member>;  // keeps the document's key order

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : v_(b) {}
  Json(int i) : v_(static_cast<std::int64_t>(i)) {}
  Json(long i) : v_(static_cast<std::int64_t>(i)) {}
  Json(long long i) : v_(static_cast<std::int64_t>(i)) {}
  Json(double d) : v_(d) {}
  Json(const char* s) : v_(std::string(s)) {}
  Json(std::string s) : v_(std::move(s)) {}
  Json(std::string_view s) : v_(std::string(s)) {}
  Json(Array a) : v_(std::move(a)) {}
  Json(Object o) : v_(std::move(o)) {}

  static Json array() { return Json(Array{}); }
  static Json object() { return Json(Object{}); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_int() const { return kind() == Kind::Int; }
  bool is_float() const { return kind() == Kind::Float; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return kind() == Kind::String; }
  bool is_array() const { return kind() == Kind::Array; }
  bool is_object() const { return kind() == Kind::Object; }

  bool as_bool() const { return std::get<bool>(v_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::string& as_string() { return std::get<std::string>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Object& as_object() const { return std::get<Object>(v_); }
  Object& as_object() { return std::get<Object>(v_); }

  // Object access: find returns nullptr when absent (or when this is not an object).
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  // Sets key, replacing an existing member in place (order kept) or appending.
  Json& set(std::string key, Json value);
  void push_back(Json value) { as_array().push_back(std::move(value)); }

  std::string dump() const;
  void dump_to(std::string& out) const;
  std::string dump_pretty(int indent = 2) const;

  friend bool operator==(const Json& a, const Json& b) { return a.v_ == b.v_; }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object> v_;
};

const char* kind_name(Json::Kind kind);

// Parses one JSON document (surrounding white space allowed). Errors carry line and column
// (1-based, columns counted in characters) with code "malformed_json".
Result<Json> parse_json(std::string_view text);

// Appends s as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace rm
