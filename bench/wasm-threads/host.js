// The WASI imports a thread of wasm_threads_poc.wasm sees: enough for libc's start-up and error
// output on the first thread; the other threads only compute. Shared by Node and the browser.
export function imports(memory, writeErr) {
  const view = () => new DataView(memory.buffer);  // the buffer changes when memory grows
  return {
    env: { memory },
    wasi_snapshot_preview1: {
      environ_get: () => 0,
      environ_sizes_get: (count, size) => (view().setUint32(count, 0, true), view().setUint32(size, 0, true), 0),
      clock_time_get: (id, precision, out) => (view().setBigUint64(out, BigInt(Math.round(performance.now() * 1e6)), true), 0),
      fd_close: () => 0,
      fd_fdstat_get: () => 8,  // EBADF
      fd_seek: () => 8,
      fd_write: (fd, iovs, n, written) => {
        let total = 0;
        for (let i = 0; i < n; ++i) {
          const p = view().getUint32(iovs + 8 * i, true), len = view().getUint32(iovs + 8 * i + 4, true);
          writeErr(new Uint8Array(memory.buffer, p, len).slice());
          total += len;
        }
        view().setUint32(written, total, true);
        return 0;
      },
      proc_exit: (code) => { throw new Error(`proc_exit(${code})`); },
    },
  };
}

// The first thread: libc initialised, its own TLS block, the operands made; then a stack and a
// TLS block for each further thread, allocated here because only this thread may call malloc.
export async function firstThread(module, memory, threads, shape, writeErr) {
  const { exports: x } = await WebAssembly.instantiate(module, imports(memory, writeErr));
  x._initialize();
  const tls = () => x.alloc(x.__tls_size.value + x.__tls_align.value);
  x.__wasm_init_tls(tls());
  x.setup(...shape);
  const others = [];
  for (let t = 1; t < threads; ++t) others.push({ stack: x.alloc(1 << 20) + (1 << 20), tls: tls() });
  return { x, others };
}

// A further thread: the same module over the same memory, with its own stack and TLS.
export async function otherThread(module, memory, { stack, tls }, writeErr) {
  const { exports: x } = await WebAssembly.instantiate(module, imports(memory, writeErr));
  x.set_stack_pointer(stack);
  x.__wasm_init_tls(tls);
  return x;
}
