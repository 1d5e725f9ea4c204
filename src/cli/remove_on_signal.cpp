#include "cli/remove_on_signal.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <mutex>
#include <thread>

namespace rm {

namespace {

std::mutex folder_mutex;
std::string folder;  // empty: nothing to remove

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
int wake_pipe[2] = {-1, -1};

// Any thread may take the signal: libraries start threads before main (OpenBLAS does, at load)
// with the signals unblocked, so blocking them in ours is not enough. The handler only writes the
// signal's number to a pipe (async-signal-safe); the watcher thread does the rest.
void on_stop_signal(int sig) {
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(sig);
  (void)!write(wake_pipe[1], &byte, 1);
  errno = saved;
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
    if (pipe2(wake_pipe, O_CLOEXEC) != 0) return false;
    std::thread([] {
      unsigned char sig = 0;
      while (read(wake_pipe[0], &sig, 1) != 1) {
        if (errno != EINTR) return;
      }
      remove_folder();
      // Die of the signal, as without the watcher (exit status 128 + sig for the shell).
      signal(sig, SIG_DFL);
      raise(sig);
    }).detach();
    for (int sig : kStopSignals) {
      struct sigaction old = {};
      sigaction(sig, nullptr, &old);
      if (old.sa_handler == SIG_IGN) continue;  // e.g. SIGHUP under nohup: stays ignored
      struct sigaction act = {};
      act.sa_handler = on_stop_signal;
      sigemptyset(&act.sa_mask);
      act.sa_flags = SA_RESTART;
      sigaction(sig, &act, nullptr);
    }
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
