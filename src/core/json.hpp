// A small JSON value with insertion-ordered objects, a parser that reports line and column,
// and a serializer whose bytes are identical on every target (no locale, shortest round-trip
// floats), so native and WASI outputs can be compared byte for byte.
#pragma once

#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace rm {

class Json {
 public:
  enum class Kind : std::uint8_t { Null, Bool, Int, Float, String, Array, Object };
  using Array = std::vector<Json>;
  using Member = std::pair<std::string, Json>;
  using Object = std::vector<Member>;  // keeps the document's key order

  // A hand-written tagged union, not std::variant: copying, moving and destroying a number is
  // then a few plain instructions. libc++'s variant dispatches through function-pointer tables,
  // which in wasm become indirect calls on every item that flows through a pipeline.
  Json() noexcept {}
  Json(std::nullptr_t) noexcept {}
  Json(bool b) noexcept : kind_(Kind::Bool) { b_ = b; }
  Json(int i) noexcept : kind_(Kind::Int) { i_ = i; }
  Json(long i) noexcept : kind_(Kind::Int) { i_ = i; }
  Json(long long i) noexcept : kind_(Kind::Int) { i_ = i; }
  Json(double d) noexcept : kind_(Kind::Float) { d_ = d; }
  Json(const char* s) : Json(std::string(s)) {}
  Json(std::string_view s) : Json(std::string(s)) {}
  Json(std::string s) noexcept : kind_(Kind::String) { new (&s_) std::string(std::move(s)); }
  Json(Array a) noexcept : kind_(Kind::Array) { new (&a_) Array(std::move(a)); }
  Json(Object o) noexcept : kind_(Kind::Object) { new (&o_) Object(std::move(o)); }
  Json(const Json& other) { copy_from(other); }
  Json(Json&& other) noexcept { move_from(other); }
  Json& operator=(const Json& other) {
    if (this != &other) {
      Json copy(other);
      reset();
      move_from(copy);
    }
    return *this;
  }
  Json& operator=(Json&& other) noexcept {
    if (this != &other) {
      reset();
      move_from(other);
    }
    return *this;
  }
  ~Json() { reset(); }

  static Json array() { return Json(Array{}); }
  static Json object() { return Json(Object{}); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_int() const { return kind_ == Kind::Int; }
  bool is_float() const { return kind_ == Kind::Float; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_array() const { return kind_ == Kind::Array; }
  bool is_object() const { return kind_ == Kind::Object; }

  // Accessors check the kind: asking a number for its string is a bug, and it stops the process
  // with a message rather than reading the wrong union member.
  bool as_bool() const { return expect(Kind::Bool), b_; }
  std::int64_t as_int() const { return expect(Kind::Int), i_; }
  double as_float() const { return expect(Kind::Float), d_; }
  double as_number() const { return is_int() ? static_cast<double>(i_) : (expect(Kind::Float), d_); }
  const std::string& as_string() const { return expect(Kind::String), s_; }
  std::string& as_string() { return expect(Kind::String), s_; }
  const Array& as_array() const { return expect(Kind::Array), a_; }
  Array& as_array() { return expect(Kind::Array), a_; }
  const Object& as_object() const { return expect(Kind::Object), o_; }
  Object& as_object() { return expect(Kind::Object), o_; }

  // Object access: find returns nullptr when absent (or when this is not an object).
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  // Sets key, replacing an existing member in place (order kept) or appending.
  Json& set(std::string key, Json value);
  void push_back(Json value) { as_array().push_back(std::move(value)); }

  std::string dump() const;
  void dump_to(std::string& out) const;
  std::string dump_pretty(int indent = 2) const;

  friend bool operator==(const Json& a, const Json& b);

 private:
  void expect(Kind k) const {
    if (kind_ != k) wrong_kind(k);
  }
  [[noreturn]] void wrong_kind(Kind wanted) const;
  void reset() noexcept;
  void copy_from(const Json& other);
  void move_from(Json& other) noexcept;

  Kind kind_ = Kind::Null;
  union {
    bool b_;
    std::int64_t i_;
    double d_;
    std::string s_;
    Array a_;
    Object o_;
  };
};

const char* kind_name(Json::Kind kind);

// What parsing cost, for tests that keep it linear (counts, never times).
struct JsonParseStats {
  std::size_t key_comparisons = 0;  // object keys compared with each other (duplicate checks)
};

// Parses one JSON document (surrounding white space allowed). Strings must be valid UTF-8, and an
// object's keys unique (checked in n log n). Errors carry line and column (1-based, columns
// counted in characters) with code "malformed_json".
Result<Json> parse_json(std::string_view text, JsonParseStats* stats = nullptr);

// Appends s as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace rm
