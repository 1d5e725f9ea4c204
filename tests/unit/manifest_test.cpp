// Manifest v1: one test per validation failure, named after what it guards, plus the draft
// spellings and the execution order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/manifest.hpp"
#include "test_util.hpp"

namespace rm {
namespace {

using test::describe;
using test::load_manifest;

// The error of a manifest that must not load.
Error load_error(std::string_view text) {
  auto g = load_manifest(text);
  if (g) {
    ADD_FAILURE() << "manifest unexpectedly loaded:\n" << text;
    return Error{};
  }
  return g.error();
}

std::vector<std::string> execution_order(const Graph& g) {
  std::vector<std::string> ids;
  for (int i : g.order) ids.push_back(g.manifest.nodes[static_cast<std::size_t>(i)].id);
  return ids;
}

TEST(ManifestTest, LoadsAMinimalManifest) {
  auto g = load_manifest(R"({"version": "v1", "nodes": [{"id": "m", "node_type": "MultiplyNode"}]})");
  RM_ASSERT_OK(g);
  ASSERT_EQ(g->manifest.nodes.size(), 1u);
  EXPECT_EQ(g->manifest.nodes[0].type, "MultiplyNode");
  EXPECT_EQ(g->params[0].json().dump(), R"({"factor":2})");  // default filled in
  EXPECT_EQ(g->info_json().dump(), R"({"node_count":1,"source_count":1,"sink_count":1,"execution_order":["m"]})");
}

TEST(ManifestTest, LoadsMetadataAndAChain) {
  auto g = load_manifest(R"({
    "version": "v1",
    "metadata": {"name": "chain", "description": "two steps", "version": "1.2", "author": "me", "tags": ["x"]},
    "nodes": [
      {"id": "a", "node_type": "MultiplyNode", "params": {"factor": 3}, "is_streaming": false},
      {"id": "b", "node_type": "AddNode", "params": {"addend": 1}}
    ],
    "connections": [{"from": "a", "to": "b"}]
  })");
  RM_ASSERT_OK(g);
  EXPECT_EQ(g->manifest.name, "chain");
  EXPECT_EQ(g->manifest.description, "two steps");
  EXPECT_EQ(g->preds[1], std::vector<int>{0});
  EXPECT_EQ(g->succs[0], std::vector<int>{1});
  EXPECT_EQ(g->sinks, std::vector<int>{1});
  EXPECT_EQ(g->source_count, 1u);
}

// ---------------------------------------------------------------------------------------------
// Structure

TEST(ManifestTest, FailsOnUnsupportedVersion) {
  for (const char* version : {"v2", "1", "V1", ""}) {
    Error e = load_error(std::string(R"({"version": ")") + version +
                         R"(", "nodes": [{"id": "a", "node_type": "PassThrough"}]})");
    EXPECT_EQ(e.kind, ErrorKind::InvalidInput) << version;
    EXPECT_EQ(e.code, "unsupported_version") << version;
    EXPECT_EQ(e.field, "version") << version;
  }
}

TEST(ManifestTest, FailsOnMissingOrMistypedVersion) {
  Error missing = load_error(R"({"nodes": [{"id": "a", "node_type": "PassThrough"}]})");
  EXPECT_EQ(missing.code, "missing_field");
  EXPECT_EQ(missing.field, "version");
  Error number = load_error(R"({"version": 1, "nodes": [{"id": "a", "node_type": "PassThrough"}]})");
  EXPECT_EQ(number.code, "invalid_field_type");
  EXPECT_EQ(number.field, "version");
}

TEST(ManifestTest, FailsOnNonObjectManifest) {
  Error e = load_error(R"([{"version": "v1"}])");
  EXPECT_EQ(e.code, "invalid_manifest");
}

TEST(ManifestTest, FailsOnMalformedJsonWithPosition) {
  Error e = load_error(
      "{\n  \"version\": \"v1\",\n  \"nodes\": [\n    {\"id\": \"a\" \"node_type\": \"PassThrough\"}\n  ]\n}");
  EXPECT_EQ(e.code, "malformed_json");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.column, 16);
}

TEST(ManifestTest, FailsOnNoNodes) {
  Error e = load_error(R"({"version": "v1", "nodes": []})");
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "no_nodes");
  EXPECT_EQ(e.field, "nodes");
  Error missing = load_error(R"({"version": "v1"})");
  EXPECT_EQ(missing.code, "missing_field");
  EXPECT_EQ(missing.field, "nodes");
}

