// Web Worker side of the browser runner: fetches and compiles the module once, then runs
// pipelines in the worker so the page never freezes.
import { memoryPreopen, type FileTree } from "./memfs.js";
import { parseError, runPipelineRaw } from "./pipeline.js";
import type { WorkerRequest, WorkerResponse } from "./protocol.js";

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
  const bytes = await response.arrayBuffer();
  const t1 = performance.now();
  post({ id, type: "progress", stage: "compiling" });
  module = await WebAssembly.compile(bytes);
  moduleUrl = url;
  post({ id, type: "loaded", fetchMs: t1 - t0, compileMs: performance.now() - t1, bytes: bytes.byteLength, cached: false });
}

async function run(id: number, manifest: object | string, inputs: unknown[] | string, files: Record<string, FileTree>) {
  if (!module) throw new Error("the module is not loaded");
  post({ id, type: "progress", stage: "running" });
  const preopens = Object.entries(files).map(([guest, tree]) => memoryPreopen(guest, tree));
  const t0 = performance.now();
  const raw = await runPipelineRaw(module, manifest, inputs, { preopens });
  const runMs = performance.now() - t0;
  if (raw.exitCode !== 0) {
    const e = parseError(raw);
    post({ id, type: "failed", error: e.error, exitCode: e.exitCode, stderr: raw.stderr, runMs });
  } else {
    post({ id, type: "result", stdout: raw.stdout, stderr: raw.stderr, runMs });
  }
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const m = event.data;
  try {
    if (m.type === "load") await load(m.id, m.url);
    else await run(m.id, m.manifest, m.inputs, m.files ?? {});
  } catch (e) {
    post({ id: m.id, type: "failed", exitCode: -1, stderr: "", runMs: 0,
      error: { type: "internal_error", code: "runner_error", message: e instanceof Error ? e.message : String(e) } });
  }
};
