/* Forced into every C and C++ file of the threads build (preset wasi-python-threads).
 * Debian's wasi-libc was built without atomics, so its thread_local errno became one plain global,
 * and code compiled with atomics cannot reach a plain global through a TLS access (the linker
 * refuses). Reached through errno_location.c instead: one errno for all threads, as in libc. */
#ifndef RM_WASI_SHARED_ERRNO_H
#define RM_WASI_SHARED_ERRNO_H
#include <errno.h>
#ifdef __cplusplus
extern "C" {
#endif
int* rm_errno_location(void);
#ifdef __cplusplus
}
#endif
#undef errno
#define errno (*rm_errno_location())
#endif
