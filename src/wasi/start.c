/* The command entry point of the threads build, linked with -nostartfiles. wasi-libc's own _start
 * makes wasm-ld wrap every other export in a call to __wasm_call_dtors (the command model), which
 * would run the exit handlers each time a thread returns from wasi_thread_start. */
#include <stdlib.h>

void __wasm_call_ctors(void);
void __wasm_call_dtors(void);
int __main_void(void);

__attribute__((export_name("_start"))) void rm_start(void) {
  __wasm_call_ctors();
  int r = __main_void();
  __wasm_call_dtors();
  if (r != 0) exit(r);
}
