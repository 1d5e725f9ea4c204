#include "core/executor.hpp"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <optional>
#include <tuple>

namespace rm {

namespace {

struct Tagged {
  std::uint32_t origin;  // index of the input item this descends from; N for end of input
  Value value;
};
using Batch = std::vector<Tagged>;

class BatchEmitter final : public Emitter {
 public:
  BatchEmitter(Batch& out, std::uint32_t origin) : out_(out), origin_(origin) {}
  void emit(Value v) override { out_.push_back({origin_, std::move(v)}); }
  void set_origin(std::uint32_t origin) { origin_ = origin; }

 private:
  Batch& out_;
  std::uint32_t origin_;
};

struct StepError {
  std::size_t batch;
  int rank;
  Error error;
};

class Run final : public StepRunner {
 public:
  Run(const Graph& g, std::vector<Value> inputs, std::vector<std::unique_ptr<Node>>& nodes, std::size_t batch_size)
      : g_(g), nodes_(nodes), inputs_(std::move(inputs)), batch_size_(batch_size) {
    const std::size_t n = g.manifest.nodes.size();
    batches_ = (inputs_.size() + batch_size_ - 1) / batch_size_ + 1;  // + the end-of-input step
    out_.resize(n);
    readers_left_ = std::make_unique<std::atomic<int>[]>(n * batches_);
    errors_.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      out_[k].resize(batches_);
      const auto readers = static_cast<int>(g.succs[k].size());
      for (std::size_t b = 0; b < batches_; ++b) readers_left_[k * batches_ + b].store(readers);
    }
  }

  std::size_t node_count() const override { return g_.manifest.nodes.size(); }
  std::size_t batch_count() const override { return batches_; }
  const std::vector<int>& order() const override { return g_.order; }
  const std::vector<int>& preds(int k) const override { return g_.preds[static_cast<std::size_t>(k)]; }
  const std::vector<int>& succs(int k) const override { return g_.succs[static_cast<std::size_t>(k)]; }
  int rank(int k) const override { return g_.rank[static_cast<std::size_t>(k)]; }

  bool step(int k, std::size_t b) override {
    const auto ku = static_cast<std::size_t>(k);
    Batch in = gather(ku, b);
    Batch& out = out_[ku][b];
    const bool last = b + 1 == batches_;
    BatchEmitter emitter(out, 0);
    Node& node = *nodes_[ku];
    for (auto& item : in) {
      emitter.set_origin(item.origin);
      if (auto r = node.process(std::move(item.value), emitter); !r) return record(k, b, item.origin, r.error());
    }
    if (last) {
      const auto end = static_cast<std::uint32_t>(inputs_.size());
      emitter.set_origin(end);
      if (auto r = node.flush(emitter); !r) return record(k, b, end, r.error());
    }
    return true;
  }

  // The first error in serial order (batch, then rank), whichever scheduler ran the steps.
  const Error* first_error() const {
    const StepError* best = nullptr;
    for (const auto& slot : errors_) {
      if (!slot) continue;
      const StepError& e = *slot;
      if (!best || std::tie(e.batch, e.rank) < std::tie(best->batch, best->rank)) best = &e;
    }
    return best ? &best->error : nullptr;
  }

  std::vector<Value> take_outputs() {
    std::vector<Value> outputs;
    for (std::size_t b = 0; b < batches_; ++b) {
      Batch merged;
      for (int s : g_.sinks) append(merged, out_[static_cast<std::size_t>(s)][b], /*move=*/true);
      std::stable_sort(merged.begin(), merged.end(),
                       [](const Tagged& x, const Tagged& y) { return x.origin < y.origin; });
      for (auto& t : merged) outputs.push_back(std::move(t.value));
    }
    return outputs;
  }

 private:
  static void append(Batch& dst, Batch& src, bool move) {
    if (move) {
      if (dst.empty())
        dst = std::move(src);
      else
        std::move(src.begin(), src.end(), std::back_inserter(dst));
    } else {
      dst.insert(dst.end(), src.begin(), src.end());
    }
  }

