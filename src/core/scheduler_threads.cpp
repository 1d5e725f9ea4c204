// Native scheduler: a pool of threads runs ready steps for as long as the session is open.
// Nodes work on different batches at once (pipelining) and independent branches run in
// parallel; one node never runs two steps at once, so node state needs no locking.
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
  ThreadPoolScheduler(StepRunner& steps, int threads)
      : steps_(steps), done_(steps.node_count(), 0), busy_(steps.node_count(), false) {
    const int count = std::max(1, std::min<int>(threads, static_cast<int>(steps.node_count())));
    for (int i = 0; i < count; ++i) pool_.emplace_back([this] { work(); });
  }

  ~ThreadPoolScheduler() override {
    {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
    }
    wake_.notify_all();
    for (auto& t : pool_) t.join();
  }

  void advance() override {
    std::lock_guard lock(mutex_);
    for (int k : steps_.order()) offer(k);
  }

  void wait(std::size_t batches) override {
    std::unique_lock lock(mutex_);
    progress_.wait(lock, [&] {
      if (stop_at_ && ready_.empty() && running_ == 0) return true;
      return std::all_of(done_.begin(), done_.end(), [&](std::size_t d) { return d >= batches; });
    });
  }

 private:
  bool is_ready(int k) const {
    const auto ku = static_cast<std::size_t>(k);
    const std::size_t b = done_[ku];
    if (busy_[ku] || b >= steps_.batch_count()) return false;
    if (stop_at_ && std::make_tuple(b, steps_.rank(k)) >= *stop_at_) return false;
    for (int p : steps_.preds(k))
      if (done_[static_cast<std::size_t>(p)] <= b) return false;
    for (int s : steps_.succs(k))
      if (b >= done_[static_cast<std::size_t>(s)] + kWindow) return false;
    return true;
  }

  void offer(int k) {
    if (!is_ready(k)) return;
    busy_[static_cast<std::size_t>(k)] = true;
    ready_.push_back(k);
    wake_.notify_one();
  }

  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [&] { return !ready_.empty() || shutdown_; });
      if (ready_.empty()) return;  // shutting down
      int k = ready_.front();
      ready_.pop_front();
      ++running_;
      const auto ku = static_cast<std::size_t>(k);
      const std::size_t b = done_[ku];
      lock.unlock();
      const bool ok = steps_.step(k, b);
      lock.lock();
      --running_;
      busy_[ku] = false;
      ++done_[ku];
      if (!ok) {
        auto key = std::make_tuple(b, steps_.rank(k));
        if (!stop_at_ || key < *stop_at_) stop_at_ = key;
      }
      offer(k);
      for (int s : steps_.succs(k)) offer(s);
      for (int p : steps_.preds(k)) offer(p);
      progress_.notify_all();
    }
  }

  StepRunner& steps_;
  std::mutex mutex_;
  std::condition_variable wake_;      // a step is ready, or shutting down
  std::condition_variable progress_;  // a step finished
  std::vector<std::size_t> done_;     // per node: batches finished (or failed)
  std::vector<bool> busy_;
  std::deque<int> ready_;
  std::size_t running_ = 0;
  std::optional<std::tuple<std::size_t, int>> stop_at_;  // (batch, rank) of the first failure
  bool shutdown_ = false;
  std::vector<std::thread> pool_;
};

}  // namespace

std::unique_ptr<Scheduler> make_scheduler(StepRunner& steps, int threads) {
  if (threads <= 1) return make_serial_scheduler(steps);
  return std::make_unique<ThreadPoolScheduler>(steps, threads);
}

int default_thread_count() {
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

}  // namespace rm
