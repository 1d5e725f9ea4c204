// The executor: data flow through chains, fan-out and fan-in, the documented merge order,
// identical outputs and errors whatever the thread count and batch size, and close() always.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/executor.hpp"
#include "core/registry.hpp"
#include "test_util.hpp"

namespace rm {
namespace {

using test::describe;
using test::J;
using test::load_manifest;
using test::to_json_array;

// ---------------------------------------------------------------------------------------------
// A test-only node: passes items through, fails where told to, and counts open/close by id.

struct ProbeLog {
  std::mutex mutex;
  std::map<std::string, int> opened;
  std::map<std::string, int> closed;
  void reset() {
    std::lock_guard lock(mutex);
    opened.clear();
    closed.clear();
  }
  int opens(const std::string& id) {
    std::lock_guard lock(mutex);
    return opened.count(id) ? opened[id] : 0;
  }
  int closes(const std::string& id) {
    std::lock_guard lock(mutex);
    return closed.count(id) ? closed[id] : 0;
  }
};

ProbeLog& probe_log() {
  static ProbeLog log;
  return log;
}

class ProbeNode final : public Node {
 public:
  Result<> open(const Params& params, const NodeContext& ctx) override {
    id_ = ctx.id;
    fail_on_ = params.integer("fail_on");
    fail_flush_ = params.boolean("fail_flush");
    {
      std::lock_guard lock(probe_log().mutex);
      ++probe_log().opened[id_];
    }
    if (params.boolean("fail_open")) return node_error("probe_open_failure", "told to fail in open");
    return {};
  }
  Result<> process(Value item, Emitter& out) override {
    if (item.is_json() && item.json().is_int() && item.json().as_int() == fail_on_)
      return node_error("probe_failure", "told to fail on " + std::to_string(fail_on_));
    out.emit(std::move(item));
    return {};
  }
  Result<> flush(Emitter& out) override {
    (void)out;
    if (fail_flush_) return node_error("probe_flush_failure", "told to fail in flush");
    return {};
  }
  void close() override {
    std::lock_guard lock(probe_log().mutex);
    ++probe_log().closed[id_];
  }

 private:
  std::string id_;
  std::int64_t fail_on_ = -1;
  bool fail_flush_ = false;
};

const bool kProbeRegistered = Registry::global().add(NodeInfo{
    "ExecutorTestProbe_7f3a",
    "Test only: passes items through; fails on request.",
    "test",
    {ParamSpec{.name = "fail_on", .type = ParamType::Integer, .default_value = Json(-1), .doc = "item that fails"},
     ParamSpec{.name = "fail_open", .type = ParamType::Bool, .default_value = Json(false), .doc = "fail in open"},
     ParamSpec{.name = "fail_flush", .type = ParamType::Bool, .default_value = Json(false), .doc = "fail in flush"}},
    [] { return std::make_unique<ProbeNode>(); }});

constexpr const char* kProbe = "ExecutorTestProbe_7f3a";

// ---------------------------------------------------------------------------------------------
// Helpers

std::vector<Value> values_of(const Json& items) {
  std::vector<Value> out;
  for (const Json& j : items.as_array()) {
    auto v = value_from_json(j);
    if (!v) ADD_FAILURE() << describe(v.error());
    out.push_back(v ? std::move(*v) : Value());
  }
  return out;
}

Json ints(int n) {
  Json a = Json::array();
  for (int i = 0; i < n; ++i) a.push_back(i);
  return a;
}

Result<Json> run(const Graph& g, const Json& inputs, int threads = 1, std::size_t batch_size = 256) {
  ExecutionOptions options;
  options.threads = threads;
  options.batch_size = batch_size;
  RM_TRY(outputs, execute(g, values_of(inputs), options));
  return to_json_array(outputs);
}

// A manifest from a node list and a connection list, both JSON text.
std::string manifest(const std::string& nodes, const std::string& connections = "[]") {
  return R"({"version": "v1", "nodes": )" + nodes + R"(, "connections": )" + connections + "}";
}

TEST(ExecutorTest, TestProbeIsRegistered) {
  ASSERT_TRUE(kProbeRegistered);
  ASSERT_NE(Registry::global().find(kProbe), nullptr);
}

// ---------------------------------------------------------------------------------------------
// Data flow

TEST(ExecutorTest, RunsAChain) {
  auto g = load_manifest(manifest(R"([{"id": "times", "node_type": "MultiplyNode", "params": {"factor": 2}},
                                      {"id": "plus", "node_type": "AddNode", "params": {"addend": 1}}])",
                                  R"([{"from": "times", "to": "plus"}])"));
  RM_ASSERT_OK(g);
  auto out = run(*g, J("[1, 2, 3, 2.5]"));
  RM_ASSERT_OK(out);
  EXPECT_EQ(out->dump(), "[3,5,7,6.0]");
}

