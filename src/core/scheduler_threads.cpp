// Native scheduler: a pool of threads runs ready steps. Nodes work on different batches at
// once (pipelining) and independent branches run in parallel; one node never runs two steps
// at once, so node state needs no locking.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>

#include "core/executor.hpp"

namespace rm {

namespace {

// How many batches a node may run ahead of its slowest successor: bounds memory in flight.
constexpr std::size_t kWindow = 4;

class ThreadPoolScheduler final : public Scheduler {
 public:
  explicit ThreadPoolScheduler(int threads) : threads_(threads) {}

  void run(StepRunner& steps) override {
    const std::size_t n = steps.node_count();
    const std::size_t batches = steps.batch_count();
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<std::size_t> done(n, 0);
    std::vector<bool> busy(n, false);
    std::deque<int> ready;
    std::size_t running = 0;
    std::optional<std::tuple<std::size_t, int>> stop_at;  // (batch, rank) of the first failure

    auto is_ready = [&](int k) {
      const auto ku = static_cast<std::size_t>(k);
      const std::size_t b = done[ku];
      if (busy[ku] || b >= batches) return false;
      if (stop_at && std::make_tuple(b, steps.rank(k)) >= *stop_at) return false;
      for (int p : steps.preds(k))
        if (done[static_cast<std::size_t>(p)] <= b) return false;
      for (int s : steps.succs(k))
        if (b >= done[static_cast<std::size_t>(s)] + kWindow) return false;
      return true;
    };
    auto offer = [&](int k) {
      if (!is_ready(k)) return;
      busy[static_cast<std::size_t>(k)] = true;
      ready.push_back(k);
      wake.notify_one();
    };

    {
      std::lock_guard lock(mutex);
      for (int k : steps.order()) offer(k);
    }
    auto worker = [&] {
      std::unique_lock lock(mutex);
      while (true) {
        wake.wait(lock, [&] { return !ready.empty() || running == 0; });
        if (ready.empty()) {
          wake.notify_all();
          return;  // nothing queued and nothing running: no step can become ready any more
        }
        int k = ready.front();
        ready.pop_front();
        ++running;
        const auto ku = static_cast<std::size_t>(k);
        const std::size_t b = done[ku];
        lock.unlock();
        const bool ok = steps.step(k, b);
        lock.lock();
        --running;
        busy[ku] = false;
        ++done[ku];
        if (!ok) {
          auto key = std::make_tuple(b, steps.rank(k));
          if (!stop_at || key < *stop_at) stop_at = key;
        }
        offer(k);
        for (int s : steps.succs(k)) offer(s);
        for (int p : steps.preds(k)) offer(p);
        if (ready.empty() && running == 0) wake.notify_all();
      }
    };
    const int extra = std::min<int>(threads_, static_cast<int>(n)) - 1;
    std::vector<std::thread> pool;
    for (int i = 0; i < extra; ++i) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  }

 private:
  int threads_;
};

}  // namespace

std::unique_ptr<Scheduler> make_scheduler(int threads) {
  if (threads <= 1) return make_serial_scheduler();
  return std::make_unique<ThreadPoolScheduler>(threads);
}

int default_thread_count() {
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

}  // namespace rm
