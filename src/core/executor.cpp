#include "core/executor.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <tuple>

namespace rm {

namespace {

// Single-threaded targets (WASI's libc++ has no threads) need no locks: their scheduler is serial.
#if defined(_LIBCPP_HAS_NO_THREADS)
struct Mutex {
  void lock() {}
  void unlock() {}
};
#else
using Mutex = std::mutex;
#endif
class Lock {
 public:
  explicit Lock(Mutex& m) : m_(m) { m_.lock(); }
  ~Lock() { m_.unlock(); }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

 private:
  Mutex& m_;
};

struct Tagged {
  std::uint32_t origin;  // index of the input item this descends from; the item count for end of input
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

// One pushed batch: its input items and what each node emitted for it.
struct Slot {
  std::uint32_t first_origin = 0;  // the first item's index; for the end-of-input batch, the item count
  bool last = false;               // the end-of-input batch: nodes flush after its items
  std::vector<Value> items;
  std::vector<Batch> out;                            // per node
  std::unique_ptr<std::atomic<int>[]> readers_left;  // per node: successors still to read its output
};

void append(Batch& dst, Batch& src, bool move) {
  if (move) {
    if (dst.empty())
      dst = std::move(src);
    else
      std::move(src.begin(), src.end(), std::back_inserter(dst));
  } else {
    dst.insert(dst.end(), src.begin(), src.end());
  }
}

}  // namespace

class SessionRun final : public StepRunner {
 public:
  SessionRun(const Graph& g, std::vector<std::unique_ptr<Node>>& nodes, OutputCallback on_outputs)
      : g_(g), nodes_(nodes), on_outputs_(std::move(on_outputs)), done_(g.manifest.nodes.size()) {
    errors_.resize(g.manifest.nodes.size());
    for (auto& d : done_) d.store(0);
  }

  std::size_t node_count() const override { return g_.manifest.nodes.size(); }
  std::size_t batch_count() const override { return batch_count_.load(std::memory_order_acquire); }
  const std::vector<int>& order() const override { return g_.order; }
  const std::vector<int>& preds(int k) const override { return g_.preds[static_cast<std::size_t>(k)]; }
  const std::vector<int>& succs(int k) const override { return g_.succs[static_cast<std::size_t>(k)]; }
  int rank(int k) const override { return g_.rank[static_cast<std::size_t>(k)]; }

  // Adds a batch (the end-of-input batch when `last`); returns false when the item count would
  // not fit the 32-bit item index.
  bool add(std::vector<Value> items, bool last) {
    const std::size_t n = node_count();
    if (items_ + items.size() >= std::numeric_limits<std::uint32_t>::max()) return false;
    auto slot = std::make_unique<Slot>();
    slot->first_origin = static_cast<std::uint32_t>(items_);
    slot->last = last;
    items_ += items.size();
    slot->items = std::move(items);
    slot->out.resize(n);
    slot->readers_left = std::make_unique<std::atomic<int>[]>(n);
    for (std::size_t k = 0; k < n; ++k) slot->readers_left[k].store(static_cast<int>(g_.succs[k].size()));
    {
      Lock lock(slots_mutex_);
      slots_.push_back(std::move(slot));
    }
    batch_count_.fetch_add(1, std::memory_order_release);
    return true;
  }

  std::size_t items() const { return items_; }
  bool failed() const { return failed_.load(std::memory_order_acquire); }

