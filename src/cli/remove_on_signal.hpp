// A folder that must not outlive the process: removed when the process is stopped by SIGINT,
// SIGTERM or SIGHUP (then the process dies of that signal, as it would have), and on destruction.
// Native only: the signal handler just wakes one watcher thread through a pipe, so the removal runs
// in a plain thread, not in a signal handler, whichever thread the signal came to.
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
