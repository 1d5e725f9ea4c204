/* POSIX threads for the threads build (preset wasi-python-threads), over the wasi-threads ABI:
 * pthread_create asks the host for a thread (import wasi.thread-spawn); the host runs it on one of
 * its workers, which calls the export wasi_thread_start (thread_start.s) with the start record.
 * Mutexes, condition variables and join wait with memory.atomic.wait32 (a futex), which the main
 * thread may use too because the runners never run the module on a browser's main thread.
 *
 * Debian's wasi-libc has no threads: only what ggml's thread pool needs is here, and libc stays
 * single-threaded apart from malloc, which is serialized (the __wrap_ functions below, linked with
 * --wrap). Worker threads only compute; files, stdio and Python stay on the first thread. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi/threads.h"

/* The start record; thread_start.s reads the first three fields by offset. */
struct __pthread {
  void* stack_top; /* 0 */
  void* tls;       /* 4 */
  atomic_int done; /* 8: set once the thread's function returned (or trapped) */
  void* (*fn)(void*);
  void* arg;
  void* result;
};
_Static_assert(offsetof(struct __pthread, tls) == 4 && offsetof(struct __pthread, done) == 8, "thread_start.s offsets");

enum { kStackSize = 1 << 20 }; /* ggml's threads run shallow kernels */

__attribute__((import_module("wasi"), import_name("thread-spawn"))) int32_t rm_wasi_thread_spawn(void* start_arg);

static atomic_int thread_trapped; /* set by the host when a worker trapped (rm_thread_trapped) */

/* Never inlined: Node 20's V8 (11.3), in its baseline compiler (Liftoff), loses a value the caller
 * keeps in a local across memory.atomic.wait32, so a loop that waits and then re-reads its word
 * waits at address 0 the next time round and never wakes (tests/wasi/threads_check.c, "join",
 * hung every time). A call of its own keeps the caller's locals safe. */
__attribute__((noinline)) static void futex_wait(atomic_int* word, int expected) {
  __builtin_wasm_memory_atomic_wait32((int*)word, expected, -1);
}
static void futex_wake(atomic_int* word, unsigned count) { __builtin_wasm_memory_atomic_notify((int*)word, count); }

static void stop_if_a_thread_trapped(void) {
  if (atomic_load_explicit(&thread_trapped, memory_order_relaxed)) {
    static const char message[] = "remotemedia: a worker thread trapped; stopping\n";
    fwrite(message, 1, sizeof message - 1, stderr);
    abort();
  }
}

void rm_thread_relax(void) { stop_if_a_thread_trapped(); }

int rm_wasi_thread_count(void) {
  const char* s = getenv("RM_WASM_THREADS");
  const int n = s ? atoi(s) : 1;
  return n < 1 ? 1 : n;
}

/* ---- mutexes: 0 free, 1 held, 2 held with waiters (Drepper, "Futexes are tricky") ---- */

static atomic_int* mutex_word(pthread_mutex_t* m) { return (atomic_int*)&m->__u.__i[0]; }

static void lock_word(atomic_int* w) {
  int c = 0;
  if (atomic_compare_exchange_strong(w, &c, 1)) return;
  if (c != 2) c = atomic_exchange(w, 2);
  while (c != 0) {
    futex_wait(w, 2);
    c = atomic_exchange(w, 2);
  }
}

static void unlock_word(atomic_int* w) {
  if (atomic_fetch_sub(w, 1) != 1) {
    atomic_store(w, 0);
    futex_wake(w, 1);
  }
}

int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* a) {
  (void)a;
  memset(m, 0, sizeof *m);
  return 0;
}
int pthread_mutex_destroy(pthread_mutex_t* m) {
  (void)m;
  return 0;
}
int pthread_mutex_lock(pthread_mutex_t* m) {
  lock_word(mutex_word(m));
  return 0;
}
int pthread_mutex_trylock(pthread_mutex_t* m) {
  int c = 0;
  return atomic_compare_exchange_strong(mutex_word(m), &c, 1) ? 0 : EBUSY;
}
int pthread_mutex_unlock(pthread_mutex_t* m) {
  unlock_word(mutex_word(m));
  return 0;
}

/* ---- condition variables: a sequence number to wait on (wakeups may be spurious) ---- */

static atomic_int* cond_word(pthread_cond_t* c) { return (atomic_int*)&c->__u.__i[0]; }

