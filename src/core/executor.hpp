// One executor for every target. Input items are cut into batches; running node k on batch b
// is a step. A scheduler only decides when steps run (serial, or on a thread pool natively);
// what a step consumes and emits never depends on it, so every scheduler gives identical output.
//
// Order (docs/executor.md): a node sees its items ordered by the input item they descend from,
// then by the execution rank of the predecessor that emitted them, then by emission order.
// The outputs are the sink nodes' items in that same order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "core/manifest.hpp"
#include "core/value.hpp"

namespace rm {

struct ExecutionOptions {
  int threads = 0;                 // 0: the platform default; 1: serial
  std::size_t batch_size = 256;    // input items per step
  std::string pipeline_dir = ".";  // for nodes that open files named in their params
};

Result<std::vector<Value>> execute(const Graph& graph, std::vector<Value> inputs, const ExecutionOptions& options);

// --- scheduler seam ------------------------------------------------------------------------

// The steps of one execution. step(k, b) may run once every predecessor of k finished b and
// k finished b - 1; it returns false when the node failed (the error is kept by the run).
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
  virtual ~Scheduler() = default;
  // Runs steps until all are done or a step failed. After a failure it still runs every step
  // that a serial run would have run before the failing one, so the first error is the same.
  virtual void run(StepRunner& steps) = 0;
};

std::unique_ptr<Scheduler> make_serial_scheduler();
// Platform seam: scheduler_threads.cpp natively, scheduler_single.cpp on single-threaded targets.
std::unique_ptr<Scheduler> make_scheduler(int threads);
int default_thread_count();

}  // namespace rm