  bool step(int k, std::size_t b) override {
    const auto ku = static_cast<std::size_t>(k);
    Slot& slot = this->slot(b);
    Batch in = gather(slot, ku);
    Batch& out = slot.out[ku];
    BatchEmitter emitter(out, 0);
    Node& node = *nodes_[ku];
    for (auto& item : in) {
      emitter.set_origin(item.origin);
      if (auto r = node.process(std::move(item.value), emitter); !r) return record(k, b, slot, item.origin, r.error());
    }
    if (slot.last) {
      emitter.set_origin(slot.first_origin);
      if (auto r = node.flush(emitter); !r) return record(k, b, slot, slot.first_origin, r.error());
    }
    done_[ku].fetch_add(1, std::memory_order_acq_rel);
    if (g_.succs[ku].empty()) deliver();
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

 private:
  Slot& slot(std::size_t b) {
    Lock lock(slots_mutex_);
    return *slots_[b - slots_base_];
  }

  // Hands out the batches every sink is done with, in order, and frees them: every node is done
  // with a batch once the sinks are (each node feeds some sink).
  void deliver() {
    Lock lock(deliver_mutex_);
    while (delivered_ < batch_count()) {
      for (int s : g_.sinks)
        if (done_[static_cast<std::size_t>(s)].load(std::memory_order_acquire) <= delivered_) return;
      std::unique_ptr<Slot> slot;
      {
        Lock slots_lock(slots_mutex_);
        slot = std::move(slots_[delivered_ - slots_base_]);
        while (!slots_.empty() && !slots_.front()) {
          slots_.pop_front();
          ++slots_base_;
        }
      }
      ++delivered_;
      Batch merged;
      for (int s : g_.sinks) append(merged, slot->out[static_cast<std::size_t>(s)], /*move=*/true);
      std::stable_sort(merged.begin(), merged.end(),
                       [](const Tagged& x, const Tagged& y) { return x.origin < y.origin; });
      if (merged.empty() || !on_outputs_) continue;
      std::vector<Value> outputs;
      outputs.reserve(merged.size());
      for (auto& t : merged) outputs.push_back(std::move(t.value));
      on_outputs_(std::move(outputs));
    }
  }

  Batch gather(Slot& slot, std::size_t k) {
    const auto& preds = g_.preds[k];
    Batch in;
    if (preds.empty()) {
      // A single source owns the inputs; several sources (possibly running at once) copy them.
      const bool sole_source = g_.source_count == 1;
      in.reserve(slot.items.size());
      for (std::size_t i = 0; i < slot.items.size(); ++i)
        in.push_back({static_cast<std::uint32_t>(slot.first_origin + i),
                      sole_source ? std::move(slot.items[i]) : slot.items[i]});
      return in;
    }
    for (int p : preds) {
      const auto pu = static_cast<std::size_t>(p);
      // Successors may read a batch at the same time. Each one counts itself off only after
      // it has copied, so a reader that finds itself the only one left may take the batch:
      // nobody else is still reading it. Whoever counts off last frees it.
      auto& readers_left = slot.readers_left[pu];
      const bool sole_reader_left = readers_left.load(std::memory_order_acquire) == 1;
      append(in, slot.out[pu], sole_reader_left);
      if (readers_left.fetch_sub(1, std::memory_order_acq_rel) == 1) Batch().swap(slot.out[pu]);
    }
    if (preds.size() > 1)
      std::stable_sort(in.begin(), in.end(), [](const Tagged& x, const Tagged& y) { return x.origin < y.origin; });
    return in;
  }

  bool record(int k, std::size_t b, const Slot& slot, std::uint32_t origin, Error error) {
    const auto& spec = g_.manifest.nodes[static_cast<std::size_t>(k)];
    error.node = spec.id;
    const bool at_end = slot.last;
    std::string where = at_end ? "at end of input" : "on input item " + std::to_string(origin);
    error.item = at_end ? -1 : static_cast<long long>(origin);
    error.message = "node '" + spec.id + "' (" + spec.type + ") failed " + where + ": " + error.message;
    errors_[static_cast<std::size_t>(k)] = StepError{b, rank(k), std::move(error)};
    failed_.store(true, std::memory_order_release);
    return false;
  }

  const Graph& g_;
  std::vector<std::unique_ptr<Node>>& nodes_;
  OutputCallback on_outputs_;
  std::size_t items_ = 0;  // pushed so far (only the pushing thread touches it)
  std::atomic<std::size_t> batch_count_{0};
  Mutex slots_mutex_;
  std::deque<std::unique_ptr<Slot>> slots_;  // batches not yet delivered; slots_[0] is batch slots_base_
  std::size_t slots_base_ = 0;
  std::vector<std::atomic<std::size_t>> done_;  // per node: batches finished
  Mutex deliver_mutex_;
  std::size_t delivered_ = 0;
  std::atomic<bool> failed_{false};
  // One slot per node: a node runs one step at a time and none after it failed, so no lock.
  std::vector<std::optional<StepError>> errors_;
};

namespace {

class SerialScheduler final : public Scheduler {
 public:
  explicit SerialScheduler(StepRunner& steps) : steps_(steps) {}
  void advance() override {
    for (; !stopped_ && next_ < steps_.batch_count(); ++next_)
      for (int k : steps_.order())
        if (!steps_.step(k, next_)) {
          stopped_ = true;
          return;
        }
  }
  void wait(std::size_t) override {}

