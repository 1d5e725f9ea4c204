/* pthread for wasm32-wasi builds of third-party C code (see README.md): single-threaded meanings,
 * or, in the threads build (compiled with atomics), the real functions of src/wasi/threads.c. */
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
#if defined(__wasm_atomics__)
/* Renamed: CPython's WASI build defines single-threaded stubs under the plain names, for itself. */
#define pthread_create rm_pthread_create
#define pthread_join rm_pthread_join
#define pthread_detach rm_pthread_detach
#define pthread_mutex_init rm_pthread_mutex_init
#define pthread_mutex_destroy rm_pthread_mutex_destroy
#define pthread_mutex_lock rm_pthread_mutex_lock
#define pthread_mutex_trylock rm_pthread_mutex_trylock
#define pthread_mutex_unlock rm_pthread_mutex_unlock
#define pthread_cond_init rm_pthread_cond_init
#define pthread_cond_destroy rm_pthread_cond_destroy
#define pthread_cond_wait rm_pthread_cond_wait
#define pthread_cond_signal rm_pthread_cond_signal
#define pthread_cond_broadcast rm_pthread_cond_broadcast
int pthread_create(pthread_t* t, const pthread_attr_t* a, void* (*f)(void*), void* arg);
int pthread_join(pthread_t t, void** r);
int pthread_detach(pthread_t t);
int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* a);
int pthread_mutex_destroy(pthread_mutex_t* m);
int pthread_mutex_lock(pthread_mutex_t* m);
int pthread_mutex_trylock(pthread_mutex_t* m);
int pthread_mutex_unlock(pthread_mutex_t* m);
int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* a);
int pthread_cond_destroy(pthread_cond_t* c);
int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m);
int pthread_cond_signal(pthread_cond_t* c);
int pthread_cond_broadcast(pthread_cond_t* c);
#else
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
#endif
#ifdef __cplusplus
}
#endif
#endif