TEST(ExecutorTest, SingleNodeWithoutConnections) {
  auto g = load_manifest(manifest(R"([{"id": "p", "node_type": "PassThrough"}])"));
  RM_ASSERT_OK(g);
  auto out = run(*g, J(R"([1, "two", {"three": 3}, [4], null])"));
  RM_ASSERT_OK(out);
  EXPECT_EQ(out->dump(), R"([1,"two",{"three":3},[4],null])");
}

TEST(ExecutorTest, FanOutGivesEachBranchEveryItem) {
  auto g = load_manifest(manifest(R"([{"id": "src", "node_type": "PassThrough"},
                                      {"id": "tens", "node_type": "MultiplyNode", "params": {"factor": 10}},
                                      {"id": "hundreds", "node_type": "AddNode", "params": {"addend": 100}}])",
                                  R"([{"from": "src", "to": "tens"}, {"from": "src", "to": "hundreds"}])"));
  RM_ASSERT_OK(g);
  for (int threads : {1, 4}) {
    auto out = run(*g, J("[1, 2, 3]"), threads);
    RM_ASSERT_OK(out);
    // Both sinks' items, by input item, then by sink execution rank.
    EXPECT_EQ(out->dump(), "[10,101,20,102,30,103]") << threads;
  }
}

TEST(ExecutorTest, FanOutOfAudioGivesEachBranchItsOwnCopy) {
  auto g = load_manifest(manifest(R"([{"id": "src", "node_type": "PassThrough"},
                                      {"id": "a", "node_type": "PassThrough"},
                                      {"id": "b", "node_type": "Echo", "params": {"times": 2}}])",
                                  R"([{"from": "src", "to": "a"}, {"from": "src", "to": "b"}])"));
  RM_ASSERT_OK(g);
  Audio audio = Audio::from_samples({0.5f, -0.5f}, 8000, 1);
  ExecutionOptions options;
  options.threads = 2;
  auto out = execute(*g, {Value(audio)}, options);
  RM_ASSERT_OK(out);
  ASSERT_EQ(out->size(), 3u);
  for (const auto& v : *out) EXPECT_EQ(v, Value(audio));
}

// Fan-in: a node sees its items by input item, then by the execution rank of the predecessor
// that emitted them, then in emission order (docs/executor.md).
TEST(ExecutorTest, FanInMergesByItemThenPredecessorRankThenEmissionOrder) {
  // "tens" is written before "echo", so it has the lower execution rank. The connections are
  // written the other way round on purpose: their order must not matter.
  auto g = load_manifest(manifest(R"([{"id": "src", "node_type": "PassThrough"},
                                      {"id": "tens", "node_type": "MultiplyNode", "params": {"factor": 10}},
                                      {"id": "echo", "node_type": "Echo", "params": {"times": 2}},
                                      {"id": "join", "node_type": "PassThrough"}])",
                                  R"([{"from": "echo", "to": "join"}, {"from": "tens", "to": "join"},
                                      {"from": "src", "to": "echo"}, {"from": "src", "to": "tens"}])"));
  RM_ASSERT_OK(g);
  for (int threads : {1, 2, 4})
    for (std::size_t batch : {1u, 2u, 256u}) {
      auto out = run(*g, J("[1, 2, 3]"), threads, batch);
      RM_ASSERT_OK(out);
      EXPECT_EQ(out->dump(), "[10,1,1,20,2,2,30,3,3]") << threads << " threads, batch " << batch;
    }
}

TEST(ExecutorTest, FanInOrderFollowsRankNotConnectionOrder) {
  // The same graph with "echo" written first: now its items come first.
  auto g = load_manifest(manifest(R"([{"id": "src", "node_type": "PassThrough"},
                                      {"id": "echo", "node_type": "Echo", "params": {"times": 2}},
                                      {"id": "tens", "node_type": "MultiplyNode", "params": {"factor": 10}},
                                      {"id": "join", "node_type": "PassThrough"}])",
                                  R"([{"from": "tens", "to": "join"}, {"from": "echo", "to": "join"},
                                      {"from": "src", "to": "tens"}, {"from": "src", "to": "echo"}])"));
  RM_ASSERT_OK(g);
  auto out = run(*g, J("[1, 2, 3]"));
  RM_ASSERT_OK(out);
  EXPECT_EQ(out->dump(), "[1,1,10,2,2,20,3,3,30]");
}

