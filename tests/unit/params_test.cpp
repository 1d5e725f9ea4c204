// validate_params: a node's schema applied to the params written in a manifest.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/params.hpp"
#include "test_util.hpp"

namespace rm {
namespace {

using test::describe;
using test::J;

const char* kPrefix = "nodes[2].params";

std::vector<ParamSpec> schema() {
  return {
      ParamSpec{.name = "factor",
                .type = ParamType::Number,
                .default_value = Json(2),
                .doc = "multiplier",
                .aliases = {"multiplier", "scale"}},
      ParamSpec{.name = "mode",
                .type = ParamType::Enum,
                .default_value = Json("fast"),
                .doc = "speed",
                .choices = {"fast", "slow", "exact"}},
      ParamSpec{.name = "label", .type = ParamType::String, .doc = "a name", .required = true},
      ParamSpec{.name = "count", .type = ParamType::Integer, .default_value = Json(1), .doc = "how many"},
      ParamSpec{.name = "enabled", .type = ParamType::Bool, .default_value = Json(true), .doc = "on or off"},
      ParamSpec{.name = "tags", .type = ParamType::Array, .default_value = Json::array(), .doc = "tags"},
      ParamSpec{.name = "extra", .type = ParamType::Object, .doc = "optional, no default"},
      ParamSpec{.name = "anything", .type = ParamType::Any, .default_value = Json(0), .doc = "any JSON"},
  };
}

Result<Params> validate(std::string_view given) { return validate_params(schema(), J(given), "scaler", kPrefix); }

TEST(ParamsTest, DefaultsAreFilledInSchemaOrder) {
  auto p = validate(R"({"count": 5, "label": "x"})");
  RM_ASSERT_OK(p);
  EXPECT_EQ(p->json().dump(),
            R"({"factor":2,"mode":"fast","label":"x","count":5,"enabled":true,"tags":[],"extra":null,"anything":0})");
  EXPECT_EQ(p->number("factor"), 2.0);
  EXPECT_EQ(p->integer("count"), 5);
  EXPECT_EQ(p->string("mode"), "fast");
  EXPECT_TRUE(p->boolean("enabled"));
}

TEST(ParamsTest, GivenValuesAreKeptInSchemaOrderWhateverTheOrderWritten) {
  auto p = validate(R"({"anything": {"k": [1]}, "enabled": false, "label": "x", "factor": 0.5, "mode": "slow"})");
  RM_ASSERT_OK(p);
  EXPECT_EQ(p->json().dump(),
            R"({"factor":0.5,"mode":"slow","label":"x","count":1,"enabled":false,"tags":[],"extra":null,)"
            R"("anything":{"k":[1]}})");
}

TEST(ParamsTest, NullParamsMeanAllDefaults) {
  std::vector<ParamSpec> optional_only{
      ParamSpec{.name = "factor", .type = ParamType::Number, .default_value = Json(2)}};
  auto p = validate_params(optional_only, Json(), "n", "nodes[0].params");
  RM_ASSERT_OK(p);
  EXPECT_EQ(p->json().dump(), R"({"factor":2})");
  auto empty = validate_params(optional_only, Json::object(), "n", "nodes[0].params");
  RM_ASSERT_OK(empty);
  EXPECT_EQ(empty->json(), p->json());
}

TEST(ParamsTest, AnIntegerIsANumberButNotTheOtherWayRound) {
  auto p = validate(R"({"label": "x", "factor": 3})");
  RM_ASSERT_OK(p);
  EXPECT_TRUE(p->find("factor")->is_int());  // kept as written, not widened to 3.0
  auto r = validate(R"({"label": "x", "count": 3.0})");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().code, "invalid_param_type");
  EXPECT_EQ(r.error().field, "nodes[2].params.count");
}

TEST(ParamsTest, AliasesAreAcceptedUnderTheCanonicalName) {
  for (const char* alias : {"multiplier", "scale"}) {
    auto p = validate(std::string(R"({"label": "x", ")") + alias + R"(": 3.5})");
    RM_ASSERT_OK(p) << alias;
    EXPECT_EQ(p->number("factor"), 3.5) << alias;
    EXPECT_EQ(p->find(alias), nullptr) << alias;  // only the canonical name is kept
  }
}

TEST(ParamsTest, FailsWhenAliasAndCanonicalNameAreBothGiven) {
  auto r = validate(R"({"label": "x", "factor": 1, "multiplier": 2})");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput);
  EXPECT_EQ(r.error().code, "duplicate_param");
  EXPECT_EQ(r.error().node, "scaler");
  EXPECT_EQ(r.error().field, "nodes[2].params.multiplier");
  EXPECT_NE(r.error().message.find("factor"), std::string::npos) << r.error().message;

  // Alias first, then the canonical name: still an error, at the second spelling.
  auto reversed = validate(R"({"label": "x", "multiplier": 2, "factor": 1})");
  RM_ASSERT_ERROR(reversed);
  EXPECT_EQ(reversed.error().code, "duplicate_param");
  EXPECT_EQ(reversed.error().field, "nodes[2].params.factor");

  // Two different aliases of the same parameter.
  auto two_aliases = validate(R"({"label": "x", "multiplier": 2, "scale": 1})");
  RM_ASSERT_ERROR(two_aliases);
  EXPECT_EQ(two_aliases.error().code, "duplicate_param");
}

TEST(ParamsTest, FailsOnUnknownParamWithSuggestion) {
  auto r = validate(R"({"label": "x", "factr": 3})");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput);
  EXPECT_EQ(r.error().code, "unknown_param");
  EXPECT_EQ(r.error().node, "scaler");
  EXPECT_EQ(r.error().field, "nodes[2].params.factr");
  EXPECT_EQ(r.error().suggestion, "factor");
  EXPECT_NE(r.error().message.find("scaler"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("factr"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("known: factor, mode, label"), std::string::npos) << r.error().message;

  auto case_typo = validate(R"({"label": "x", "Count": 3})");
  RM_ASSERT_ERROR(case_typo);
  EXPECT_EQ(case_typo.error().suggestion, "count");
}

TEST(ParamsTest, UnknownParamFarFromEveryNameHasNoSuggestion) {
  auto r = validate(R"({"label": "x", "zzzzzzzz": 3})");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().code, "unknown_param");
  EXPECT_EQ(r.error().suggestion, "");
}

TEST(ParamsTest, FailsOnAnyParamWhenTheNodeTakesNone) {
  auto r = validate_params({}, J(R"({"x": 1})"), "p", "nodes[0].params");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().code, "unknown_param");
  EXPECT_EQ(r.error().field, "nodes[0].params.x");
  EXPECT_NE(r.error().message.find("takes no parameters"), std::string::npos) << r.error().message;
}

