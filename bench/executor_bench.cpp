// Executor cost per node per item: a chain of 10 arithmetic nodes over 1M integer items,
// serial and thread-pool schedulers. Reported as the counter ns_per_node_item.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "core/executor.hpp"
#include "core/pipeline.hpp"

namespace {

constexpr int kNodes = 10;
constexpr long long kItems = 1'000'000;

rm::Graph chain_graph(int nodes) {
  std::string m = R"({"version":"v1","metadata":{"name":"bench"},"nodes":[)";
  for (int i = 0; i < nodes; ++i) {
    if (i) m += ",";
    m += i % 2 ? R"({"id":"n)" + std::to_string(i) + R"(","node_type":"AddNode","params":{"addend":1}})"
               : R"({"id":"n)" + std::to_string(i) + R"(","node_type":"MultiplyNode","params":{"factor":1}})";
  }
  m += R"(],"connections":[)";
  for (int i = 1; i < nodes; ++i) {
    if (i > 1) m += ",";
    m += R"({"from":"n)" + std::to_string(i - 1) + R"(","to":"n)" + std::to_string(i) + R"("})";
  }
  m += "]}";
  return *rm::load_graph(*rm::parse_json(m));
}

void BM_Chain(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const rm::Graph graph = chain_graph(kNodes);
  double executed_ns = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<rm::Value> inputs;
    inputs.reserve(kItems);
    for (long long i = 0; i < kItems; ++i) inputs.emplace_back(rm::Json(i));
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    auto out = rm::execute(graph, std::move(inputs), rm::ExecutionOptions{.threads = threads});
    executed_ns += std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    if (!out || static_cast<long long>(out->size()) != kItems) state.SkipWithError("pipeline failed");
    benchmark::DoNotOptimize(out);
  }
  state.counters["ns_per_node_item"] = executed_ns / (static_cast<double>(state.iterations()) * kNodes * kItems);
}

BENCHMARK(BM_Chain)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
