// Black-box tests of the basic nodes, each run alone in the NodeHarness.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "node_harness.hpp"
#include "test_util.hpp"

namespace rm {
namespace {

using test::describe;
using test::J;
using test::NodeHarness;
using test::run_node;

// Runs `type` over `inputs` and returns the outputs as compact JSON text ("<error: ...>" on failure).
std::string outputs(std::string_view type, std::string_view params, std::string_view inputs) {
  auto r = run_node(type, params, inputs);
  return r ? r->dump() : "<error: " + describe(r.error()) + ">";
}

Audio test_audio() { return Audio::from_samples({0.25f, -0.5f, 1.0f, 0.0f}, 16000, 2); }

Tensor test_tensor() {
  Tensor t;
  t.dtype = DType::Int32;
  t.shape = {2};
  std::vector<std::int32_t> v{7, 8};
  t.data = Blob::copy_of(v.data(), v.size() * sizeof(std::int32_t));
  return t;
}

// ---------------------------------------------------------------------------------------------
// The harness itself

TEST(NodeHarnessTest, FailsOnUnknownNodeTypeWithSuggestion) {
  auto h = NodeHarness::create("MultiplyNod");
  RM_ASSERT_ERROR(h);
  EXPECT_EQ(h.error().code, "unknown_node_type");
  EXPECT_EQ(h.error().suggestion, "MultiplyNode");
}

TEST(NodeHarnessTest, ValidatesParamsBeforeOpening) {
  auto h = NodeHarness::create("MultiplyNode", R"({"factor": "x"})");
  RM_ASSERT_ERROR(h);
  EXPECT_EQ(h.error().code, "invalid_param_type");
  EXPECT_EQ(h.error().field, "params.factor");
  auto malformed = NodeHarness::create("MultiplyNode", R"({"factor": )");
  RM_ASSERT_ERROR(malformed);
  EXPECT_EQ(malformed.error().code, "malformed_json");
}

TEST(NodeHarnessTest, PushReturnsWhatEachItemEmittedAndFinishEndsTheNode) {
  auto h = NodeHarness::create("BatchNode", R"({"size": 2})");
  RM_ASSERT_OK(h);
  EXPECT_EQ(h->params().json().dump(), R"({"size":2})");
  auto first = h->push(Json(1));
  RM_ASSERT_OK(first);
  EXPECT_TRUE(first->empty());
  auto second = h->push(Json(2));
  RM_ASSERT_OK(second);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0], Value(J("[1,2]")));
  RM_ASSERT_OK(h->push(Json(3)));
  auto rest = h->finish();
  RM_ASSERT_OK(rest);
  EXPECT_EQ(test::to_json_array(*rest).dump(), "[[3]]");
  EXPECT_EQ(test::to_json_array(h->emitted()).dump(), "[[1,2],[3]]");
  EXPECT_TRUE(h->finished());
  RM_ASSERT_ERROR(h->push(Json(4)));  // nothing after end of input
  RM_ASSERT_ERROR(h->finish());
}

// ---------------------------------------------------------------------------------------------
// MultiplyNode

TEST(MultiplyNodeTest, IntegersStayIntegers) {
  EXPECT_EQ(outputs("MultiplyNode", R"({"factor": 3})", "[0, 1, -2, 40]"), "[0,3,-6,120]");
  EXPECT_EQ(outputs("MultiplyNode", "{}", "[5]"), "[10]");  // default factor 2
}

TEST(MultiplyNodeTest, FractionalFactorGivesFloats) {
  EXPECT_EQ(outputs("MultiplyNode", R"({"factor": 1.5})", "[1, 3, -5]"), "[1.5,4.5,-7.5]");
}

TEST(MultiplyNodeTest, WholeResultsFromIntegerInputsStayIntegers) {
  // 2 * 1.5 = 3, not 3.0; a float input stays a float even when the result is whole.
  EXPECT_EQ(outputs("MultiplyNode", R"({"factor": 1.5})", "[2, 4, 0, 2.0]"), "[3,6,0,3.0]");
  EXPECT_EQ(outputs("MultiplyNode", R"({"factor": 2.0})", "[3, 3.0, 0.25]"), "[6,6.0,0.5]");
  EXPECT_EQ(outputs("MultiplyNode", R"({"factor": 0.5})", "[7]"), "[3.5]");
}

