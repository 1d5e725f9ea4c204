// Single-threaded targets (wasm32-wasi): every run is serial.
#include "core/executor.hpp"
#if defined(__wasm_atomics__)
#include "wasi/threads.h"
#endif

namespace rm {

std::unique_ptr<Scheduler> make_scheduler(StepRunner& steps, int) { return make_serial_scheduler(steps); }
#if defined(__wasm_atomics__)
// The wasm threads build: the executor stays serial, while nodes such as WhisperNode may spread
// their own work over the host's thread workers.
int default_thread_count() { return rm_wasi_thread_count(); }
#else
int default_thread_count() { return 1; }
#endif

}  // namespace rm