TEST(ManifestTest, FailsOnUnknownTopLevelField) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough"}], "conections": []})");
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "unknown_field");
  EXPECT_EQ(e.field, "conections");
  EXPECT_EQ(e.suggestion, "connections");
}

TEST(ManifestTest, FailsOnUnknownNodeField) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough"},
                                                       {"id": "b", "node_type": "PassThrough", "param": {}}]})");
  EXPECT_EQ(e.code, "unknown_field");
  EXPECT_EQ(e.field, "nodes[1].param");
  EXPECT_EQ(e.suggestion, "params");
}

TEST(ManifestTest, FailsOnUnknownMetadataField) {
  Error e = load_error(R"({"version": "v1", "metadata": {"name": "x", "nmae": "y"},
                           "nodes": [{"id": "a", "node_type": "PassThrough"}]})");
  EXPECT_EQ(e.code, "unknown_field");
  EXPECT_EQ(e.field, "metadata.nmae");
}

TEST(ManifestTest, FailsOnUnknownConnectionField) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough"},
                                                       {"id": "b", "node_type": "PassThrough"}],
                           "connections": [{"from": "a", "to": "b", "label": "x"}]})");
  EXPECT_EQ(e.code, "unknown_field");
  EXPECT_EQ(e.field, "connections[0].label");
}

TEST(ManifestTest, FailsOnMissingNodeType) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "a"}]})");
  EXPECT_EQ(e.code, "missing_field");
  EXPECT_EQ(e.field, "nodes[0].node_type");
}

TEST(ManifestTest, FailsOnMissingOrEmptyNodeId) {
  Error missing = load_error(R"({"version": "v1", "nodes": [{"node_type": "PassThrough"}]})");
  EXPECT_EQ(missing.code, "missing_field");
  EXPECT_EQ(missing.field, "nodes[0].id");
  Error empty = load_error(R"({"version": "v1", "nodes": [{"id": "", "node_type": "PassThrough"}]})");
  EXPECT_EQ(empty.code, "invalid_field_value");
  EXPECT_EQ(empty.field, "nodes[0].id");
}

TEST(ManifestTest, FailsOnNodeThatIsNotAnObject) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough"}, "b"]})");
  EXPECT_EQ(e.code, "invalid_field_type");
  EXPECT_EQ(e.field, "nodes[1]");
}

TEST(ManifestTest, FailsOnMistypedFields) {
  struct Case {
    const char* text;
    const char* field;
  };
  for (
      const Case& c : {
          Case{R"({"version": "v1", "nodes": {"id": "a"}})", "nodes"},
          Case{R"({"version": "v1", "nodes": [{"id": 1, "node_type": "PassThrough"}]})", "nodes[0].id"},
          Case{R"({"version": "v1", "nodes": [{"id": "a", "node_type": ["PassThrough"]}]})", "nodes[0].node_type"},
          Case{R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough", "is_streaming": "yes"}]})",
               "nodes[0].is_streaming"},
          Case{R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough"}], "connections": {}})",
               "connections"},
          Case{R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough"}], "connections": [["a", "a"]]})",
               "connections[0]"},
          Case{
              R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough"}], "connections": [{"from": "a", "to": 2}]})",
              "connections[0].to"},
          Case{R"({"version": "v1", "metadata": "x", "nodes": [{"id": "a", "node_type": "PassThrough"}]})", "metadata"},
          Case{R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough", "params": [1]}]})",
               "nodes[0].params"},
      }) {
    Error e = load_error(c.text);
    EXPECT_EQ(e.code, "invalid_field_type") << c.text;
    EXPECT_EQ(e.field, c.field) << c.text;
  }
}

TEST(ManifestTest, FailsOnConnectionWithoutEnds) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough"}],
                           "connections": [{"from": "a"}]})");
  EXPECT_EQ(e.code, "missing_field");
  EXPECT_EQ(e.field, "connections[0].to");
}

// ---------------------------------------------------------------------------------------------
// Nodes and the registry

