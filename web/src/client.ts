// The page's side of the browser runner: a typed API over the worker, with progress events.
import type { FileTree } from "./memfs.js";
import { RemoteMediaError, type PipelineResult } from "./pipeline.js";
import type { Stage, WorkerRequest, WorkerResponse } from "./protocol.js";

export interface RunnerOptions {
  /** URL of dist/worker.js. */
  workerUrl: string | URL;
  /** URL of remotemedia.wasm. */
  moduleUrl: string | URL;
}

export interface Timings {
  fetchMs: number;
  compileMs: number;
  runMs: number;
}

export interface RunOutcome {
  result: PipelineResult;
  /** The exact JSON text the module printed (numbers keep their spelling). */
  stdout: string;
  timings: Timings;
}

export interface ProgressDetail {
  stage: Stage;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
type Pending = { resolve: (m: WorkerResponse) => void };

export class RemoteMediaRunner extends EventTarget {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private loadTimings = { fetchMs: 0, compileMs: 0 };
  private moduleUrl: string;
  moduleBytes = 0;

  constructor(options: RunnerOptions) {
    super();
    this.moduleUrl = new URL(options.moduleUrl, globalThis.location?.href).href;
    this.worker = new Worker(options.workerUrl, { type: "module" });
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const m = event.data;
      if (m.type === "progress") {
        this.dispatchEvent(new CustomEvent<ProgressDetail>("progress", { detail: { stage: m.stage } }));
        return;
      }
      const p = this.pending.get(m.id);
      if (p) {
        this.pending.delete(m.id);
        p.resolve(m);
      }
    };
  }

  private request(m: DistributiveOmit<WorkerRequest, "id">): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ ...m, id } as WorkerRequest);
    });
  }

  /** Fetches and compiles the module (once; later calls are free). */
  async load(): Promise<void> {
    const m = await this.request({ type: "load", url: this.moduleUrl });
    if (m.type === "failed") throw new RemoteMediaError(m.error, m.exitCode);
    if (m.type === "loaded" && !m.cached) {
      this.loadTimings = { fetchMs: m.fetchMs, compileMs: m.compileMs };
      this.moduleBytes = m.bytes;
    }
  }

  /** Runs a pipeline. Rejects with a RemoteMediaError carrying the runtime's error object. */
  async run(manifest: object | string, inputs: unknown[] | string, files?: Record<string, FileTree>): Promise<RunOutcome> {
    await this.load();
    const timings = { ...this.loadTimings, runMs: 0 };
    this.loadTimings = { fetchMs: 0, compileMs: 0 };
    const m = await this.request({ type: "run", manifest, inputs, files });
    if (m.type === "failed") throw new RemoteMediaError(m.error, m.exitCode);
    if (m.type !== "result") throw new Error(`unexpected worker reply ${m.type}`);
    timings.runMs = m.runMs;
    return { result: JSON.parse(m.stdout) as PipelineResult, stdout: m.stdout, timings };
  }

  terminate(): void {
    this.worker.terminate();
  }
}