TEST(MultiplyNodeTest, WorksElementWiseOverNestedArrays) {
  EXPECT_EQ(outputs("MultiplyNode", R"({"factor": 2})", R"([[1, [2, 3.5], [], "x", null, true, {"a": 1}]])"),
            R"([[2,[4,7.0],[],"x",null,true,{"a":1}]])");
}

TEST(MultiplyNodeTest, NonNumbersPassThrough) {
  EXPECT_EQ(outputs("MultiplyNode", R"({"factor": 2})", R"(["abc", {"a": 1, "b": [2]}, null, true, false])"),
            R"(["abc",{"a":1,"b":[2]},null,true,false])");
}

TEST(MultiplyNodeTest, AudioAndTensorValuesPassThroughUnchanged) {
  auto h = NodeHarness::create("MultiplyNode", R"({"factor": 10})");
  RM_ASSERT_OK(h);
  auto audio = h->push(Value(test_audio()));
  RM_ASSERT_OK(audio);
  ASSERT_EQ(audio->size(), 1u);
  EXPECT_EQ((*audio)[0], Value(test_audio()));
  auto tensor = h->push(Value(test_tensor()));
  RM_ASSERT_OK(tensor);
  ASSERT_EQ(tensor->size(), 1u);
  EXPECT_EQ((*tensor)[0], Value(test_tensor()));
  auto text = h->push(Value(Text{"t"}));
  RM_ASSERT_OK(text);
  EXPECT_EQ((*text)[0], Value(Text{"t"}));
  RM_ASSERT_OK(h->finish());
}

TEST(MultiplyNodeTest, AcceptsTheDraftMultiplierSpelling) {
  EXPECT_EQ(outputs("MultiplyNode", R"({"multiplier": 4})", "[2]"), "[8]");
}

TEST(MultiplyNodeTest, IntegerOverflowBecomesAFloat) {
  auto doubled = run_node("MultiplyNode", R"({"factor": 2})", "[9223372036854775807]");
  RM_ASSERT_OK(doubled);
  const Json& big = doubled->as_array()[0];
  ASSERT_TRUE(big.is_float()) << big.dump();  // beyond int64 and beyond 2^53: no exact integer
  EXPECT_EQ(big.as_float(), 18446744073709551616.0);
  auto negated = run_node("MultiplyNode", R"({"factor": -1})", "[-9223372036854775808]");
  RM_ASSERT_OK(negated);
  ASSERT_TRUE(negated->as_array()[0].is_float());
  EXPECT_EQ(negated->as_array()[0].as_float(), 9223372036854775808.0);
}

TEST(MultiplyNodeTest, FailsOnNonFiniteResult) {
  auto r = run_node("MultiplyNode", R"({"factor": 1e300})", "[1e300]");
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Runtime);
  EXPECT_EQ(r.error().code, "numeric_overflow");
}

// ---------------------------------------------------------------------------------------------
// AddNode

TEST(AddNodeTest, AddsIntegersAndFloats) {
  EXPECT_EQ(outputs("AddNode", R"({"addend": 3})", "[1, -3, 2.5]"), "[4,0,5.5]");
  EXPECT_EQ(outputs("AddNode", R"({"addend": 0.5})", "[1, 1.5]"), "[1.5,2.0]");
  EXPECT_EQ(outputs("AddNode", R"({"addend": 1.0})", "[1]"), "[2]");  // whole result from an integer input
}

TEST(AddNodeTest, DefaultAddendIsZero) { EXPECT_EQ(outputs("AddNode", "{}", "[7, 7.5]"), "[7,7.5]"); }

TEST(AddNodeTest, AcceptsTheDraftValueSpelling) {
  EXPECT_EQ(outputs("AddNode", R"({"value": 10})", "[1]"), "[11]");
  auto both = NodeHarness::create("AddNode", R"({"addend": 1, "value": 2})");
  RM_ASSERT_ERROR(both);
  EXPECT_EQ(both.error().code, "duplicate_param");
}

TEST(AddNodeTest, WorksElementWiseAndPassesOtherValuesThrough) {
  EXPECT_EQ(outputs("AddNode", R"({"addend": 1})", R"([[1, [2]], "s", {"k": 1}])"), R"([[2,[3]],"s",{"k":1}])");
  auto h = NodeHarness::create("AddNode", R"({"addend": 1})");
  RM_ASSERT_OK(h);
  auto audio = h->push(Value(test_audio()));
  RM_ASSERT_OK(audio);
  EXPECT_EQ((*audio)[0], Value(test_audio()));
}

