// The CLI's one platform seam: what a process must do at start on its target.
#pragma once

namespace rm {

// Natively nothing. Under WASI the process starts in "/", whatever folder the host runs it from:
// the runners map the host's current folder at its own absolute path and pass it as $PWD, and
// this moves there, so relative paths (and Python's absolute ones) match a native run.
void platform_init();

}  // namespace rm
