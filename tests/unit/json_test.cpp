// rm::Json: parsing, serialization and the exact error positions of malformed documents.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "core/json.hpp"
#include "test_util.hpp"

namespace rm {
namespace {

using test::describe;

// Parses text that must be valid and dumps it compactly.
std::string roundtrip(std::string_view text) {
  auto r = parse_json(text);
  if (!r) {
    ADD_FAILURE() << describe(r.error()) << "\nfor: " << text;
    return "<error>";
  }
  return r->dump();
}

// ---------------------------------------------------------------------------------------------
// Round trips

TEST(JsonTest, CompactTextRoundTripsByteForByte) {
  for (const char* text : {
           R"(null)",
           R"(true)",
           R"(false)",
           R"(0)",
           R"(-17)",
           R"(2.5)",
           R"("")",
           R"("text")",
           R"([])",
           R"({})",
           R"([1,2.5,"x",null,true,false,[],{}])",
           R"({"a":1,"b":[true,false,null],"c":"x","d":1.5,"e":{"f":[[]]}})",
       }) {
    EXPECT_EQ(roundtrip(text), text);
  }
}

TEST(JsonTest, WhiteSpaceAroundAndInsideIsDropped) {
  EXPECT_EQ(roundtrip(" \t\r\n{ \"a\" :\n [ 1 , 2 ] }\n "), R"({"a":[1,2]})");
}

TEST(JsonTest, PrettyDumpParsesBackToTheSameValue) {
  Json v = test::J(R"({"a":[1,{"b":null}],"c":{},"d":[],"e":"s"})");
  std::string pretty = v.dump_pretty(2);
  EXPECT_EQ(pretty,
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"d\": [],\n"
            "  \"e\": \"s\"\n}");
  auto back = parse_json(pretty);
  RM_ASSERT_OK(back);
  EXPECT_EQ(*back, v);
}

TEST(JsonTest, BuiltValuesDumpLikeParsedOnes) {
  Json o = Json::object();
  o.set("n", 3);
  o.set("f", 0.5);
  o.set("s", "hi");
  Json a = Json::array();
  a.push_back(nullptr);
  a.push_back(false);
  o.set("a", std::move(a));
  EXPECT_EQ(o.dump(), R"({"n":3,"f":0.5,"s":"hi","a":[null,false]})");
  EXPECT_EQ(o, test::J(o.dump()));
}

// ---------------------------------------------------------------------------------------------
// Integers and floats stay apart

TEST(JsonTest, IntegerAndFloatKindsAreKept) {
  Json i = test::J("4");
  ASSERT_TRUE(i.is_int());
  EXPECT_EQ(i.as_int(), 4);
  EXPECT_EQ(i.dump(), "4");

  Json f = test::J("4.0");
  ASSERT_TRUE(f.is_float());
  EXPECT_EQ(f.as_float(), 4.0);
  EXPECT_EQ(f.dump(), "4.0");  // never collapsed to "4"

  EXPECT_TRUE(test::J("4e0").is_float());
  EXPECT_EQ(test::J("4e0").dump(), "4.0");
  EXPECT_TRUE(test::J("-0").is_int());
  EXPECT_TRUE(test::J("-0.0").is_float());
  EXPECT_EQ(test::J("-0.0").dump(), "-0.0");
  EXPECT_EQ(roundtrip("[1,1.0,-1,-1.0,100,100.0]"), "[1,1.0,-1,-1.0,100,100.0]");
}

TEST(JsonTest, IntAndFloatAreNotEqualEvenWithTheSameMagnitude) {
  EXPECT_NE(test::J("4"), test::J("4.0"));
  EXPECT_EQ(test::J("4").as_number(), test::J("4.0").as_number());
}

TEST(JsonTest, BuiltFloatsThatAreWholeDumpWithPointZero) {
  EXPECT_EQ(Json(4.0).dump(), "4.0");
  EXPECT_EQ(Json(-3.0).dump(), "-3.0");
  EXPECT_EQ(Json(0.0).dump(), "0.0");
  EXPECT_EQ(Json(4).dump(), "4");
}

TEST(JsonTest, FloatsDumpAsTheShortestTextThatRoundTrips) {
  EXPECT_EQ(Json(0.1).dump(), "0.1");
  EXPECT_EQ(Json(0.1 + 0.2).dump(), "0.30000000000000004");
  EXPECT_EQ(Json(1.0 / 3.0).dump(), "0.3333333333333333");
  EXPECT_EQ(Json(2.5).dump(), "2.5");
  EXPECT_EQ(Json(-1.25).dump(), "-1.25");
  EXPECT_EQ(Json(123456.789).dump(), "123456.789");
  EXPECT_EQ(Json(1e300).dump(), "1e+300");
  EXPECT_EQ(Json(5e-324).dump(), "5e-324");
  EXPECT_EQ(Json(static_cast<double>(static_cast<float>(0.1))).dump(), "0.10000000149011612");
  for (double d : {0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-7, 1e21, 1e22, 6.02214076e23, 1.7976931348623157e308,
                   2.2250738585072014e-308, 5e-324, -9007199254740993.0, 3.141592653589793}) {
    std::string text = Json(d).dump();
    auto back = parse_json(text);
    RM_ASSERT_OK(back);
    ASSERT_TRUE(back->is_float()) << text;
    EXPECT_EQ(back->as_float(), d) << text;  // bit-exact round trip
  }
}

TEST(JsonTest, NonFiniteFloatsDumpAsNull) {
  EXPECT_EQ(Json(std::numeric_limits<double>::infinity()).dump(), "null");
  EXPECT_EQ(Json(-std::numeric_limits<double>::infinity()).dump(), "null");
  EXPECT_EQ(Json(std::nan("")).dump(), "null");
}

TEST(JsonTest, Int64LimitsStayIntegers) {
  Json max = test::J("9223372036854775807");
  ASSERT_TRUE(max.is_int());
  EXPECT_EQ(max.as_int(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(max.dump(), "9223372036854775807");
  Json min = test::J("-9223372036854775808");
  ASSERT_TRUE(min.is_int());
  EXPECT_EQ(min.as_int(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(min.dump(), "-9223372036854775808");
}

TEST(JsonTest, IntegersBeyondInt64BecomeFloats) {
  Json above = test::J("9223372036854775808");
  ASSERT_TRUE(above.is_float());
  EXPECT_EQ(above.as_float(), 9223372036854775808.0);
  // std::to_chars picks fixed notation when it is not longer than scientific; ".0" keeps it a float.
  EXPECT_EQ(above.dump(), "9223372036854775808.0");
  auto above_back = parse_json(above.dump());
  RM_ASSERT_OK(above_back);
  EXPECT_EQ(*above_back, above);

  Json below = test::J("-9223372036854775809");
  ASSERT_TRUE(below.is_float());
  EXPECT_EQ(below.as_float(), -9223372036854775808.0);

  Json huge = test::J("123456789012345678901234567890");
  ASSERT_TRUE(huge.is_float());
  EXPECT_EQ(huge.as_float(), 1.2345678901234568e29);
  EXPECT_EQ(huge.dump(), "1.2345678901234568e+29");
}

TEST(JsonTest, NumbersBeyondDoubleRangeAreErrorsNotInfinity) {
  auto r = parse_json("[1, 1e400]");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().code, "malformed_json");
  EXPECT_EQ(r.error().line, 1);
  EXPECT_EQ(r.error().column, 5);  // at the number itself
  EXPECT_NE(r.error().message.find("out of range"), std::string::npos) << r.error().message;
}

// ---------------------------------------------------------------------------------------------
// Strings and escapes

TEST(JsonTest, SpecialCharactersAreEscapedOnDump) {
  EXPECT_EQ(Json("a\"b\\c").dump(), R"("a\"b\\c")");
  EXPECT_EQ(Json("\n\r\t\b\f").dump(), R"("\n\r\t\b\f")");
  EXPECT_EQ(Json(std::string("\x01\x1f", 2)).dump(), R"("\u0001\u001f")");
  EXPECT_EQ(Json(std::string("a\0b", 3)).dump(), R"("a\u0000b")");
  EXPECT_EQ(Json("/").dump(), R"("/")");       // not escaped
  EXPECT_EQ(Json("\x7f").dump(), "\"\x7f\"");  // DEL is not a control character in JSON
  EXPECT_EQ(Json("h\xc3\xa9llo \xf0\x9f\x98\x80").dump(), "\"h\xc3\xa9llo \xf0\x9f\x98\x80\"");  // UTF-8 kept raw
}

TEST(JsonTest, EscapesAreDecodedOnParse) {
  EXPECT_EQ(test::J(R"("a\"b\\c\/d")").as_string(), "a\"b\\c/d");
  EXPECT_EQ(test::J(R"("\n\r\t\b\f")").as_string(), "\n\r\t\b\f");
  EXPECT_EQ(test::J(R"("\u0041\u00e9\u20AC")").as_string(), "A\xc3\xa9\xe2\x82\xac");  // A, é, €
  EXPECT_EQ(test::J(R"("\u0000")").as_string(), std::string("\0", 1));
}

TEST(JsonTest, SurrogatePairsDecodeToOneCodePoint) {
  EXPECT_EQ(test::J(R"("\ud83d\ude00")").as_string(), "\xf0\x9f\x98\x80");  // U+1F600
  EXPECT_EQ(test::J(R"("\uD834\uDD1E")").as_string(), "\xf0\x9d\x84\x9e");  // U+1D11E, upper-case hex
  EXPECT_EQ(test::J(R"("\udbff\udfff")").as_string(), "\xf4\x8f\xbf\xbf");  // U+10FFFF, the last one
  EXPECT_EQ(test::J(R"("\ud800\udc00")").as_string(), "\xf0\x90\x80\x80");  // U+10000, the first one
}

TEST(JsonTest, EscapedStringsRoundTrip) {
  using namespace std::string_literals;
  const std::string tricky = "quote\" back\\ nl\n tab\t nul\0 \x1f \xc3\xa9 \xf0\x9f\x98\x80"s;
  Json j(tricky);
  auto back = parse_json(j.dump());
  RM_ASSERT_OK(back);
  EXPECT_EQ(back->as_string(), tricky);
}

TEST(JsonTest, BrokenSurrogatesAndEscapesAreRejected) {
  for (const char* text : {
           R"("\ud83d")",        // high surrogate at the end
           R"("\ud83dx")",       // high surrogate, then a plain character
           R"("\ud83d\u0041")",  // high surrogate, then not a low one
           R"("\ude00")",        // lone low surrogate
           R"("\u12")",          // too few hex digits
           R"("\u12g4")",        // not hex
           R"("\x41")",          // no such escape
           R"("\)",              // escape at the end of input
       }) {
    auto r = parse_json(text);
    RM_ASSERT_ERROR(r) << text;
    EXPECT_EQ(r.error().code, "malformed_json") << text;
    EXPECT_EQ(r.error().line, 1) << text;
    EXPECT_GE(r.error().column, 2) << text;
  }
}

// ---------------------------------------------------------------------------------------------
// Objects

TEST(JsonTest, ObjectKeyOrderIsKept) {
  EXPECT_EQ(roundtrip(R"({"z":1,"a":2,"m":3,"b":{"y":1,"x":2}})"), R"({"z":1,"a":2,"m":3,"b":{"y":1,"x":2}})");
  Json o = test::J(R"({"z":1,"a":2})");
  ASSERT_EQ(o.as_object().size(), 2u);
  EXPECT_EQ(o.as_object()[0].first, "z");
  EXPECT_EQ(o.as_object()[1].first, "a");
}

TEST(JsonTest, SetReplacesInPlaceAndAppendsNewKeys) {
  Json o = test::J(R"({"z":1,"a":2})");
  o.set("z", "replaced");
  o.set("new", true);
  EXPECT_EQ(o.dump(), R"({"z":"replaced","a":2,"new":true})");
}

TEST(JsonTest, FindReturnsNullWhenAbsentOrNotAnObject) {
  Json o = test::J(R"({"a":1})");
  ASSERT_NE(o.find("a"), nullptr);
  EXPECT_EQ(*o.find("a"), Json(1));
  EXPECT_EQ(o.find("b"), nullptr);
  EXPECT_EQ(test::J("[1]").find("a"), nullptr);
  EXPECT_EQ(Json(3).find("a"), nullptr);
}

TEST(JsonTest, DuplicateKeysAreRejectedAtTheSecondKey) {
  auto r = parse_json(R"({"a":1,"a":2})");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().code, "malformed_json");
  EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput);
  EXPECT_EQ(r.error().line, 1);
  EXPECT_EQ(r.error().column, 8);
  EXPECT_NE(r.error().message.find("duplicate key \"a\""), std::string::npos) << r.error().message;

  auto nested = parse_json("{\"a\": {\n  \"x\": 1,\n  \"x\": 2}}");
  RM_ASSERT_ERROR(nested);
  EXPECT_EQ(nested.error().line, 3);
  EXPECT_EQ(nested.error().column, 3);

  // Keys that only look alike are different keys; the same key in sibling objects is fine.
  RM_EXPECT_OK(parse_json(R"({"a":1,"A":2,"a ":3})"));
  RM_EXPECT_OK(parse_json(R"([{"a":1},{"a":2}])"));
  // Escapes are compared after decoding: "\u0061" is "a".
  auto escaped = parse_json(R"({"a":1,"\u0061":2})");
  RM_ASSERT_ERROR(escaped);
  EXPECT_EQ(escaped.error().code, "malformed_json");
}

std::string object_with_keys(std::size_t n, const std::string& last_key = "") {
  std::string text = "{";
  for (std::size_t i = 0; i < n; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  if (!last_key.empty()) text += ",\n\"" + last_key + "\":1";
  return text + "}";
}

TEST(JsonTest, ObjectKeysAreNotComparedPairwise) {
  // 100k keys took 13 s when each key was compared with every earlier one (5e9 comparisons).
  // Counted, not timed: sorting compares about n log2 n = 1.7e6 times.
  constexpr std::size_t n = 100000;
  JsonParseStats stats;
  auto r = parse_json(object_with_keys(n), &stats);
  RM_ASSERT_OK(r);
  EXPECT_EQ(r->as_object().size(), n);
  EXPECT_LT(stats.key_comparisons, 40 * n);
}

TEST(JsonTest, DuplicateKeyInALargeObjectIsFoundAtItsSecondOccurrence) {
  auto r = parse_json(object_with_keys(1000, "k17"));
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().code, "malformed_json");
  EXPECT_EQ(r.error().line, 2);
  EXPECT_EQ(r.error().column, 1);
  EXPECT_NE(r.error().message.find("duplicate key \"k17\""), std::string::npos) << r.error().message;
}

TEST(JsonTest, InvalidUtf8InAStringIsRefusedNotEchoed) {
  for (const char* bad : {"\"\xff\"", "\"a\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\""}) {
    auto r = parse_json(bad);
    RM_ASSERT_ERROR(r) << Json(bad).dump();
    EXPECT_NE(r.error().message.find("invalid UTF-8"), std::string::npos) << r.error().message;
  }
  auto ok = parse_json("\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5\"");
  RM_ASSERT_OK(ok);
  EXPECT_EQ(ok->as_string(), "h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5");
}

TEST(JsonTest, ALongDuplicateKeyIsClippedInTheMessage) {
  const std::string key(1 << 20, 'x');
  auto r = parse_json("{\"" + key + "\":1,\"" + key + "\":2}");
  RM_ASSERT_ERROR(r);
  EXPECT_LT(r.error().message.size(), 1000u);
  EXPECT_NE(r.error().message.find("bytes in all"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Malformed documents: the error points at the offending character

struct Malformed {
  const char* name;  // the test's name suffix
  const char* text;
  int line;
  int column;
  const char* says;  // part of the message
};

void PrintTo(const Malformed& m, std::ostream* os) { *os << m.name << ": " << Json(m.text).dump(); }

class JsonMalformedTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(JsonMalformedTest, ReportsLineAndColumn) {
  const Malformed& c = GetParam();
  auto r = parse_json(c.text);
  RM_ASSERT_ERROR(r);
  const Error& e = r.error();
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "malformed_json");
  EXPECT_EQ(e.line, c.line) << describe(e);
  EXPECT_EQ(e.column, c.column) << describe(e);
  EXPECT_NE(e.message.find(c.says), std::string::npos) << e.message;
  std::string where = "line " + std::to_string(c.line) + ", column " + std::to_string(c.column);
  EXPECT_NE(e.message.find(where), std::string::npos) << e.message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonMalformedTest,
    ::testing::Values(
        Malformed{"EmptyInput", "", 1, 1, "expected a value, found end of input"},
        Malformed{"OnlyWhiteSpace", "   ", 1, 4, "expected a value"},
        Malformed{"TrailingCommaInObject", R"({"a": 1,})", 1, 9, "expected a string key"},
        Malformed{"UnclosedArray", "[1, 2", 1, 6, "expected ',' or ']'"},
        Malformed{"MissingCommaInArray", "[1 2]", 1, 4, "expected ',' or ']'"},
        Malformed{"MissingColon", R"({"a" 1})", 1, 6, "expected ':'"},
        Malformed{"MissingCommaInObject", R"({"a":1 "b":2})", 1, 8, "expected ',' or '}'"},
        Malformed{"UnquotedKey", R"({a:1})", 1, 2, "expected a string key"},
        Malformed{"BadLiteralOnLine2", "{\n  \"a\": tru\n}", 2, 8, "invalid literal"},
        Malformed{"TrailingCommaInArrayOnLine4", "[\n  1,\n  2,\n  ]", 4, 3, "expected a value, found ']'"},
        Malformed{"CrLfLineEnds", "{\r\n\"a\": 1,\r\n\"b\": x}", 3, 6, "expected a value, found 'x'"},
        Malformed{"UnterminatedString", R"("abc)", 1, 5, "unterminated string"},
        Malformed{"RawTabInString", "\"a\tb\"", 1, 3, "control character"},
        Malformed{"ContentAfterValue", "{} x", 1, 4, "unexpected content"},
        Malformed{"LeadingZero", "01", 1, 2, "unexpected content"},
        Malformed{"LoneMinus", "-", 1, 2, "expected a digit"}, Malformed{"NothingAfterPoint", "1.", 1, 3, "after '.'"},
        Malformed{"NothingBeforePoint", ".5", 1, 1, "expected a value"},
        Malformed{"EmptyExponent", "1e+", 1, 4, "expected an exponent"},
        Malformed{"NaN", "[NaN]", 1, 2, "expected a value"}, Malformed{"SingleQuotes", "'a'", 1, 1, "expected a value"},
        // Columns count characters, not bytes: "é" is two bytes but one column.
        Malformed{"ColumnsCountCharactersNotBytes", "[\"\xc3\xa9\", x]", 1, 7, "expected a value"},
        Malformed{"ColumnsCountThreeByteCharacters", "{\"\xe2\x82\xac\xe2\x82\xac\": nul}", 1, 8, "invalid literal"}),
    [](const ::testing::TestParamInfo<Malformed>& p) { return std::string(p.param.name); });

// ---------------------------------------------------------------------------------------------
// Nesting depth

TEST(JsonTest, ReasonableNestingParses) {
  std::string text = std::string(200, '[') + std::string(200, ']');
  auto r = parse_json(text);
  RM_ASSERT_OK(r);
  EXPECT_EQ(r->dump(), text);
}

TEST(JsonTest, NestingBeyondTheLimitIsRejected) {
  for (std::size_t depth : {300u, 100000u, 1000000u}) {
    std::string text = std::string(depth, '[') + std::string(depth, ']');
    auto r = parse_json(text);
    RM_ASSERT_ERROR(r) << depth;
    EXPECT_EQ(r.error().code, "malformed_json");
    EXPECT_EQ(r.error().line, 1);
    EXPECT_NE(r.error().message.find("nesting"), std::string::npos) << r.error().message;
  }
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  auto r = parse_json(objects);  // also unterminated: the depth limit must trip first, without a crash
  RM_ASSERT_ERROR(r);
  EXPECT_NE(r.error().message.find("nesting"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace rm
