// Threads for the threads build of the module (preset wasi-python-threads), in the browser and in
// Node alike. The module speaks the wasi-threads ABI: it imports its memory (shared) and
// `wasi.thread-spawn`, and exports `wasi_thread_start`. Each thread is a worker (Web Worker or
// Node worker_thread) holding its own instance of the same module over the same memory.
//
// The workers are started, and have instantiated the module, before the command starts: the
// command's thread is blocked inside the wasm while ggml starts threads, so a worker that still
// needed its parent's event loop to start would never come. `thread-spawn` only hands a start
// argument to an idle worker through a shared control array (Atomics), which needs no event loop.
import { ConsoleStdout, File, OpenFile, WASI } from "@bjorn3/browser_wasi_shim";

/** What the module says about itself in its "remotemedia.threads" custom section (cmake/wasi-threads.cmake). */
export interface ThreadsInfo {
  memory: { initial: number; maximum: number };
}

/** The threads build's requirements, or null for a module without threads. */
export function threadsInfo(module: WebAssembly.Module): ThreadsInfo | null {
  const sections = WebAssembly.Module.customSections(module, "remotemedia.threads");
  if (sections.length === 0) return null;
  return JSON.parse(new TextDecoder().decode(sections[0])) as ThreadsInfo;
}

/** A worker as both hosts have it: a Web Worker, or a Node worker_thread. */
export interface ThreadWorker {
  postMessage(message: ThreadInit): void;
  onMessage(listener: (message: ThreadReply) => void): void;
  terminate(): void;
}

/** Threads to run by default on this many cores: all of them, at most 4 (as WhisperNode natively). */
export function defaultThreads(cores: number): number {
  return Math.max(1, Math.min(4, cores || 1));
}

/** How the host starts thread workers, and how many. */
export interface ThreadHost {
  /** Workers to start: the command then has this many threads besides its own. */
  workers: number;
  spawn: () => ThreadWorker;
}

export interface ThreadInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** What the threads print (ggml's messages before an abort, traps), read once the command ends. */
  log: SharedArrayBuffer;
  slot: number;
}

export type ThreadReply = { ready: true } | { ready: false; error: string };

// The control array: [0] the last thread id, [1] a count of slots freed (waited on by a spawn
// that found no idle worker), [2] bytes written to the log, then per worker: state (IDLE,
// CLAIMED, RUNNING), thread id, start arg.
const LAST_TID = 0;
const FREED = 1;
const LOG_USED = 2;
const SLOTS = 3;
const LOG_BYTES = 1 << 16;
const IDLE = 0;
const CLAIMED = 1;
const RUNNING = 2;
const slotBase = (slot: number) => SLOTS + 3 * slot;
const EAGAIN = 6;
// A thread that returned from the wasm frees its worker a moment after pthread_join saw it end, so
// a spawn right after a join may find every worker still busy: it waits this long for one.
const SPAWN_WAIT_MS = 5000;

/**
 * `wasi.thread-spawn`: gives the start argument to an idle worker and returns the new thread's id,
 * or -EAGAIN when no worker became idle in time.
 */
function spawnThread(control: Int32Array, workers: number, startArg: number): number {
  const deadline = Date.now() + SPAWN_WAIT_MS;
  for (;;) {
    const freed = Atomics.load(control, FREED);
    for (let slot = 0; slot < workers; ++slot) {
      const s = slotBase(slot);
      if (Atomics.compareExchange(control, s, IDLE, CLAIMED) !== IDLE) continue;
      const tid = Atomics.add(control, LAST_TID, 1) + 1;
      Atomics.store(control, s + 1, tid);
      Atomics.store(control, s + 2, startArg);
      Atomics.store(control, s, RUNNING);
      Atomics.notify(control, s);
      return tid;
    }
    const left = deadline - Date.now();
    if (workers === 0 || left <= 0) return -EAGAIN;
    Atomics.wait(control, FREED, freed, left);
  }
}

/** The threads of one command: the shared memory, the import the module needs, and the workers. */
export class Threads {
  private constructor(
    readonly memory: WebAssembly.Memory,
    private readonly control: Int32Array,
    private readonly log: SharedArrayBuffer,
    private readonly workers: ThreadWorker[],
  ) {}

  /** What the threads printed: the host's threads are busy in the wasm, so it is read afterwards. */
  output(): Uint8Array {
    const used = Math.min(Atomics.load(this.control, LOG_USED), LOG_BYTES);
    return new Uint8Array(this.log, 0, used).slice();
  }