TEST(AddNodeTest, FailsOnNonNumericAddend) {
  auto h = NodeHarness::create("AddNode", R"({"addend": "1"})");
  RM_ASSERT_ERROR(h);
  EXPECT_EQ(h.error().code, "invalid_param_type");
}

// ---------------------------------------------------------------------------------------------
// CalculatorNode

TEST(CalculatorNodeTest, AllFourOperations) {
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "add", "operand": 5})", "[1, 2.5]"), "[6,7.5]");
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "subtract", "operand": 5})", "[1, 2.5]"), "[-4,-2.5]");
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "multiply", "operand": 5})", "[1, 2.5]"), "[5,12.5]");
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "divide", "operand": 5})", "[10, 2.5]"), "[2,0.5]");
}

TEST(CalculatorNodeTest, DivisionIsExactWhenItCanBe) {
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "divide", "operand": 2})", "[7]"), "[3.5]");
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "divide", "operand": 3})", "[6]"), "[2]");
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "divide", "operand": -3})", "[6, -7]"),
            "[-2,2.3333333333333335]");
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "divide", "operand": 2.0})", "[6]"), "[3]");
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "divide", "operand": 3})", "[6.0]"), "[2.0]");
}

TEST(CalculatorNodeTest, FailsOnDivideByZero) {
  for (const char* zero : {"0", "0.0", "-0.0"}) {
    auto r = run_node("CalculatorNode", std::string(R"({"operation": "divide", "operand": )") + zero + "}", "[1]");
    RM_ASSERT_ERROR(r) << zero;
    EXPECT_EQ(r.error().kind, ErrorKind::Runtime) << zero;
    EXPECT_EQ(r.error().code, "division_by_zero") << zero;
  }
  // Inside an array too.
  auto nested = run_node("CalculatorNode", R"({"operation": "divide", "operand": 0})", "[[1, 2]]");
  RM_ASSERT_ERROR(nested);
  EXPECT_EQ(nested.error().code, "division_by_zero");
}

TEST(CalculatorNodeTest, DefaultOperandIsZero) {
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "add"})", "[4]"), "[4]");
}

TEST(CalculatorNodeTest, FailsWithoutAValidOperation) {
  auto missing = NodeHarness::create("CalculatorNode", "{}");
  RM_ASSERT_ERROR(missing);
  EXPECT_EQ(missing.error().code, "missing_param");
  EXPECT_EQ(missing.error().field, "params.operation");
  auto unknown = NodeHarness::create("CalculatorNode", R"({"operation": "modulo"})");
  RM_ASSERT_ERROR(unknown);
  EXPECT_EQ(unknown.error().code, "invalid_param_value");
}

TEST(CalculatorNodeTest, PassesNonNumbersThrough) {
  EXPECT_EQ(outputs("CalculatorNode", R"({"operation": "subtract", "operand": 1})", R"(["a", [3, "b"]])"),
            R"(["a",[2,"b"]])");
}

// ---------------------------------------------------------------------------------------------
// PassThrough

TEST(PassThroughTest, EmitsEveryItemUnchanged) {
  EXPECT_EQ(outputs("PassThrough", "{}", R"([1, 2.0, "s", null, [1, [2]], {"b": 1, "a": 2}])"),
            R"([1,2.0,"s",null,[1,[2]],{"b":1,"a":2}])");
}

TEST(PassThroughTest, EmitsMediaValuesUnchanged) {
  auto h = NodeHarness::create("PassThrough");
  RM_ASSERT_OK(h);
  const Value items[] = {Value(test_audio()), Value(test_tensor()), Value(Binary{Blob::copy_of("ab", 2)}),
                         Value(Text{"t"})};
  for (const auto& item : items) {
    auto out = h->push(item);
    RM_ASSERT_OK(out);
    ASSERT_EQ(out->size(), 1u);
    EXPECT_EQ((*out)[0], item);
  }
  auto rest = h->finish();
  RM_ASSERT_OK(rest);
  EXPECT_TRUE(rest->empty());
}

TEST(PassThroughTest, FailsOnAnyParam) {
  auto h = NodeHarness::create("PassThrough", R"({"factor": 2})");
  RM_ASSERT_ERROR(h);
  EXPECT_EQ(h.error().code, "unknown_param");
}

// ---------------------------------------------------------------------------------------------
// Echo