TEST(ManifestTest, FailsOnDuplicateIds) {
  Error e = load_error(R"({"version": "v1", "nodes": [
      {"id": "a", "node_type": "PassThrough"},
      {"id": "b", "node_type": "PassThrough"},
      {"id": "a", "node_type": "MultiplyNode"}]})");
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "duplicate_node_id");
  EXPECT_EQ(e.field, "nodes[2].id");
  EXPECT_EQ(e.node, "a");
  EXPECT_NE(e.message.find("nodes[0]"), std::string::npos) << e.message;  // where it was first used
}

TEST(ManifestTest, FailsOnUnknownNodeTypeWithSuggestion) {
  Error e = load_error(R"({"version": "v1", "nodes": [
      {"id": "first", "node_type": "PassThrough"},
      {"id": "times", "node_type": "MultiplyNod"}]})");
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "unknown_node_type");
  EXPECT_EQ(e.field, "nodes[1].node_type");
  EXPECT_EQ(e.node, "times");
  EXPECT_EQ(e.suggestion, "MultiplyNode");
  EXPECT_NE(e.message.find("did you mean 'MultiplyNode'"), std::string::npos) << e.message;
}

TEST(ManifestTest, FailsOnUnknownNodeTypeFarFromEveryName) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "x", "node_type": "QuantumTeleporter"}]})");
  EXPECT_EQ(e.code, "unknown_node_type");
  EXPECT_EQ(e.suggestion, "");
  EXPECT_NE(e.message.find("remotemedia nodes"), std::string::npos) << e.message;
}

TEST(ManifestTest, FailsOnWrongParamType) {
  Error e = load_error(R"({"version": "v1", "nodes": [
      {"id": "a", "node_type": "PassThrough"},
      {"id": "double", "node_type": "MultiplyNode", "params": {"factor": "two"}}]})");
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "invalid_param_type");
  EXPECT_EQ(e.field, "nodes[1].params.factor");
  EXPECT_EQ(e.node, "double");
}

TEST(ManifestTest, FailsOnUnknownParam) {
  Error e =
      load_error(R"({"version": "v1", "nodes": [{"id": "m", "node_type": "MultiplyNode", "params": {"factr": 2}}]})");
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "unknown_param");
  EXPECT_EQ(e.field, "nodes[0].params.factr");
  EXPECT_EQ(e.node, "m");
  EXPECT_EQ(e.suggestion, "factor");
}

TEST(ManifestTest, FailsOnMissingRequiredParam) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "calc", "node_type": "CalculatorNode"}]})");
  EXPECT_EQ(e.code, "missing_param");
  EXPECT_EQ(e.field, "nodes[0].params.operation");
  EXPECT_EQ(e.node, "calc");
}

TEST(ManifestTest, FailsOnEnumParamOutsideItsChoices) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "calc", "node_type": "CalculatorNode",
                                                       "params": {"operation": "multipy"}}]})");
  EXPECT_EQ(e.code, "invalid_param_value");
  EXPECT_EQ(e.field, "nodes[0].params.operation");
  EXPECT_EQ(e.suggestion, "multiply");
}

// ---------------------------------------------------------------------------------------------
// Connections and cycles

TEST(ManifestTest, FailsOnConnectionToUnknownNode) {
  Error e = load_error(R"({"version": "v1",
      "nodes": [{"id": "source", "node_type": "PassThrough"}, {"id": "sink", "node_type": "PassThrough"}],
      "connections": [{"from": "source", "to": "sink"}, {"from": "source", "to": "sinc"}]})");
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "unknown_connection_node");
  EXPECT_EQ(e.field, "connections[1].to");
  EXPECT_EQ(e.suggestion, "sink");
  EXPECT_NE(e.message.find("'sinc'"), std::string::npos) << e.message;
}

TEST(ManifestTest, FailsOnConnectionFromUnknownNode) {
  Error e = load_error(R"({"version": "v1",
      "nodes": [{"id": "source", "node_type": "PassThrough"}, {"id": "sink", "node_type": "PassThrough"}],
      "connections": [{"from": "nowhere", "to": "sink"}]})");
  EXPECT_EQ(e.code, "unknown_connection_node");
  EXPECT_EQ(e.field, "connections[0].from");
  EXPECT_EQ(e.suggestion, "");
}

TEST(ManifestTest, FailsOnDuplicateConnection) {
  Error e = load_error(R"({"version": "v1",
      "nodes": [{"id": "a", "node_type": "PassThrough"}, {"id": "b", "node_type": "PassThrough"}],
      "connections": [{"from": "a", "to": "b"}, {"from": "a", "to": "b"}]})");
  EXPECT_EQ(e.code, "duplicate_connection");
  EXPECT_EQ(e.field, "connections[1]");
}