TEST(ExecutorTest, FanInFromTwoSourcesMergesByItem) {
  auto g = load_manifest(manifest(R"([{"id": "a", "node_type": "AddNode", "params": {"addend": 100}},
                                      {"id": "b", "node_type": "AddNode", "params": {"addend": 200}},
                                      {"id": "join", "node_type": "PassThrough"}])",
                                  R"([{"from": "a", "to": "join"}, {"from": "b", "to": "join"}])"));
  RM_ASSERT_OK(g);
  for (int threads : {1, 4}) {
    auto out = run(*g, J("[1, 2]"), threads, 1);
    RM_ASSERT_OK(out);
    EXPECT_EQ(out->dump(), "[101,201,102,202]") << threads;
  }
}

TEST(ExecutorTest, EchoEmitsZeroOrManyItemsPerInput) {
  for (auto [times, expected] :
       {std::pair{0, "[]"}, std::pair{1, R"([1,"a"])"}, std::pair{3, R"([1,1,1,"a","a","a"])"}}) {
    auto g = load_manifest(
        manifest(R"([{"id": "e", "node_type": "Echo", "params": {"times": )" + std::to_string(times) + "}}]"));
    RM_ASSERT_OK(g);
    auto out = run(*g, J(R"([1, "a"])"));
    RM_ASSERT_OK(out);
    EXPECT_EQ(out->dump(), expected) << times;
  }
}

TEST(ExecutorTest, NodeAfterADroppingEchoSeesNothing) {
  auto g = load_manifest(manifest(R"([{"id": "drop", "node_type": "Echo", "params": {"times": 0}},
                                      {"id": "batch", "node_type": "BatchNode", "params": {"size": 2}}])",
                                  R"([{"from": "drop", "to": "batch"}])"));
  RM_ASSERT_OK(g);
  auto out = run(*g, ints(10), 2, 3);
  RM_ASSERT_OK(out);
  EXPECT_EQ(out->dump(), "[]");
}

TEST(ExecutorTest, BatchNodeIsFlushedAtEndOfInput) {
  auto g = load_manifest(manifest(R"([{"id": "b", "node_type": "BatchNode", "params": {"size": 4}}])"));
  RM_ASSERT_OK(g);
  for (std::size_t batch : {1u, 3u, 4u, 256u}) {
    auto out = run(*g, ints(10), 1, batch);
    RM_ASSERT_OK(out);
    EXPECT_EQ(out->dump(), "[[0,1,2,3],[4,5,6,7],[8,9]]") << batch;
  }
}

TEST(ExecutorTest, FlushedItemsFlowDownstreamAndAreFlushedAgain) {
  // The first BatchNode's remainder reaches the second one at end of input, which then emits
  // its own remainder.
  auto g = load_manifest(manifest(R"([{"id": "pairs", "node_type": "BatchNode", "params": {"size": 2}},
                                      {"id": "triples", "node_type": "BatchNode", "params": {"size": 3}}])",
                                  R"([{"from": "pairs", "to": "triples"}])"));
  RM_ASSERT_OK(g);
  auto out = run(*g, ints(9));
  RM_ASSERT_OK(out);
  EXPECT_EQ(out->dump(), "[[[0,1],[2,3],[4,5]],[[6,7],[8]]]");
}

TEST(ExecutorTest, DoesNotDieOnEmptyInput) {
  auto g = load_manifest(manifest(R"([{"id": "src", "node_type": "PassThrough"},
                                      {"id": "echo", "node_type": "Echo", "params": {"times": 3}},
                                      {"id": "batch", "node_type": "BatchNode", "params": {"size": 2}},
                                      {"id": "join", "node_type": "MultiplyNode"}])",
                                  R"([{"from": "src", "to": "echo"}, {"from": "src", "to": "batch"},
                                      {"from": "echo", "to": "join"}, {"from": "batch", "to": "join"}])"));
  RM_ASSERT_OK(g);
  for (int threads : {0, 1, 2, 4})
    for (std::size_t batch : {0u, 1u, 256u}) {  // 0 is taken as 1
      auto out = run(*g, J("[]"), threads, batch);
      RM_ASSERT_OK(out) << threads << " threads, batch " << batch;
      EXPECT_EQ(out->dump(), "[]");
    }
}

