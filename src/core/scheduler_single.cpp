// Single-threaded targets (wasm32-wasi has no threads): every run is serial.
#include "core/executor.hpp"

namespace rm {

std::unique_ptr<Scheduler> make_scheduler(int) { return make_serial_scheduler(); }
int default_thread_count() { return 1; }

}  // namespace rm
