// Fuzz target for the manifest and JSON reader: parse_json, then what `run`/`validate` do with a
// document before any node opens (the manifest checks, node params, the graph) and with input
// items (the __numpy__, __audio__ and __binary__ forms). Every input must end in a value or a
// named error; what parses must dump and parse back to the same value.
// Built by the `fuzz` (libFuzzer) and `fuzz32` (replay_main.cpp) presets; tests/fuzz/run.sh runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json.hpp"
#include "core/pipeline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = rm::parse_json(text);
  if (!doc) {
    if (doc.error().code != "malformed_json") std::abort();
    return 0;
  }
  auto again = rm::parse_json(doc->dump());
  if (!again || !(*again == *doc)) std::abort();  // dump and parse round-trip
  if (auto graph = rm::load_graph(*doc, "."); !graph && graph.error().code.empty()) std::abort();
  if (auto items = rm::inputs_from_json(*doc); items) {
    for (const auto& item : *items) (void)rm::value_to_json(item).dump();
  } else if (items.error().code.empty()) {
    std::abort();
  }
  return 0;
}