TEST(ExecutorTest, DefaultThreadCountGivesTheSameOutput) {
  auto g = load_manifest(manifest(R"([{"id": "e", "node_type": "Echo", "params": {"times": 2}},
                                      {"id": "b", "node_type": "BatchNode", "params": {"size": 3}}])",
                                  R"([{"from": "e", "to": "b"}])"));
  RM_ASSERT_OK(g);
  auto serial = run(*g, ints(50), 1, 7);
  auto fallback = run(*g, ints(50), 0, 7);
  RM_ASSERT_OK(serial);
  RM_ASSERT_OK(fallback);
  EXPECT_EQ(fallback->dump(), serial->dump());
}

// ---------------------------------------------------------------------------------------------
// Determinism: the same outputs for every scheduler and batch size

//   src -> left (Echo x2)    -> join -> tail (Batch 5)
//   src -> right (Batch 7)   -> join
//   src -> mult (x3)
constexpr const char* kDiamond = R"({"version": "v1",
  "nodes": [
    {"id": "src", "node_type": "PassThrough"},
    {"id": "left", "node_type": "Echo", "params": {"times": 2}},
    {"id": "right", "node_type": "BatchNode", "params": {"size": 7}},
    {"id": "join", "node_type": "PassThrough"},
    {"id": "tail", "node_type": "BatchNode", "params": {"size": 5}},
    {"id": "mult", "node_type": "MultiplyNode", "params": {"factor": 3}}
  ],
  "connections": [
    {"from": "src", "to": "left"}, {"from": "src", "to": "right"}, {"from": "left", "to": "join"},
    {"from": "right", "to": "join"}, {"from": "join", "to": "tail"}, {"from": "src", "to": "mult"}
  ]})";

// The documented order, computed by hand for kDiamond over the items 0..n-1.
Json diamond_expected(int n) {
  struct Item {
    int origin;  // n for end of input
    Json value;
  };
  std::vector<Item> join;
  Json::Array seven;
  for (int i = 0; i < n; ++i) {
    join.push_back({i, Json(i)});  // left (rank 1) before right (rank 2)
    join.push_back({i, Json(i)});
    seven.push_back(Json(i));
    if (seven.size() == 7) join.push_back({i, Json(std::exchange(seven, {}))});
  }
  if (!seven.empty()) join.push_back({n, Json(std::move(seven))});
  std::vector<Item> sinks;  // tail (rank 4), then mult (rank 5)
  Json::Array five;
  for (auto& item : join) {
    five.push_back(item.value);
    if (five.size() == 5) sinks.push_back({item.origin, Json(std::exchange(five, {}))});
  }
  if (!five.empty()) sinks.push_back({n, Json(std::move(five))});
  for (int i = 0; i < n; ++i) sinks.push_back({i, Json(3 * i)});
  std::stable_sort(sinks.begin(), sinks.end(), [](const Item& a, const Item& b) { return a.origin < b.origin; });
  Json out = Json::array();
  for (auto& item : sinks) out.push_back(std::move(item.value));
  return out;
}

TEST(ExecutorTest, OutputsAreIdenticalForEveryThreadCountAndBatchSize) {
  auto g = load_manifest(kDiamond);
  RM_ASSERT_OK(g);
  const int n = 1000;
  const std::string expected = diamond_expected(n).dump();
  for (int threads : {1, 2, 4})
    for (std::size_t batch : {1u, 3u, 256u}) {
      auto out = run(*g, ints(n), threads, batch);
      RM_ASSERT_OK(out) << threads << " threads, batch " << batch;
      EXPECT_EQ(out->dump(), expected) << threads << " threads, batch " << batch;
    }
}