TEST(ManifestTest, FailsOnSelfLoop) {
  Error e = load_error(R"({"version": "v1",
      "nodes": [{"id": "a", "node_type": "PassThrough"}, {"id": "loop", "node_type": "PassThrough"}],
      "connections": [{"from": "a", "to": "loop"}, {"from": "loop", "to": "loop"}]})");
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "cycle");
  EXPECT_EQ(e.field, "connections[1]");
  EXPECT_EQ(e.node, "loop");
  EXPECT_NE(e.message.find("'loop'"), std::string::npos) << e.message;
}

TEST(ManifestTest, FailsOnCycleAndNamesIt) {
  // "out" hangs off the cycle and "in" feeds it; neither is part of it. "out" is listed first,
  // so the search for the cycle has to walk back into it.
  Error e = load_error(R"({"version": "v1",
      "nodes": [{"id": "out", "node_type": "PassThrough"}, {"id": "in", "node_type": "PassThrough"},
                {"id": "a", "node_type": "PassThrough"}, {"id": "b", "node_type": "PassThrough"},
                {"id": "c", "node_type": "PassThrough"}],
      "connections": [{"from": "in", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "c"},
                      {"from": "c", "to": "a"}, {"from": "c", "to": "out"}]})");
  EXPECT_EQ(e.kind, ErrorKind::InvalidInput);
  EXPECT_EQ(e.code, "cycle");
  EXPECT_EQ(e.field, "connections");
  // Named along its edges, from the cycle's node written first, and closed by it.
  EXPECT_NE(e.message.find("a -> b -> c -> a"), std::string::npos) << e.message;
  EXPECT_EQ(e.node, "a");
  EXPECT_EQ(e.message.find("out"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("in ->"), std::string::npos) << e.message;
}

TEST(ManifestTest, CycleIsNamedFromItsNodeWrittenFirst) {
  Error e = load_error(R"({"version": "v1",
      "nodes": [{"id": "c", "node_type": "PassThrough"}, {"id": "b", "node_type": "PassThrough"},
                {"id": "a", "node_type": "PassThrough"}],
      "connections": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}, {"from": "c", "to": "a"}]})");
  EXPECT_EQ(e.code, "cycle");
  EXPECT_NE(e.message.find("c -> a -> b -> c"), std::string::npos) << e.message;
  EXPECT_EQ(e.node, "c");
}

TEST(ManifestTest, FailsOnTwoNodeCycleInEdges) {
  Error e = load_error(R"({"version": "v1",
      "nodes": [{"id": "x", "node_type": "PassThrough"}, {"id": "y", "node_type": "PassThrough"}],
      "edges": [{"from": "x", "to": "y"}, {"from": "y", "to": "x"}]})");
  EXPECT_EQ(e.code, "cycle");
  EXPECT_EQ(e.field, "edges");  // named as the manifest spells it
  EXPECT_NE(e.message.find("x -> y -> x"), std::string::npos) << e.message;
  EXPECT_EQ(e.node, "x");
}

// ---------------------------------------------------------------------------------------------
// Draft spellings

TEST(ManifestTest, AcceptsDraftSpellings) {
  auto g = load_manifest(R"({
    "version": "v1",
    "nodes": [
      {"id": "times", "type": "MultiplyNode", "params": {"multiplier": 3}},
      {"id": "plus", "type": "AddNode", "params": {"value": 1.5}}
    ],
    "edges": [{"from": "times", "to": "plus"}]
  })");
  RM_ASSERT_OK(g);
  EXPECT_EQ(g->manifest.nodes[0].type, "MultiplyNode");
  EXPECT_EQ(g->manifest.nodes[1].type, "AddNode");
  EXPECT_EQ(g->params[0].json().dump(), R"({"factor":3})");  // under the canonical name
  EXPECT_EQ(g->params[1].json().dump(), R"({"addend":1.5})");
  ASSERT_EQ(g->manifest.connections.size(), 1u);
  EXPECT_EQ(g->manifest.connections[0].from, "times");
  EXPECT_EQ(g->manifest.connections_field, "edges");
  EXPECT_EQ(execution_order(*g), (std::vector<std::string>{"times", "plus"}));
}