  /** How many threads may run at once, the command's own included. */
  get count(): number {
    return this.workers.length + 1;
  }

  /** The `wasi` import module. */
  get imports(): WebAssembly.ModuleImports {
    return { "thread-spawn": (arg: number) => spawnThread(this.control, this.workers.length, arg) };
  }

  /** Creates the memory and starts the workers; resolves once every worker holds an instance. */
  static async start(module: WebAssembly.Module, info: ThreadsInfo, host: ThreadHost | undefined): Promise<Threads> {
    if (typeof SharedArrayBuffer === "undefined")
      throw new Error("this module needs shared memory (in a browser: a cross-origin isolated page)");
    const memory = new WebAssembly.Memory({ initial: info.memory.initial, maximum: info.memory.maximum, shared: true });
    const count = host ? Math.max(0, host.workers) : 0;
    const controlBuffer = new SharedArrayBuffer(4 * slotBase(count));
    const log = new SharedArrayBuffer(LOG_BYTES);
    const workers: ThreadWorker[] = [];
    const threads = new Threads(memory, new Int32Array(controlBuffer), log, workers);
    try {
      await Promise.all(
        Array.from({ length: count }, (_, slot) => {
          const worker = host!.spawn();
          workers.push(worker);
          return new Promise<void>((resolve, reject) => {
            worker.onMessage((m) => (m.ready ? resolve() : reject(new Error(`thread worker: ${m.error}`))));
            worker.postMessage({ module, memory, control: controlBuffer, log, slot });
          });
        }),
      );
    } catch (e) {
      threads.stop();
      throw e;
    }
    return threads;
  }

  stop(): void {
    for (const w of this.workers) w.terminate();
  }
}

/** Appends to the shared log (what does not fit is dropped). */
function logWrite(control: Int32Array, log: SharedArrayBuffer, bytes: Uint8Array): void {
  const at = Atomics.add(control, LOG_USED, bytes.length);
  if (at < LOG_BYTES) new Uint8Array(log).set(bytes.subarray(0, LOG_BYTES - at), at);
}

/**
 * A thread worker's whole life: instantiate the module, say so, then run each thread handed to it
 * until the host terminates the worker. Shared by the Web Worker and Node entries.
 */
export async function serveThreads(init: ThreadInit, reply: (m: ThreadReply) => void): Promise<void> {
  const control = new Int32Array(init.control);
  const write = (bytes: Uint8Array) => logWrite(control, init.log, bytes);
  const workers = (init.control.byteLength / 4 - SLOTS) / 3;
  // The same WASI host as the command's thread, with only stdout and stderr (to the log): threads
  // only compute, and print before an abort at most.
  const stdin = new OpenFile(new File(new Uint8Array(0), { readonly: true }));
  const wasi = new WASI([], [], [stdin, new ConsoleStdout(write), new ConsoleStdout(write)], { debug: false });
  let exports: WebAssembly.Exports;
  try {
    const instance = await WebAssembly.instantiate(init.module, {
      env: { memory: init.memory },
      wasi: { "thread-spawn": (arg: number) => spawnThread(control, workers, arg) },
      wasi_snapshot_preview1: wasi.wasiImport,
    });
    wasi.initialize(instance as unknown as Parameters<WASI["initialize"]>[0]); // no _initialize: this only binds the instance
    exports = instance.exports;
  } catch (e) {
    reply({ ready: false, error: e instanceof Error ? e.message : String(e) });
    return;
  }
  reply({ ready: true });
  const start = exports.wasi_thread_start as (tid: number, arg: number) => void;
  const trapped = exports.rm_thread_trapped as (arg: number) => void;
  const s = slotBase(init.slot);
  for (;;) {
    for (let state = Atomics.load(control, s); state !== RUNNING; state = Atomics.load(control, s))
      Atomics.wait(control, s, state);
    const tid = Atomics.load(control, s + 1);
    const arg = Atomics.load(control, s + 2);
    try {
      start(tid, arg);
    } catch (e) {
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      write(new TextEncoder().encode(`remotemedia: thread ${tid} trapped: ${message}\n`));
      try {
        trapped(arg); // the threads waiting for this one stop too
      } catch {
        // nothing more to do for it; the worker stays usable
      }
    }
    Atomics.store(control, s, IDLE);
    Atomics.notify(control, s);
    Atomics.add(control, FREED, 1);
    Atomics.notify(control, FREED);
  }
}