TEST(ExecutorTest, OutputsAreIdenticalOnRepeatedThreadedRuns) {
  auto g = load_manifest(kDiamond);
  RM_ASSERT_OK(g);
  const std::string expected = diamond_expected(100).dump();
  for (int round = 0; round < 30; ++round) {
    auto out = run(*g, ints(100), 4, 1 + static_cast<std::size_t>(round % 5));
    RM_ASSERT_OK(out);
    ASSERT_EQ(out->dump(), expected) << "round " << round;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(ExecutorTest, NodeErrorNamesTheNodeAndTheItem) {
  auto g = load_manifest(manifest(R"([{"id": "src", "node_type": "PassThrough"},
                                      {"id": "div", "node_type": "CalculatorNode",
                                       "params": {"operation": "divide", "operand": 0}}])",
                                  R"([{"from": "src", "to": "div"}])"));
  RM_ASSERT_OK(g);
  auto out = run(*g, J(R"(["skipped", 4])"));  // strings pass through; 4 / 0 fails
  RM_ASSERT_ERROR(out);
  const Error& e = out.error();
  EXPECT_EQ(e.kind, ErrorKind::Runtime);
  EXPECT_EQ(e.code, "division_by_zero");
  EXPECT_EQ(e.node, "div");
  EXPECT_EQ(e.item, 1);
  EXPECT_NE(e.message.find("node 'div' (CalculatorNode)"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("input item 1"), std::string::npos) << e.message;
}

TEST(ExecutorTest, FlushErrorIsReportedAtEndOfInput) {
  probe_log().reset();
  auto g = load_manifest(manifest(std::string(R"([{"id": "flushfail", "node_type": ")") + kProbe +
                                  R"(", "params": {"fail_flush": true}}])"));
  RM_ASSERT_OK(g);
  auto out = run(*g, ints(3));
  RM_ASSERT_ERROR(out);
  EXPECT_EQ(out.error().code, "probe_flush_failure");
  EXPECT_EQ(out.error().node, "flushfail");
  EXPECT_EQ(out.error().item, -1);
  EXPECT_NE(out.error().message.find("at end of input"), std::string::npos) << out.error().message;
  EXPECT_EQ(probe_log().closes("flushfail"), 1);
}

TEST(ExecutorTest, ErrorOnAnItemEmittedAtFlushHasNoItemIndex) {
  // The BatchNode's remainder reaches the divider at end of input.
  auto g = load_manifest(manifest(R"([{"id": "batch", "node_type": "BatchNode", "params": {"size": 2}},
                                      {"id": "div", "node_type": "CalculatorNode",
                                       "params": {"operation": "divide", "operand": 0.0}}])",
                                  R"([{"from": "batch", "to": "div"}])"));
  RM_ASSERT_OK(g);
  auto fails = run(*g, J("[7]"));
  RM_ASSERT_ERROR(fails);
  EXPECT_EQ(fails.error().node, "div");
  EXPECT_EQ(fails.error().item, -1);
  EXPECT_NE(fails.error().message.find("at end of input"), std::string::npos) << fails.error().message;
}

// Two nodes that would fail: the error is the first one in serial order (batch, then execution
// rank), whichever scheduler ran the steps.
TEST(ExecutorTest, FirstErrorIsTheSameForEveryThreadCount) {
  // f1 (rank 1) fails on item 5, f2 (rank 2) on item 3.
  const std::string text = manifest(std::string(R"([{"id": "src", "node_type": "PassThrough"},
      {"id": "f1", "node_type": ")") + kProbe +
                                        R"(", "params": {"fail_on": 5}},
      {"id": "f2", "node_type": ")" + kProbe +
                                        R"(", "params": {"fail_on": 3}}])",
                                    R"([{"from": "src", "to": "f1"}, {"from": "src", "to": "f2"}])");
  auto g = load_manifest(text);
  RM_ASSERT_OK(g);
  struct Expect {
    std::size_t batch;
    const char* node;
    long long item;
  };
  // Batch 1: item 3 is in an earlier batch than item 5. Batches of 3 or 256: items 3 and 5
  // share a batch, and f1 runs first in it.
  for (const Expect& x : {Expect{1, "f2", 3}, Expect{3, "f1", 5}, Expect{256, "f1", 5}}) {
    probe_log().reset();
    auto serial = run(*g, ints(40), 1, x.batch);
    RM_ASSERT_ERROR(serial);
    EXPECT_EQ(serial.error().node, x.node) << "batch " << x.batch;
    EXPECT_EQ(serial.error().item, x.item) << "batch " << x.batch;
    EXPECT_EQ(serial.error().code, "probe_failure");
    for (int threads : {2, 4})
      for (int round = 0; round < 10; ++round) {
        auto threaded = run(*g, ints(40), threads, x.batch);
        RM_ASSERT_ERROR(threaded);
        EXPECT_EQ(threaded.error().node, serial.error().node) << threads << " threads, batch " << x.batch;
        EXPECT_EQ(threaded.error().item, serial.error().item) << threads << " threads, batch " << x.batch;
        EXPECT_EQ(threaded.error().code, serial.error().code);
        EXPECT_EQ(threaded.error().kind, serial.error().kind);
        EXPECT_EQ(threaded.error().message, serial.error().message);
      }
  }
}