int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* a) {
  (void)a;
  memset(c, 0, sizeof *c);
  return 0;
}
int pthread_cond_destroy(pthread_cond_t* c) {
  (void)c;
  return 0;
}
int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  const int seq = atomic_load(cond_word(c));
  pthread_mutex_unlock(m);
  futex_wait(cond_word(c), seq);
  /* Taken as contended: another waiter may still sleep on the mutex. */
  atomic_int* w = mutex_word(m);
  while (atomic_exchange(w, 2) != 0) futex_wait(w, 2);
  return 0;
}
int pthread_cond_signal(pthread_cond_t* c) {
  atomic_fetch_add(cond_word(c), 1);
  futex_wake(cond_word(c), 1);
  return 0;
}
int pthread_cond_broadcast(pthread_cond_t* c) {
  atomic_fetch_add(cond_word(c), 1);
  futex_wake(cond_word(c), UINT32_MAX);
  return 0;
}

/* ---- threads ---- */

int pthread_create(pthread_t* out, const pthread_attr_t* attr, void* (*fn)(void*), void* arg) {
  (void)attr;
  const size_t tls_align = __builtin_wasm_tls_align() < 16 ? 16 : __builtin_wasm_tls_align();
  const size_t tls_size = (__builtin_wasm_tls_size() + tls_align - 1) / tls_align * tls_align;
  const size_t record = (sizeof(struct __pthread) + tls_align - 1) / tls_align * tls_align;
  /* One block: the record, the TLS block, then the stack (growing down to the TLS block). */
  char* block = aligned_alloc(tls_align, record + tls_size + kStackSize);
  if (!block) return EAGAIN;
  struct __pthread* t = (struct __pthread*)block;
  t->tls = block + record;
  t->stack_top = block + record + tls_size + kStackSize;
  atomic_init(&t->done, 0);
  t->fn = fn;
  t->arg = arg;
  t->result = NULL;
  if (rm_wasi_thread_spawn(t) < 0) {
    free(block);
    return EAGAIN;
  }
  *out = (pthread_t)t;
  return 0;
}

/* Called by thread_start.s on the new thread, once its stack and TLS are in place. */
void rm_thread_main(int32_t tid, struct __pthread* t) {
  (void)tid;
  t->result = t->fn(t->arg);
}

/* The host calls this on a worker whose thread trapped, so that the threads waiting for it stop
 * too (join, and ggml's polling loops through rm_thread_relax) instead of waiting forever. */
__attribute__((export_name("rm_thread_trapped"))) void rm_thread_trapped(struct __pthread* t) {
  atomic_store(&thread_trapped, 1);
  atomic_store(&t->done, 1);
  futex_wake(&t->done, UINT32_MAX);
}

int pthread_join(pthread_t thread, void** result) {
  struct __pthread* t = (struct __pthread*)thread;
  while (atomic_load(&t->done) == 0) futex_wait(&t->done, 0);
  stop_if_a_thread_trapped();
  if (result) *result = t->result;
  free(t);
  return 0;
}

int pthread_detach(pthread_t thread) {
  (void)thread;
  return ENOTSUP; /* nothing here detaches; a detached record could not be freed */
}

/* ---- one malloc for all threads: libc's dlmalloc has no locks in this build ---- */

static atomic_int malloc_lock;

#define RM_LOCKED(type, name, params, args) \
  type __real_##name params;                \
  type __wrap_##name params {               \
    lock_word(&malloc_lock);                \
    type r = __real_##name args;            \
    unlock_word(&malloc_lock);              \
    return r;                               \
  }
RM_LOCKED(void*, malloc, (size_t n), (n))
RM_LOCKED(void*, calloc, (size_t n, size_t size), (n, size))
RM_LOCKED(void*, realloc, (void* p, size_t n), (p, n))
RM_LOCKED(void*, aligned_alloc, (size_t align, size_t n), (align, n))
RM_LOCKED(int, posix_memalign, (void** p, size_t align, size_t n), (p, align, n))
RM_LOCKED(size_t, malloc_usable_size, (void* p), (p))
#undef RM_LOCKED

void __real_free(void* p);
void __wrap_free(void* p) {
  lock_word(&malloc_lock);
  __real_free(p);
  unlock_word(&malloc_lock);
}
