// Web Worker side of the browser runner: runs the command in the worker so the page never freezes.
import { runCommandCaptured } from "./host.js";
import { memoryPreopen } from "./memfs.js";
import { PipeReader } from "./pipe.js";
import type { Mounts, Variant, WorkerRequest, WorkerResponse } from "./protocol.js";
import { defaultThreads, type ThreadHost } from "./threads.js";

// The page compiles the modules (streaming, while this worker starts) and sends them here.
const modules: Partial<Record<Variant, WebAssembly.Module>> = {};

const post = (m: WorkerResponse) => (self as unknown as Worker).postMessage(m);

// Thread workers for a module of the threads build (defaultThreads of the cores), each a nested
// Web Worker (the module needs a cross-origin isolated page).
const threads: ThreadHost = {
  workers: defaultThreads(navigator.hardwareConcurrency) - 1,
  spawn: () => {
    const worker = new Worker(new URL("./thread-worker.js", import.meta.url), { type: "module" });
    return {
      postMessage: (m) => worker.postMessage(m),
      onMessage: (listener) => {
        worker.onmessage = (e) => listener(e.data);
        worker.onerror = (e) => listener({ ready: false, error: e.message || "the thread worker failed to start" });
      },
      terminate: () => worker.terminate(),
    };
  },
};

async function exec(id: number, variant: Variant, args: string[], stdin: string, mounts: Mounts, env: Record<string, string>) {
  const module = modules[variant];
  if (!module) throw new Error(`the ${variant} module is not loaded`);
  post({ id, type: "progress", stage: "running" });
  // The guest's /usr (the Python stdlib, the remotemedia package) is read-only, as under Node and Wasmtime.
  const preopens = Object.entries(mounts).map(([guest, tree]) => memoryPreopen(guest, tree, { readonly: guest === "/usr" }));
  const t0 = performance.now();
  const raw = await runCommandCaptured(module, { args, env, stdin: new TextEncoder().encode(stdin), preopens, threads });
  post({ id, type: "exited", ...raw, runMs: performance.now() - t0 });
}

// A session: the command runs until the page closes the pipe, reading each item as it comes and
// posting each output as it is printed. It keeps this worker (a session's own) busy meanwhile.
async function session(id: number, variant: Variant, args: string[], input: SharedArrayBuffer, mounts: Mounts, env: Record<string, string>) {
  const module = modules[variant];
  if (!module) throw new Error(`the ${variant} module is not loaded`);
  const preopens = Object.entries(mounts).map(([guest, tree]) => memoryPreopen(guest, tree, { readonly: guest === "/usr" }));
  const pipe = new PipeReader(input);
  let opened = false;
  const stdin = {
    read: (max: number) => {
      if (!opened) post({ id, type: "opened" });
      opened = true;
      return pipe.read(max);
    },
  };
  const decoder = new TextDecoder();
  const onStdout = (bytes: Uint8Array) => post({ id, type: "output", text: decoder.decode(bytes, { stream: true }) });
  const t0 = performance.now();
  const raw = await runCommandCaptured(module, { args, env, stdin, preopens, threads, onStdout });
  post({ id, type: "exited", ...raw, runMs: performance.now() - t0 });
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const m = event.data;
  try {
    if (m.type === "load") {
      modules[m.variant] = m.module;
      post({ id: m.id, type: "loaded" });
    } else if (m.type === "session") {
      await session(m.id, m.variant, m.args, m.input, m.mounts, m.env);
    } else {
      await exec(m.id, m.variant, m.args, m.stdin, m.mounts, m.env);
    }
  } catch (e) {
    post({ id: m.id, type: "failed", message: e instanceof Error ? e.message : String(e) });
  }
};