TEST(ExecutorTest, FirstErrorInAChainIsTheSameForEveryThreadCount) {
  // "up" fails on item 8; "down" (after it) on item 2, which reaches it first when batches
  // are small, and in the same batch as item 8 but later in serial order when they are large.
  const std::string text = manifest(std::string(R"([{"id": "up", "node_type": ")") + kProbe +
                                        R"(", "params": {"fail_on": 8}},
      {"id": "down", "node_type": ")" + kProbe +
                                        R"(", "params": {"fail_on": 2}}])",
                                    R"([{"from": "up", "to": "down"}])");
  auto g = load_manifest(text);
  RM_ASSERT_OK(g);
  for (std::size_t batch : {1u, 4u, 256u}) {
    auto serial = run(*g, ints(20), 1, batch);
    RM_ASSERT_ERROR(serial);
    EXPECT_EQ(serial.error().node, batch == 256 ? "up" : "down") << batch;
    for (int threads : {2, 4}) {
      auto threaded = run(*g, ints(20), threads, batch);
      RM_ASSERT_ERROR(threaded);
      EXPECT_EQ(threaded.error().message, serial.error().message) << threads << " threads, batch " << batch;
      EXPECT_EQ(threaded.error().item, serial.error().item);
    }
  }
}

TEST(ExecutorTest, CloseIsCalledOnEveryNodeAfterAProcessFailure) {
  const std::string text =
      manifest(std::string(R"([{"id": "c1", "node_type": ")") + kProbe + R"("},
      {"id": "c2", "node_type": ")" +
                   kProbe + R"(", "params": {"fail_on": 2}},
      {"id": "c3", "node_type": ")" +
                   kProbe + R"("},
      {"id": "c4", "node_type": ")" +
                   kProbe + R"("}])",
               R"([{"from": "c1", "to": "c2"}, {"from": "c2", "to": "c3"}, {"from": "c1", "to": "c4"}])");
  auto g = load_manifest(text);
  RM_ASSERT_OK(g);
  for (int threads : {1, 4}) {
    probe_log().reset();
    auto out = run(*g, ints(10), threads, 1);
    RM_ASSERT_ERROR(out);
    EXPECT_EQ(out.error().node, "c2");
    for (const char* id : {"c1", "c2", "c3", "c4"}) {
      EXPECT_EQ(probe_log().opens(id), 1) << id << ", " << threads << " threads";
      EXPECT_EQ(probe_log().closes(id), 1) << id << ", " << threads << " threads";
    }
  }
}

TEST(ExecutorTest, CloseIsCalledOnEveryOpenedNodeWhenOpenFails) {
  probe_log().reset();
  const std::string text = manifest(std::string(R"([{"id": "o1", "node_type": ")") + kProbe + R"("},
      {"id": "o2", "node_type": ")" + kProbe +
                                        R"(", "params": {"fail_open": true}},
      {"id": "o3", "node_type": ")" + kProbe +
                                        R"("}])",
                                    R"([{"from": "o1", "to": "o2"}, {"from": "o2", "to": "o3"}])");
  auto g = load_manifest(text);
  RM_ASSERT_OK(g);
  auto out = run(*g, ints(3));
  RM_ASSERT_ERROR(out);
  EXPECT_EQ(out.error().code, "probe_open_failure");
  EXPECT_EQ(out.error().node, "o2");
  EXPECT_NE(out.error().message.find("failed to open"), std::string::npos) << out.error().message;
  EXPECT_EQ(probe_log().closes("o1"), 1);
  EXPECT_EQ(probe_log().closes("o2"), 1);  // also the node whose open failed
  EXPECT_EQ(probe_log().opens("o3"), 0);   // never created, so nothing to close
  EXPECT_EQ(probe_log().closes("o3"), 0);
}

TEST(ExecutorTest, CloseIsCalledOnEveryNodeAfterSuccess) {
  probe_log().reset();
  const std::string text = manifest(std::string(R"([{"id": "s1", "node_type": ")") + kProbe + R"("},
      {"id": "s2", "node_type": ")" + kProbe +
                                        R"("}])",
                                    R"([{"from": "s1", "to": "s2"}])");
  auto g = load_manifest(text);
  RM_ASSERT_OK(g);
  auto out = run(*g, ints(5), 2, 2);
  RM_ASSERT_OK(out);
  EXPECT_EQ(out->dump(), "[0,1,2,3,4]");
  EXPECT_EQ(probe_log().closes("s1"), 1);
  EXPECT_EQ(probe_log().closes("s2"), 1);
}