TEST(ManifestTest, ErrorsInDraftEdgesNameTheEdgesField) {
  Error e = load_error(R"({"version": "v1", "nodes": [{"id": "a", "type": "PassThrough"}],
                           "edges": [{"from": "a", "to": "b"}]})");
  EXPECT_EQ(e.code, "unknown_connection_node");
  EXPECT_EQ(e.field, "edges[0].to");
}

TEST(ManifestTest, FailsWhenDraftAndCanonicalSpellingsAreBothGiven) {
  Error edges = load_error(R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough"}],
                               "connections": [], "edges": []})");
  EXPECT_EQ(edges.code, "conflicting_fields");
  EXPECT_EQ(edges.field, "edges");
  Error type = load_error(R"({"version": "v1", "nodes": [{"id": "a", "node_type": "PassThrough", "type": "Echo"}]})");
  EXPECT_EQ(type.code, "conflicting_fields");
  EXPECT_EQ(type.field, "nodes[0].type");
  Error param = load_error(R"({"version": "v1", "nodes": [{"id": "m", "node_type": "MultiplyNode",
                                                           "params": {"factor": 2, "multiplier": 3}}]})");
  EXPECT_EQ(param.code, "duplicate_param");
  EXPECT_EQ(param.field, "nodes[0].params.multiplier");
  EXPECT_EQ(param.node, "m");
}

// ---------------------------------------------------------------------------------------------
// Execution order

TEST(ManifestTest, ExecutionOrderTiesFollowManifestOrder) {
  // A diamond written sink-first: "right" and "left" become ready together after "src", and
  // the one written first in the manifest runs first, whatever the connection order.
  auto g = load_manifest(R"({"version": "v1",
      "nodes": [{"id": "sink", "node_type": "PassThrough"}, {"id": "right", "node_type": "PassThrough"},
                {"id": "left", "node_type": "PassThrough"}, {"id": "src", "node_type": "PassThrough"},
                {"id": "lonely", "node_type": "PassThrough"}],
      "connections": [{"from": "left", "to": "sink"}, {"from": "src", "to": "left"},
                      {"from": "right", "to": "sink"}, {"from": "src", "to": "right"}]})");
  RM_ASSERT_OK(g);
  EXPECT_EQ(execution_order(*g), (std::vector<std::string>{"src", "right", "left", "sink", "lonely"}));
  EXPECT_EQ(
      g->info_json().dump(),
      R"({"node_count":5,"source_count":2,"sink_count":2,"execution_order":["src","right","left","sink","lonely"]})");
  // Predecessors and successors are listed by execution rank (right before left).
  EXPECT_EQ(g->preds[0], (std::vector<int>{1, 2}));
  EXPECT_EQ(g->succs[3], (std::vector<int>{1, 2}));
  EXPECT_EQ(g->sinks, (std::vector<int>{0, 4}));
}

TEST(ManifestTest, ExecutionOrderOfUnconnectedNodesIsManifestOrder) {
  auto g = load_manifest(R"({"version": "v1", "nodes": [{"id": "z", "node_type": "PassThrough"},
                                                       {"id": "a", "node_type": "PassThrough"},
                                                       {"id": "m", "node_type": "PassThrough"}]})");
  RM_ASSERT_OK(g);
  EXPECT_EQ(execution_order(*g), (std::vector<std::string>{"z", "a", "m"}));
  EXPECT_EQ(g->source_count, 3u);
}

TEST(ManifestTest, ExecutionOrderRespectsEveryConnection) {
  // Written backwards: the order must still put every node after all of its predecessors.
  auto g = load_manifest(R"({"version": "v1",
      "nodes": [{"id": "d", "node_type": "PassThrough"}, {"id": "c", "node_type": "PassThrough"},
                {"id": "b", "node_type": "PassThrough"}, {"id": "a", "node_type": "PassThrough"}],
      "connections": [{"from": "c", "to": "d"}, {"from": "b", "to": "c"}, {"from": "a", "to": "b"},
                      {"from": "a", "to": "d"}]})");
  RM_ASSERT_OK(g);
  EXPECT_EQ(execution_order(*g), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(g->preds[0], (std::vector<int>{3, 1}));  // d's predecessors: a (rank 0), then c (rank 2)
}

}  // namespace
}  // namespace rm
