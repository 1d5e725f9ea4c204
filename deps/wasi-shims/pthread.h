/* Single-threaded pthread for wasm32-wasi builds of third-party C code (see README.md). */
#ifndef RM_WASI_SHIM_PTHREAD_H
#define RM_WASI_SHIM_PTHREAD_H
#include <errno.h>
#include <sched.h>
#include <time.h>
#ifdef __cplusplus
extern "C" {
#endif
/* wasi-libc declares the pthread types already (bits/alltypes.h); only the functions are missing. */
#define __NEED_pthread_t
#define __NEED_pthread_attr_t
#define __NEED_pthread_mutex_t
#define __NEED_pthread_mutexattr_t
#define __NEED_pthread_cond_t
#define __NEED_pthread_condattr_t
#include <bits/alltypes.h>
#define PTHREAD_MUTEX_INITIALIZER {{{0}}}
#define PTHREAD_COND_INITIALIZER {{{0}}}
static inline int pthread_create(pthread_t* t, const pthread_attr_t* a, void* (*f)(void*), void* arg) {
  (void)t; (void)a; (void)f; (void)arg;
  return EAGAIN; /* no threads here: callers fall back to one thread */
}
static inline int pthread_join(pthread_t t, void** r) { (void)t; (void)r; return 0; }
static inline int pthread_detach(pthread_t t) { (void)t; return 0; }
static inline pthread_t pthread_self(void) { return 0; }
static inline int pthread_equal(pthread_t a, pthread_t b) { return a == b; }
static inline int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* a) { (void)m; (void)a; return 0; }
static inline int pthread_mutex_destroy(pthread_mutex_t* m) { (void)m; return 0; }
static inline int pthread_mutex_lock(pthread_mutex_t* m) { (void)m; return 0; }
static inline int pthread_mutex_trylock(pthread_mutex_t* m) { (void)m; return 0; }
static inline int pthread_mutex_unlock(pthread_mutex_t* m) { (void)m; return 0; }
static inline int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* a) { (void)c; (void)a; return 0; }
static inline int pthread_cond_destroy(pthread_cond_t* c) { (void)c; return 0; }
static inline int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) { (void)c; (void)m; return 0; }
static inline int pthread_cond_signal(pthread_cond_t* c) { (void)c; return 0; }
static inline int pthread_cond_broadcast(pthread_cond_t* c) { (void)c; return 0; }
#ifdef __cplusplus
}
#endif
#endif
