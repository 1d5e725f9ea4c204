/* The threads runtime of the wasm threads build (src/wasi/threads.c) on its own, run by
 * tests/wasi/threads_check.mjs through the web runner with thread workers:
 *   locks        threads add to one counter under a mutex, and malloc/free at the same time
 *   handoff      a condition variable passes items one by one between two threads
 *   join         each thread's return value comes back through pthread_join
 *   too-many     more threads than workers: pthread_create says EAGAIN, nothing hangs
 *   trap-join    a thread traps while the first one waits in pthread_join: the command stops
 *   trap-poll    ... while the first one polls (as ggml's barrier does): the command stops
 * Prints "ok" and exits 0 when the checks hold. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi/threads.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long counter;
enum { kAdds = 20000 };

static void* add_and_allocate(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  for (int i = 0; i < kAdds; ++i) {
    pthread_mutex_lock(&lock);
    ++counter;
    pthread_mutex_unlock(&lock);
    seed = seed * 1103515245u + 12345u;
    char* p = malloc(1 + seed % 4096);
    if (!p) abort();
    p[0] = (char)i;
    free(p);
  }
  return NULL;
}

static int locks(int threads) {
  pthread_t t[16];
  for (int i = 0; i < threads; ++i)
    if (pthread_create(&t[i], NULL, add_and_allocate, (void*)(uintptr_t)(i + 1)) != 0)
      return printf("create failed\n"), 1;
  add_and_allocate((void*)99);
  for (int i = 0; i < threads; ++i) pthread_join(t[i], NULL);
  if (counter != (long)(threads + 1) * kAdds)
    return printf("counter %ld, expected %ld\n", counter, (long)(threads + 1) * kAdds), 1;
  return 0;
}

/* One slot: the producer waits until it is empty, the consumer until it is full. */
static int slot_full, slot_value;
enum { kItems = 2000 };

static void* consume(void* arg) {
  long sum = 0;
  for (int i = 0; i < kItems; ++i) {
    pthread_mutex_lock(&lock);
    while (!slot_full) pthread_cond_wait(&changed, &lock);
    sum += slot_value;
    slot_full = 0;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
  }
  *(long*)arg = sum;
  return NULL;
}

static int handoff(void) {
  long sum = -1;
  pthread_t t;
  if (pthread_create(&t, NULL, consume, &sum) != 0) return printf("create failed\n"), 1;
  for (int i = 1; i <= kItems; ++i) {
    pthread_mutex_lock(&lock);
    while (slot_full) pthread_cond_wait(&changed, &lock);
    slot_value = i;
    slot_full = 1;
    pthread_cond_signal(&changed);
    pthread_mutex_unlock(&lock);
  }
  pthread_join(t, NULL);
  if (sum != (long)kItems * (kItems + 1) / 2) return printf("sum %ld\n", sum), 1;
  return 0;
}

static void* twice(void* arg) { return (void*)((uintptr_t)arg * 2); }

static int join(int threads) {
  for (int round = 0; round < 50; ++round) { /* threads are made and joined again and again, as ggml does per graph */
    pthread_t t[16];
    for (int i = 0; i < threads; ++i)
      if (pthread_create(&t[i], NULL, twice, (void*)(uintptr_t)(i + round)) != 0) return printf("create failed\n"), 1;
    for (int i = 0; i < threads; ++i) {
      void* r = NULL;
      pthread_join(t[i], &r);
      if ((uintptr_t)r != (uintptr_t)(i + round) * 2)
        return printf("thread %d returned %lu\n", i, (unsigned long)(uintptr_t)r), 1;
    }
  }
  return 0;
}

static int release;
static void* wait_for_release(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  while (!release) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
  return NULL;
}

static int too_many(int workers) {
  pthread_t t[16];
  for (int i = 0; i < workers; ++i)
    if (pthread_create(&t[i], NULL, wait_for_release, NULL) != 0) return printf("create failed\n"), 1;
  pthread_t extra;
  const int r = pthread_create(&extra, NULL, wait_for_release, NULL);
  pthread_mutex_lock(&lock);
  release = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < workers; ++i) pthread_join(t[i], NULL);
  if (r != EAGAIN) return printf("pthread_create beyond the workers gave %d, not EAGAIN\n", r), 1;
  return 0;
}

static volatile int never_set;
static void* trap(void* arg) {
  (void)arg;
  fputs("about to trap\n", stderr); /* what a thread prints reaches the command's stderr */
  __builtin_trap();
}

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "";
  const int workers = rm_wasi_thread_count() - 1;
  if (workers < 1) return printf("no thread workers (RM_WASM_THREADS)\n"), 1;
  int failed;
  if (strcmp(what, "locks") == 0)
    failed = locks(workers);
  else if (strcmp(what, "handoff") == 0)
    failed = handoff();
  else if (strcmp(what, "join") == 0)
    failed = join(workers);
  else if (strcmp(what, "too-many") == 0)
    failed = too_many(workers);
  else if (strcmp(what, "trap-join") == 0 || strcmp(what, "trap-poll") == 0) {
    pthread_t t;
    if (pthread_create(&t, NULL, trap, NULL) != 0) return printf("create failed\n"), 1;
    if (strcmp(what, "trap-poll") == 0)
      while (!never_set) rm_thread_relax();
    pthread_join(t, NULL);
    return printf("still running after a thread trapped\n"), 1;
  } else {
    return printf("usage: threads_check locks|handoff|join|too-many|trap-join|trap-poll\n"), 2;
  }
  if (failed) return 1;
  printf("ok\n");
  return 0;
}
