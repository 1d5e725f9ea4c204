// Python node costs, natively:
//   * per-call overhead of an identity Python node on a scalar (vs the C++ PassThrough, and vs a
//     pure-Python loop calling the same class),
//   * passing 16 s vs 1 ms of 16 kHz audio through it: zero-copy keeps the ratio near 1.
// Counters: ns_per_item.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "core/executor.hpp"
#include "core/pipeline.hpp"
#include "python/interpreter.hpp"

namespace {

constexpr const char* kIdentity = "class Identity:\n    def process(self, data):\n        return data\n";

rm::Graph one_node(const std::string& node_json) {
  auto manifest = rm::parse_json(R"({"version":"v1","nodes":[)" + node_json + "]}");
  auto graph = rm::load_graph(*manifest);
  if (!graph) std::abort();
  return std::move(*graph);
}

rm::Graph python_identity() {
  rm::Json node = *rm::parse_json(R"({"id":"id","node_type":"PythonNode","params":{"class":"Identity"}})");
  node.find("params")->set("code", kIdentity);
  return one_node(node.dump());
}

void run_items(benchmark::State& state, const rm::Graph& graph, const std::vector<rm::Value>& items) {
  double ns = 0;
  for (auto _ : state) {
    std::vector<rm::Value> inputs = items;  // shares sample buffers: no audio is copied here
    const auto start = std::chrono::steady_clock::now();
    auto out = rm::execute(graph, std::move(inputs), rm::ExecutionOptions{.threads = 1});
    ns += std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    if (!out || out->size() != items.size()) state.SkipWithError("pipeline failed");
  }
  state.counters["ns_per_item"] = ns / (static_cast<double>(state.iterations()) * static_cast<double>(items.size()));
}

std::vector<rm::Value> scalars(int n) {
  std::vector<rm::Value> v;
  for (int i = 0; i < n; ++i) v.emplace_back(rm::Json(i));
  return v;
}

void BM_CppPassThroughScalar(benchmark::State& state) {
  run_items(state, one_node(R"({"id":"p","node_type":"PassThrough"})"), scalars(100000));
}

void BM_PythonIdentityScalar(benchmark::State& state) { run_items(state, python_identity(), scalars(100000)); }

void BM_PythonIdentityAudio(benchmark::State& state) {
  const auto frames = static_cast<std::size_t>(state.range(0));
  std::vector<rm::Value> items;
  for (int i = 0; i < 200; ++i)
    items.emplace_back(rm::Audio::from_samples(std::vector<float>(frames, 0.25f), 16000, 1));
  run_items(state, python_identity(), items);
}

// The baseline: the same class called from a plain Python loop.
void BM_PurePythonLoopScalar(benchmark::State& state) {
  if (!rm::py::ensure_started()) std::abort();
  rm::py::Gil gil;
  rm::py::Ref globals(PyDict_New());
  PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins());
  const std::string code = std::string(kIdentity) +
                           "import time\n"
                           "def loop(n):\n"
                           "    node = Identity()\n"
                           "    t = time.perf_counter_ns()\n"
                           "    for i in range(n):\n"
                           "        node.process(i)\n"
                           "    return time.perf_counter_ns() - t\n";
  rm::py::Ref ok(PyRun_String(code.c_str(), Py_file_input, globals.get(), globals.get()));
  PyObject* loop = PyDict_GetItemString(globals.get(), "loop");
  double ns = 0;
  const int n = 100000;
  for (auto _ : state) {
    rm::py::Ref t(PyObject_CallFunction(loop, "i", n));
    ns += static_cast<double>(PyLong_AsLongLong(t.get()));
  }
  state.counters["ns_per_item"] = ns / (static_cast<double>(state.iterations()) * n);
}

BENCHMARK(BM_CppPassThroughScalar)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PythonIdentityScalar)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PurePythonLoopScalar)->Unit(benchmark::kMillisecond);
// 1 ms and 16 s of 16 kHz mono audio per item.
BENCHMARK(BM_PythonIdentityAudio)->Arg(16)->Arg(16 * 16000)->ArgName("frames")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