 private:
  StepRunner& steps_;
  std::size_t next_ = 0;
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<Scheduler> make_serial_scheduler(StepRunner& steps) { return std::make_unique<SerialScheduler>(steps); }

Result<std::unique_ptr<Session>> Session::open(const Graph& graph, const ExecutionOptions& options,
                                               OutputCallback on_outputs) {
  std::unique_ptr<Session> s(new Session());
  s->graph_ = &graph;
  s->options_ = options;
  const std::size_t n = graph.manifest.nodes.size();
  s->nodes_.resize(n);
  for (int k : graph.order) {
    const auto ku = static_cast<std::size_t>(k);
    const auto& spec = graph.manifest.nodes[ku];
    s->nodes_[ku] = graph.infos[ku]->create();
    NodeContext ctx{spec.id, options.pipeline_dir};
    if (auto r = s->nodes_[ku]->open(graph.params[ku], ctx); !r) {
      Error e = r.error();
      e.node = spec.id;
      e.message = "node '" + spec.id + "' (" + spec.type + ") failed to open: " + e.message;
      s->shut_down();
      return fail(std::move(e));
    }
  }
  s->run_ = std::make_unique<SessionRun>(graph, s->nodes_, std::move(on_outputs));
  const int threads = options.threads > 0 ? options.threads : default_thread_count();
  s->scheduler_ = threads <= 1 ? make_serial_scheduler(*s->run_) : make_scheduler(*s->run_, threads);
  return s;
}

Session::~Session() { shut_down(); }

// Waits for the steps in flight, stops the scheduler and closes every opened node, once.
void Session::shut_down() {
  if (closed_) return;
  closed_ = true;
  if (scheduler_) {
    // Without close() the end-of-input batch never comes: wait for what was pushed.
    scheduler_->wait(run_->batch_count());
    scheduler_.reset();
  }
  for (int k : graph_->order)
    if (auto& node = nodes_[static_cast<std::size_t>(k)]) node->close();
}

Result<> Session::failure() {
  scheduler_->wait(run_->batch_count());  // every step a serial run would have run before the failure
  return fail(*run_->first_error());
}

Result<> Session::push(std::vector<Value> items) {
  if (closed_) return fail(ErrorKind::Internal, "session_closed", "push() after the session was closed");
  if (run_->failed()) return failure();
  if (!run_->add(std::move(items), false))
    return fail(ErrorKind::InvalidInput, "too_many_items", "a session takes at most 2^32 - 1 input items");
  scheduler_->advance();
  const std::size_t pushed = run_->batch_count();
  const std::size_t limit = std::max<std::size_t>(1, options_.queue_batches);
  if (pushed > limit) scheduler_->wait(pushed - limit);
  if (run_->failed()) return failure();
  return {};
}

Result<> Session::push(Value item) {
  std::vector<Value> items;
  items.push_back(std::move(item));
  return push(std::move(items));
}

Result<> Session::close() {
  if (closed_) return fail(ErrorKind::Internal, "session_closed", "close() after the session was closed");
  Result<> result;
  if (!run_->failed()) {
    run_->add({}, true);
    scheduler_->advance();
    scheduler_->wait(run_->batch_count());
  }
  if (run_->failed()) result = failure();
  shut_down();
  return result;
}

std::size_t Session::items_pushed() const { return run_->items(); }

Result<std::vector<Value>> execute(const Graph& graph, std::vector<Value> inputs, const ExecutionOptions& options) {
  std::vector<Value> outputs;
  RM_TRY(session, Session::open(graph, options, [&outputs](std::vector<Value> batch) {
           if (outputs.empty())
             outputs = std::move(batch);
           else
             std::move(batch.begin(), batch.end(), std::back_inserter(outputs));
         }));
  const std::size_t batch = std::max<std::size_t>(1, options.batch_size);
  for (std::size_t first = 0; first < inputs.size(); first += batch) {
    const std::size_t last = std::min(first + batch, inputs.size());
    std::vector<Value> items(std::make_move_iterator(inputs.begin() + static_cast<std::ptrdiff_t>(first)),
                             std::make_move_iterator(inputs.begin() + static_cast<std::ptrdiff_t>(last)));
    RM_CHECK(session->push(std::move(items)));
  }
  RM_CHECK(session->close());
  return outputs;
}

}  // namespace rm