TEST(ExecutorTest, OpenErrorFromARealNodeNamesIt) {
  auto g = load_manifest(manifest(R"([{"id": "b", "node_type": "BatchNode", "params": {"size": 0}}])"));
  RM_ASSERT_OK(g);  // the schema only says "integer"; open() checks the range
  auto out = run(*g, ints(3));
  RM_ASSERT_ERROR(out);
  EXPECT_EQ(out.error().code, "invalid_param_value");
  EXPECT_EQ(out.error().node, "b");
}

// ---------------------------------------------------------------------------------------------
// Sessions: the nodes open once, items are pushed one batch at a time, outputs come as batches
// finish; a batch run is one session, so every push pattern gives the batch run's outputs.

// A gate for the backpressure test: holds item 0 until `pushes_returned` passes `limit` or a
// second has gone by, and notes how many pushes had returned then.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  int pushes_returned = 0;
  int seen_at_release = -1;
};

Gate& gate() {
  static Gate g;
  return g;
}

class GateNode final : public Node {
 public:
  Result<> open(const Params& params, const NodeContext&) override {
    limit_ = static_cast<int>(params.integer("limit"));
    return {};
  }
  Result<> process(Value item, Emitter& out) override {
    if (item.json().as_int() == 0) {
      std::unique_lock lock(gate().mutex);
      gate().changed.wait_for(lock, std::chrono::seconds(1), [&] { return gate().pushes_returned > limit_; });
      gate().seen_at_release = gate().pushes_returned;
    }
    out.emit(std::move(item));
    return {};
  }

 private:
  int limit_ = 0;
};

const bool kGateRegistered = Registry::global().add(
    NodeInfo{"ExecutorTestGate_7f3a",
             "Test only: holds item 0 until more than `limit` pushes returned (or a second passed).",
             "test",
             {ParamSpec{.name = "limit", .type = ParamType::Integer, .default_value = Json(0), .doc = "pushes"}},
             [] { return std::make_unique<GateNode>(); }});

struct Collected {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Value> outputs;
  OutputCallback callback() {
    return [this](std::vector<Value> batch) {
      std::lock_guard lock(mutex);
      for (auto& v : batch) outputs.push_back(std::move(v));
      changed.notify_all();
    };
  }
  Json json() {
    std::lock_guard lock(mutex);
    return to_json_array(outputs);
  }
};

TEST(SessionTest, OutputsEqualTheBatchRunForEveryPushPatternAndThreadCount) {
  auto g = load_manifest(kDiamond);
  RM_ASSERT_OK(g);
  const int n = 200;
  const std::string expected = diamond_expected(n).dump();
  for (int threads : {1, 2, 4})
    for (std::size_t group : {1u, 3u, 64u}) {
      Collected got;
      ExecutionOptions options;
      options.threads = threads;
      options.queue_batches = 2;
      auto s = Session::open(*g, options, got.callback());
      RM_ASSERT_OK(s);
      for (int first = 0; first < n; first += static_cast<int>(group)) {
        std::vector<Value> items;
        for (int i = first; i < std::min(n, first + static_cast<int>(group)); ++i) items.emplace_back(Json(i));
        RM_ASSERT_OK((*s)->push(std::move(items)));
      }
      EXPECT_EQ((*s)->items_pushed(), static_cast<std::size_t>(n));
      RM_ASSERT_OK((*s)->close());
      EXPECT_EQ(got.json().dump(), expected) << threads << " threads, pushes of " << group;
    }
}

TEST(SessionTest, AnItemsOutputsArriveBeforeTheNextPushAndBeforeClose) {
  auto g = load_manifest(manifest(R"([{"id": "times", "node_type": "MultiplyNode", "params": {"factor": 2}},
                                      {"id": "pairs", "node_type": "BatchNode", "params": {"size": 2}}])",
                                  R"([{"from": "times", "to": "pairs"}])"));
  RM_ASSERT_OK(g);
  for (int threads : {1, 2}) {
    Collected got;
    ExecutionOptions options;
    options.threads = threads;
    auto s = Session::open(*g, options, got.callback());
    RM_ASSERT_OK(s);
    for (int i = 0; i < 6; ++i) {
      RM_ASSERT_OK((*s)->push(Value(Json(i))));
      if (i % 2 == 0) continue;  // a pair is complete after every second item
      std::unique_lock lock(got.mutex);
      // Serially the pair is there when push returns; on the pool, when its thread is done.
      got.changed.wait(lock, [&] { return got.outputs.size() == static_cast<std::size_t>(i + 1) / 2; });
    }
    EXPECT_EQ(got.json().dump(), "[[0,2],[4,6],[8,10]]") << threads;
    RM_ASSERT_OK((*s)->close());
  }
}

