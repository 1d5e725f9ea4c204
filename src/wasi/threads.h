/* Threads inside the wasm (preset wasi-python-threads): POSIX threads over the wasi-threads ABI.
 * The host runs each thread as a worker (Web Worker, Node worker_thread) that instantiates the same
 * module over the same shared memory; see threads.c and web/src/threads.ts. */
#ifndef RM_WASI_THREADS_H
#define RM_WASI_THREADS_H
#ifdef __cplusplus
extern "C" {
#endif

/* How many threads may compute at once: 1 + the host's idle workers, as the host announces it in
 * RM_WASM_THREADS (1 when it is absent). */
int rm_wasi_thread_count(void);

/* Called by ggml's polling loops: stops the module if another thread trapped, so that nothing
 * waits forever for a thread that is gone. */
void rm_thread_relax(void);

#ifdef __cplusplus
}
#endif
#endif
