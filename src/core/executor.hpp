// One executor for every target, and one way in: a session. A session opens the graph's nodes
// once, takes pushed items (each push is one batch), hands out the sink outputs of each batch as
// soon as that batch is done, and at close() flushes and closes the nodes. A batch run is a
// session that pushes all its items (in batches of batch_size) and closes.
//
// Running node k on batch b is a step. A scheduler only decides when steps run (serially, or on
// a thread pool natively); what a step consumes and emits never depends on it, nor on how the
// items were cut into batches, so every scheduler and every push pattern gives the same outputs.
//
// Order (docs/executor.md): a node sees its items ordered by the input item they descend from,
// then by the execution rank of the predecessor that emitted them, then by emission order.
// The outputs are the sink nodes' items in that same order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "core/manifest.hpp"
#include "core/value.hpp"

namespace rm {

struct ExecutionOptions {
  int threads = 0;                 // 0: the platform default; 1: serial
  std::size_t batch_size = 256;    // input items per step in a batch run
  std::string pipeline_dir = ".";  // for nodes that open files named in their params
  std::size_t queue_batches = 8;   // a session's push blocks while this many pushed batches are not done
};

// Receives the outputs of each batch, in input order, as soon as every sink is done with it;
// called from whichever thread finished the batch, never twice at once. Empty batches are skipped.
using OutputCallback = std::function<void(std::vector<Value> outputs)>;

class Scheduler;
class SessionRun;

class Session {
 public:
  // Opens every node (in execution order); a failure closes the ones already open.
  static Result<std::unique_ptr<Session>> open(const Graph& graph, const ExecutionOptions& options,
                                               OutputCallback on_outputs);
  // Without close(): waits for running steps, then closes the nodes without flushing them.
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Pushes items as one batch. Backpressure: push blocks while options.queue_batches pushed
  // batches are not yet done (natively, where the thread pool runs them); a serial scheduler
  // (WASI, threads 1) runs the batch through the whole graph before push returns. After a node
  // failed, push (and close) return its error: the first in (batch, rank) order, as a serial run
  // reports it. Outputs of the batches before the failing one have been delivered by then.
  Result<> push(std::vector<Value> items);
  Result<> push(Value item);
  // End of input: every node flushes (in execution order), the last outputs are delivered, the
  // nodes are closed. Returns the first error of the session, if any.
  Result<> close();
  std::size_t items_pushed() const;

 private:
  Session() = default;
  Result<> failure();
  void shut_down();

  const Graph* graph_ = nullptr;
  ExecutionOptions options_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unique_ptr<SessionRun> run_;
  std::unique_ptr<Scheduler> scheduler_;
  bool closed_ = false;
};

// A batch run: a session over all the items, then close. The outputs in order, or the first error.
Result<std::vector<Value>> execute(const Graph& graph, std::vector<Value> inputs, const ExecutionOptions& options);

// --- scheduler seam ------------------------------------------------------------------------

// The steps of one session. step(k, b) may run once every predecessor of k finished b and
// k finished b - 1; it returns false when the node failed (the error is kept by the run).
// batch_count() grows as items are pushed; the scheduler is told by advance().
class StepRunner {
 public:
  virtual ~StepRunner() = default;
  virtual std::size_t node_count() const = 0;
  virtual std::size_t batch_count() const = 0;
  virtual const std::vector<int>& order() const = 0;
  virtual const std::vector<int>& preds(int k) const = 0;
  virtual const std::vector<int>& succs(int k) const = 0;
  virtual int rank(int k) const = 0;
  virtual bool step(int k, std::size_t b) = 0;
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;  // joins any threads; call when no step can be running
  // Batches were added: run the steps they made possible. A serial scheduler runs them all
  // before returning; the pool hands them to its threads. After a failure no step at or after
  // it (in serial order) runs, but every step that a serial run would have run before it does,
  // so the first error is the same whatever the scheduler.
  virtual void advance() = 0;
  // Blocks until every node has finished `batches` batches, or, after a failure, until no step
  // is running or can run any more.
  virtual void wait(std::size_t batches) = 0;
};

std::unique_ptr<Scheduler> make_serial_scheduler(StepRunner& steps);
// Platform seam: scheduler_threads.cpp natively, scheduler_single.cpp on single-threaded targets.
std::unique_ptr<Scheduler> make_scheduler(StepRunner& steps, int threads);
int default_thread_count();

}  // namespace rm
