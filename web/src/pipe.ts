// A one-way byte pipe over a SharedArrayBuffer, for a session's stdin: the page (or Node's main
// thread) writes without blocking its event loop, and the worker that runs the WASI command reads
// synchronously, as fd_read must, sleeping in Atomics.wait until bytes come. The ring holds
// `capacity` bytes: a writer that finds it full waits for the reader (backpressure).

const READ = 0; // bytes read so far (wrapping int32)
const WRITE = 1; // bytes written so far (wrapping int32)
const CLOSED = 2; // 1 once the writer closed: the reader sees end of input after the last byte
const HEADER_BYTES = 16;

/** The shared memory of a pipe of `capacity` bytes (a power of two). */
export function createPipe(capacity = 1 << 20): SharedArrayBuffer {
  if (capacity <= 0 || (capacity & (capacity - 1)) !== 0) throw new Error("the pipe's capacity must be a power of two");
  if (typeof SharedArrayBuffer === "undefined")
    throw new Error(
      "sessions need SharedArrayBuffer: serve the page cross-origin isolated " +
        "(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp; tools/serve does)",
    );
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

function views(buffer: SharedArrayBuffer) {
  return { header: new Int32Array(buffer, 0, 3), data: new Uint8Array(buffer, HEADER_BYTES) };
}

export class PipeWriter {
  private header: Int32Array;
  private data: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    ({ header: this.header, data: this.data } = views(buffer));
  }

  /** Writes all of `bytes`, waiting (asynchronously) while the pipe is full. */
  async write(bytes: Uint8Array): Promise<void> {
    const h = this.header;
    const cap = this.data.length;
    let off = 0;
    while (off < bytes.length) {
      if (Atomics.load(h, CLOSED)) throw new Error("write() after close()");
      const r = Atomics.load(h, READ);
      const w = Atomics.load(h, WRITE);
      const free = cap - ((w - r) | 0);
      if (free === 0) {
        await waitForChange(h, READ, r);
        continue;
      }
      const n = Math.min(free, bytes.length - off);
      const at = (w >>> 0) & (cap - 1);
      const first = Math.min(n, cap - at);
      this.data.set(bytes.subarray(off, off + first), at);
      if (n > first) this.data.set(bytes.subarray(off + first, off + n), 0);
      Atomics.store(h, WRITE, (w + n) | 0);
      Atomics.notify(h, WRITE);
      off += n;
    }
  }

  /** End of input: the reader gets what is left, then an empty read. */
  close(): void {
    Atomics.store(this.header, CLOSED, 1);
    Atomics.notify(this.header, WRITE);
  }
}

export class PipeReader {
  private header: Int32Array;
  private data: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    ({ header: this.header, data: this.data } = views(buffer));
  }

  /** Up to `max` bytes; blocks until there are some; empty at end of input. */
  read(max: number): Uint8Array {
    const h = this.header;
    const cap = this.data.length;
    for (;;) {
      const r = Atomics.load(h, READ);
      const w = Atomics.load(h, WRITE);
      const used = (w - r) | 0;
      if (used > 0 && max > 0) {
        const n = Math.min(used, max);
        const at = (r >>> 0) & (cap - 1);
        const out = new Uint8Array(n);
        const first = Math.min(n, cap - at);
        out.set(this.data.subarray(at, at + first));
        if (n > first) out.set(this.data.subarray(0, n - first), first);
        Atomics.store(h, READ, (r + n) | 0);
        Atomics.notify(h, READ);
        return out;
      }
      if (Atomics.load(h, CLOSED)) return new Uint8Array(0);
      // A close() between the checks above and this wait notifies before it: the timeout rechecks.
      Atomics.wait(h, WRITE, w, 100);
    }
  }
}

/** Resolves once h[index] may differ from `value` (Atomics.waitAsync where there is one). */
async function waitForChange(h: Int32Array, index: number, value: number): Promise<void> {
  const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;
  if (waitAsync) {
    const r = waitAsync(h, index, value, 200);
    if (r.async) await r.value;
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