TEST(EchoTest, TimesZeroDropsEveryItem) { EXPECT_EQ(outputs("Echo", R"({"times": 0})", R"([1, "a", [2]])"), "[]"); }

TEST(EchoTest, TimesThreeEmitsThreeCopies) {
  auto h = NodeHarness::create("Echo", R"({"times": 3})");
  RM_ASSERT_OK(h);
  auto out = h->push(Json("x"));
  RM_ASSERT_OK(out);
  EXPECT_EQ(test::to_json_array(*out).dump(), R"(["x","x","x"])");
  auto audio = h->push(Value(test_audio()));
  RM_ASSERT_OK(audio);
  ASSERT_EQ(audio->size(), 3u);
  for (const auto& v : *audio) EXPECT_EQ(v, Value(test_audio()));
  EXPECT_EQ(outputs("Echo", R"({"times": 3})", "[1, 2]"), "[1,1,1,2,2,2]");
}

TEST(EchoTest, DefaultIsOneCopy) { EXPECT_EQ(outputs("Echo", "{}", "[1, 2]"), "[1,2]"); }

TEST(EchoTest, FailsOnTimesOutOfRange) {
  for (const char* times : {"-1", "1001"}) {
    auto h = NodeHarness::create("Echo", std::string(R"({"times": )") + times + "}");
    RM_ASSERT_ERROR(h) << times;
    EXPECT_EQ(h.error().code, "invalid_param_value") << times;
  }
  RM_EXPECT_OK(NodeHarness::create("Echo", R"({"times": 1000})"));
}

// ---------------------------------------------------------------------------------------------
// BatchNode

TEST(BatchNodeTest, GroupsItems) {
  auto h = NodeHarness::create("BatchNode", R"({"size": 3})");
  RM_ASSERT_OK(h);
  auto out = h->push_all(J(R"([1, "two", 3, [4], null, 6.0])"));
  RM_ASSERT_OK(out);
  EXPECT_EQ(test::to_json_array(*out).dump(), R"([[1,"two",3],[[4],null,6.0]])");
  auto rest = h->finish();
  RM_ASSERT_OK(rest);
  EXPECT_TRUE(rest->empty());  // nothing held back
}

TEST(BatchNodeTest, EmitsTheRemainderOnFlush) {
  EXPECT_EQ(outputs("BatchNode", R"({"size": 3})", "[1, 2, 3, 4, 5, 6, 7]"), "[[1,2,3],[4,5,6],[7]]");
  EXPECT_EQ(outputs("BatchNode", R"({"size": 10})", "[1, 2]"), "[[1,2]]");
  EXPECT_EQ(outputs("BatchNode", "{}", "[1, 2, 3]"), "[[1,2],[3]]");  // default size 2
  EXPECT_EQ(outputs("BatchNode", R"({"size": 1})", "[1, 2]"), "[[1],[2]]");
}

TEST(BatchNodeTest, DoesNotDieOnEmptyInput) { EXPECT_EQ(outputs("BatchNode", R"({"size": 3})", "[]"), "[]"); }

TEST(BatchNodeTest, MediaItemsAreGroupedInTheirJsonForm) {
  auto h = NodeHarness::create("BatchNode", R"({"size": 2})");
  RM_ASSERT_OK(h);
  RM_ASSERT_OK(h->push(Value(test_audio())));
  auto out = h->push(Json(1));
  RM_ASSERT_OK(out);
  ASSERT_EQ(out->size(), 1u);
  ASSERT_TRUE((*out)[0].is_json());
  const Json& group = (*out)[0].json();
  ASSERT_EQ(group.as_array().size(), 2u);
  EXPECT_EQ(group.as_array()[0], value_to_json(Value(test_audio())));
  auto back = value_from_json(group.as_array()[0]);
  RM_ASSERT_OK(back);
  EXPECT_EQ(*back, Value(test_audio()));
}

TEST(BatchNodeTest, FailsOnSizeBelowOne) {
  for (const char* size : {"0", "-3"}) {
    auto h = NodeHarness::create("BatchNode", std::string(R"({"size": )") + size + "}");
    RM_ASSERT_ERROR(h) << size;
    EXPECT_EQ(h.error().code, "invalid_param_value") << size;
  }
  auto fractional = NodeHarness::create("BatchNode", R"({"size": 2.5})");
  RM_ASSERT_ERROR(fractional);
  EXPECT_EQ(fractional.error().code, "invalid_param_type");
}

}  // namespace
}  // namespace rm