TEST(ParamsTest, WrongTypeErrorNamesTheFieldPath) {
  struct Case {
    const char* given;
    const char* field;
  };
  for (const Case& c : {
           Case{R"({"label": "x", "factor": "big"})", "nodes[2].params.factor"},
           Case{R"({"label": "x", "multiplier": "big"})", "nodes[2].params.multiplier"},  // as written
           Case{R"({"label": 7})", "nodes[2].params.label"},
           Case{R"({"label": "x", "count": "3"})", "nodes[2].params.count"},
           Case{R"({"label": "x", "enabled": 1})", "nodes[2].params.enabled"},
           Case{R"({"label": "x", "tags": "a,b"})", "nodes[2].params.tags"},
           Case{R"({"label": "x", "extra": []})", "nodes[2].params.extra"},
           Case{R"({"label": "x", "mode": 1})", "nodes[2].params.mode"},
           Case{R"({"label": "x", "factor": null})", "nodes[2].params.factor"},
       }) {
    auto r = validate(c.given);
    RM_ASSERT_ERROR(r) << c.given;
    EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput) << c.given;
    EXPECT_EQ(r.error().code, "invalid_param_type") << c.given;
    EXPECT_EQ(r.error().field, c.field) << c.given;
    EXPECT_EQ(r.error().node, "scaler") << c.given;
  }
  auto r = validate(R"({"label": "x", "factor": "big"})");
  EXPECT_NE(r.error().message.find("must be of type number, got string \"big\""), std::string::npos)
      << r.error().message;
}

TEST(ParamsTest, EnumAcceptsOnlyItsChoices) {
  for (const char* choice : {"fast", "slow", "exact"}) {
    auto p = validate(std::string(R"({"label": "x", "mode": ")") + choice + "\"}");
    RM_ASSERT_OK(p) << choice;
    EXPECT_EQ(p->string("mode"), choice);
  }
  auto r = validate(R"({"label": "x", "mode": "slwo"})");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().code, "invalid_param_value");
  EXPECT_EQ(r.error().field, "nodes[2].params.mode");
  EXPECT_EQ(r.error().suggestion, "slow");
  EXPECT_NE(r.error().message.find("fast, slow, exact"), std::string::npos) << r.error().message;

  auto case_matters = validate(R"({"label": "x", "mode": "FAST"})");
  RM_ASSERT_ERROR(case_matters);
  EXPECT_EQ(case_matters.error().code, "invalid_param_value");
  EXPECT_EQ(case_matters.error().suggestion, "fast");
}

TEST(ParamsTest, FailsOnMissingRequiredParam) {
  auto r = validate(R"({"factor": 3})");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput);
  EXPECT_EQ(r.error().code, "missing_param");
  EXPECT_EQ(r.error().field, "nodes[2].params.label");
  EXPECT_EQ(r.error().node, "scaler");
  auto none = validate_params(schema(), Json(), "scaler", kPrefix);
  RM_ASSERT_ERROR(none);
  EXPECT_EQ(none.error().code, "missing_param");
}

TEST(ParamsTest, FailsWhenParamsIsNotAnObject) {
  for (const char* given : {"[]", "3", "\"factor=2\"", "true"}) {
    auto r = validate(given);
    RM_ASSERT_ERROR(r) << given;
    EXPECT_EQ(r.error().code, "invalid_field_type") << given;
    EXPECT_EQ(r.error().field, "nodes[2].params") << given;
    EXPECT_EQ(r.error().node, "scaler") << given;
  }
}

TEST(ParamsTest, ClosestNameIsCaseInsensitiveAndBounded) {
  const std::vector<std::string> names{"MultiplyNode", "AddNode", "PassThrough", "Echo"};
  EXPECT_EQ(closest_name("MultiplyNod", names), "MultiplyNode");
  EXPECT_EQ(closest_name("multiplynode", names), "MultiplyNode");
  EXPECT_EQ(closest_name("Passthrogh", names), "PassThrough");
  EXPECT_EQ(closest_name("Ech", names), "Echo");
  EXPECT_EQ(closest_name("Whisper", names), "");
  EXPECT_EQ(closest_name("anything", {}), "");
}

TEST(ParamsTest, SpecDescribesItselfAsJson) {
  auto specs = schema();
  EXPECT_EQ(specs[0].to_json().dump(),
            R"({"name":"factor","type":"number","default":2,"aliases":["multiplier","scale"],"doc":"multiplier"})");
  EXPECT_EQ(specs[1].to_json().dump(),
            R"({"name":"mode","type":"enum","default":"fast","choices":["fast","slow","exact"],"doc":"speed"})");
  EXPECT_EQ(specs[2].to_json().dump(), R"({"name":"label","type":"string","required":true,"doc":"a name"})");
}

}  // namespace
}  // namespace rm
