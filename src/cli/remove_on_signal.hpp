// A folder that must not outlive the process: removed when the process is stopped by SIGINT,
// SIGTERM or SIGHUP (then the process dies of that signal, as it would have), and on destruction.
// Native only: the signals are blocked in every thread and taken by one watcher thread with
// sigwait, so the removal runs in a plain thread, not in a signal handler.
#pragma once

#include <string>

namespace rm {

class RemoveOnSignal {
 public:
  RemoveOnSignal();   // watches from now on (before the folder exists, so that no signal slips by)
  ~RemoveOnSignal();  // removes the folder
  RemoveOnSignal(const RemoveOnSignal&) = delete;
  RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;

  // The folder to remove (once it is made).
  void set_folder(const std::string& dir);
};

}  // namespace rm