  Batch gather(std::size_t k, std::size_t b) {
    const auto& preds = g_.preds[k];
    Batch in;
    if (preds.empty()) {
      const std::size_t first = b * batch_size_;
      const std::size_t last = std::min(first + batch_size_, inputs_.size());
      // A single source owns the inputs; several sources (possibly running at once) copy them.
      const bool sole_source = g_.source_count == 1;
      for (std::size_t i = first; i < last; ++i)
        in.push_back({static_cast<std::uint32_t>(i), sole_source ? std::move(inputs_[i]) : inputs_[i]});
      return in;
    }
    for (int p : preds) {
      const auto pu = static_cast<std::size_t>(p);
      // Successors may read a batch at the same time. Each one counts itself off only after
      // it has copied, so a reader that finds itself the only one left may take the batch:
      // nobody else is still reading it. Whoever counts off last frees it.
      auto& readers_left = readers_left_[pu * batches_ + b];
      const bool sole_reader_left = readers_left.load(std::memory_order_acquire) == 1;
      append(in, out_[pu][b], sole_reader_left);
      if (readers_left.fetch_sub(1, std::memory_order_acq_rel) == 1) Batch().swap(out_[pu][b]);
    }
    if (preds.size() > 1)
      std::stable_sort(in.begin(), in.end(), [](const Tagged& x, const Tagged& y) { return x.origin < y.origin; });
    return in;
  }

  bool record(int k, std::size_t b, std::uint32_t origin, Error error) {
    const auto& spec = g_.manifest.nodes[static_cast<std::size_t>(k)];
    error.node = spec.id;
    std::string where = origin >= inputs_.size() ? "at end of input" : "on input item " + std::to_string(origin);
    error.item = origin >= inputs_.size() ? -1 : static_cast<long long>(origin);
    error.message = "node '" + spec.id + "' (" + spec.type + ") failed " + where + ": " + error.message;
    errors_[static_cast<std::size_t>(k)] = StepError{b, rank(k), std::move(error)};
    return false;
  }

  const Graph& g_;
  std::vector<std::unique_ptr<Node>>& nodes_;
  std::vector<Value> inputs_;
  std::size_t batch_size_;
  std::size_t batches_;
  std::vector<std::vector<Batch>> out_;
  std::unique_ptr<std::atomic<int>[]> readers_left_;
  // One slot per node: a node runs one step at a time and none after it failed, so no lock.
  std::vector<std::optional<StepError>> errors_;
};

class SerialScheduler final : public Scheduler {
 public:
  void run(StepRunner& steps) override {
    for (std::size_t b = 0; b < steps.batch_count(); ++b)
      for (int k : steps.order())
        if (!steps.step(k, b)) return;
  }
};

}  // namespace

std::unique_ptr<Scheduler> make_serial_scheduler() { return std::make_unique<SerialScheduler>(); }

Result<std::vector<Value>> execute(const Graph& graph, std::vector<Value> inputs, const ExecutionOptions& options) {
  const std::size_t n = graph.manifest.nodes.size();
  std::vector<std::unique_ptr<Node>> nodes(n);
  auto close_all = [&] {
    for (int k : graph.order)
      if (nodes[static_cast<std::size_t>(k)]) nodes[static_cast<std::size_t>(k)]->close();
  };
  for (int k : graph.order) {
    const auto ku = static_cast<std::size_t>(k);
    const auto& spec = graph.manifest.nodes[ku];
    nodes[ku] = graph.infos[ku]->create();
    NodeContext ctx{spec.id, options.pipeline_dir};
    if (auto r = nodes[ku]->open(graph.params[ku], ctx); !r) {
      Error e = r.error();
      e.node = spec.id;
      e.message = "node '" + spec.id + "' (" + spec.type + ") failed to open: " + e.message;
      close_all();
      return fail(std::move(e));
    }
  }
  Run run(graph, std::move(inputs), nodes, std::max<std::size_t>(1, options.batch_size));
  int threads = options.threads > 0 ? options.threads : default_thread_count();
  auto scheduler = threads <= 1 ? make_serial_scheduler() : make_scheduler(threads);
  scheduler->run(run);
  close_all();
  if (const Error* e = run.first_error()) return fail(*e);
  return run.take_outputs();
}

}  // namespace rm