TEST(SessionTest, PushBlocksWhileTheQueueIsFull) {
  ASSERT_TRUE(kGateRegistered);
  const int queue = 3;
  auto g = load_manifest(manifest(R"([{"id": "gate", "node_type": "ExecutorTestGate_7f3a", "params": {"limit": )" +
                                  std::to_string(queue) + "}}]"));
  RM_ASSERT_OK(g);
  gate().pushes_returned = 0;
  gate().seen_at_release = -1;
  Collected got;
  ExecutionOptions options;
  options.threads = 2;
  options.queue_batches = queue;
  auto s = Session::open(*g, options, got.callback());
  RM_ASSERT_OK(s);
  for (int i = 0; i < 20; ++i) {
    RM_ASSERT_OK((*s)->push(Value(Json(i))));
    std::lock_guard lock(gate().mutex);
    ++gate().pushes_returned;
    gate().changed.notify_all();
  }
  RM_ASSERT_OK((*s)->close());
  // While item 0 was held, `queue` pushes could return and the next one had to wait.
  EXPECT_EQ(gate().seen_at_release, queue);
  EXPECT_EQ(got.json(), ints(20));
}

TEST(SessionTest, FailureKeepsTheEarlierOutputsAndIsReportedByPushAndClose) {
  auto g = load_manifest(manifest(R"([{"id": "div", "node_type": "CalculatorNode",
                                       "params": {"operation": "divide", "operand": 0}}])"));
  RM_ASSERT_OK(g);
  for (int threads : {1, 4}) {
    Collected got;
    ExecutionOptions options;
    options.threads = threads;
    auto s = Session::open(*g, options, got.callback());
    RM_ASSERT_OK(s);
    Result<> pushed;
    int i = 0;
    for (Json item : {Json("a"), Json("b"), Json(3), Json("c"), Json("d")}) {
      pushed = (*s)->push(Value(std::move(item)));
      if (!pushed) break;
      ++i;
    }
    auto closed = (*s)->close();
    RM_ASSERT_ERROR(closed);
    EXPECT_EQ(closed.error().code, "division_by_zero");
    EXPECT_EQ(closed.error().item, 2);
    if (!pushed) {
      EXPECT_EQ(pushed.error().message, closed.error().message);
    }
    if (threads == 1) {
      EXPECT_EQ(i, 2) << "a serial session fails on the push of the failing item";
    }
    EXPECT_EQ(got.json().dump(), R"(["a","b"])") << threads;
  }
}

TEST(SessionTest, NodesOpenOnceAndCloseAtClose) {
  probe_log().reset();
  auto g = load_manifest(manifest(std::string(R"([{"id": "once", "node_type": ")") + kProbe + R"("}])"));
  RM_ASSERT_OK(g);
  Collected got;
  auto s = Session::open(*g, ExecutionOptions{.threads = 2}, got.callback());
  RM_ASSERT_OK(s);
  for (int i = 0; i < 10; ++i) RM_ASSERT_OK((*s)->push(Value(Json(i))));
  EXPECT_EQ(probe_log().opens("once"), 1);
  EXPECT_EQ(probe_log().closes("once"), 0);
  RM_ASSERT_OK((*s)->close());
  EXPECT_EQ(probe_log().closes("once"), 1);
  EXPECT_EQ(got.json(), ints(10));
  RM_ASSERT_ERROR((*s)->push(Value(Json(1))));
}

TEST(SessionTest, DroppingASessionWithoutCloseDeliversWhatWasPushedButDoesNotFlush) {
  probe_log().reset();
  auto g = load_manifest(manifest(std::string(R"([{"id": "p", "node_type": ")") + kProbe + R"("},
                                      {"id": "pairs", "node_type": "BatchNode", "params": {"size": 2}}])",
                                  R"([{"from": "p", "to": "pairs"}])"));
  RM_ASSERT_OK(g);
  for (int threads : {1, 2}) {
    probe_log().reset();
    Collected got;
    {
      auto s = Session::open(*g, ExecutionOptions{.threads = threads}, got.callback());
      RM_ASSERT_OK(s);
      for (int i = 0; i < 5; ++i) RM_ASSERT_OK((*s)->push(Value(Json(i))));
    }
    EXPECT_EQ(got.json().dump(), "[[0,1],[2,3]]") << threads;  // [4] would come from a flush
    EXPECT_EQ(probe_log().closes("p"), 1);
  }
}

}  // namespace
}  // namespace rm
