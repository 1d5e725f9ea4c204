// Web Worker side of the browser runner: fetches and compiles the module once, then runs the
// command in the worker so the page never freezes.
import { runCommandCaptured } from "./host.js";
import { memoryPreopen } from "./memfs.js";
import type { Mounts, WorkerRequest, WorkerResponse } from "./protocol.js";

let module: WebAssembly.Module | null = null;
let moduleUrl = "";

const post = (m: WorkerResponse) => (self as unknown as Worker).postMessage(m);

async function load(id: number, url: string): Promise<void> {
  if (module && url === moduleUrl) {
    post({ id, type: "loaded", fetchMs: 0, compileMs: 0, bytes: 0, cached: true });
    return;
  }
  const t0 = performance.now();
  post({ id, type: "progress", stage: "fetching" });
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url} failed: HTTP ${response.status}`);
  const t1 = performance.now();
  post({ id, type: "progress", stage: "compiling" });
  // Streaming compilation overlaps download and compile, and lets the browser cache the
  // compiled code for the next page load; it needs the application/wasm MIME type.
  const bytes = Number(response.headers.get("Content-Length") ?? 0);
  module = response.headers.get("Content-Type")?.startsWith("application/wasm")
    ? await WebAssembly.compileStreaming(response)
    : await WebAssembly.compile(await response.arrayBuffer());
  moduleUrl = url;
  post({ id, type: "loaded", fetchMs: t1 - t0, compileMs: performance.now() - t1, bytes, cached: false });
}

async function exec(id: number, args: string[], stdin: string, mounts: Mounts): Promise<void> {
  if (!module) throw new Error("the module is not loaded");
  post({ id, type: "progress", stage: "running" });
  const preopens = Object.entries(mounts).map(([guest, tree]) => memoryPreopen(guest, tree));
  const t0 = performance.now();
  const raw = await runCommandCaptured(module, { args, stdin: new TextEncoder().encode(stdin), preopens });
  post({ id, type: "exited", ...raw, runMs: performance.now() - t0 });
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const m = event.data;
  try {
    if (m.type === "load") await load(m.id, m.url);
    else await exec(m.id, m.args, m.stdin, m.mounts);
  } catch (e) {
    post({ id: m.id, type: "failed", message: e instanceof Error ? e.message : String(e) });
  }
};
