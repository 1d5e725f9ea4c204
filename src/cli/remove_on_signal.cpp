#include "cli/remove_on_signal.hpp"

#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <mutex>
#include <thread>

namespace rm {

namespace {

std::mutex folder_mutex;
std::string folder;  // empty: nothing to remove

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

void remove_folder() {
  std::lock_guard lock(folder_mutex);
  if (folder.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(folder, ec);
  folder.clear();
}

}  // namespace

RemoveOnSignal::RemoveOnSignal() {
  static const bool watching = [] {
    // Blocked here, before any worker thread starts, so every later thread inherits the mask and
    // only the watcher takes these signals.
    const sigset_t set = stop_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) return;
      remove_folder();
      // Die of the signal, as without the watcher (exit status 128 + sig for the shell).
      signal(sig, SIG_DFL);
      sigset_t one;
      sigemptyset(&one);
      sigaddset(&one, sig);
      pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
      raise(sig);
    }).detach();
    return true;
  }();
  (void)watching;
}

RemoveOnSignal::~RemoveOnSignal() { remove_folder(); }

void RemoveOnSignal::set_folder(const std::string& dir) {
  std::lock_guard lock(folder_mutex);
  folder = dir;
}

}  // namespace rm
