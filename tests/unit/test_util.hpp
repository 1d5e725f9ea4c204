// Shared helpers for the unit tests: readable printing of rm types in gtest messages,
// assertions on Result values, and a few builders.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/manifest.hpp"
#include "core/registry.hpp"
#include "core/value.hpp"

namespace rm {

// gtest finds these by ADL, so failing EXPECT_EQs print JSON instead of raw bytes.
inline void PrintTo(const Json& j, std::ostream* os) { *os << j.dump(); }
inline void PrintTo(const Value& v, std::ostream* os) { *os << kind_name(v.kind()) << ' ' << value_to_json(v).dump(); }

namespace test {

inline std::string describe(const Error& e) {
  std::string out = std::string(kind_name(e.kind)) + " [" + e.code + "] " + e.message;
  if (!e.node.empty()) out += " (node: " + e.node + ")";
  if (!e.field.empty()) out += " (field: " + e.field + ")";
  if (!e.suggestion.empty()) out += " (suggestion: " + e.suggestion + ")";
  if (e.line > 0) out += " (line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ")";
  if (e.item >= 0) out += " (item " + std::to_string(e.item) + ")";
  return out;
}

// Parses JSON text that the test itself wrote; a parse error fails the test and yields null.
inline Json J(std::string_view text) {
  auto r = parse_json(text);
  if (!r) {
    ADD_FAILURE() << "test JSON does not parse: " << describe(r.error()) << "\n" << text;
    return Json();
  }
  return std::move(*r);
}

// Manifest text -> validated graph, against the global registry (as the CLI does).
inline Result<Graph> load_manifest(std::string_view text) {
  RM_TRY(manifest, parse_manifest_text(text));
  return build_graph(std::move(manifest), Registry::global());
}

inline std::vector<std::byte> bytes_of(std::string_view s) {
  std::vector<std::byte> out;
  for (char c : s) out.push_back(static_cast<std::byte>(c));
  return out;
}

// JSON form of every value, as one array: the easiest way to compare node outputs.
inline Json to_json_array(const std::vector<Value>& values) {
  Json out = Json::array();
  for (const auto& v : values) out.push_back(value_to_json(v));
  return out;
}

}  // namespace test
}  // namespace rm

// The error is only formatted when the assertion fails.
#define RM_ASSERT_OK(result) ASSERT_TRUE((result).has_value()) << ::rm::test::describe((result).error())
#define RM_EXPECT_OK(result) EXPECT_TRUE((result).has_value()) << ::rm::test::describe((result).error())
#define RM_ASSERT_ERROR(result) ASSERT_FALSE((result).has_value()) << "expected an error, got success"
