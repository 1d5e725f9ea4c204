// The page's side of the browser runner: a typed API over the worker, with progress events.
import { pipelineArgs, pipelineRequest, resultOf, type PipelineResult, type RawRun } from "./pipeline.js";
import type { Mounts, Stage, WorkerRequest, WorkerResponse } from "./protocol.js";

export interface RunnerOptions {
  /** URL of dist/worker.js. */
  workerUrl: string | URL;
  /** URL of remotemedia.wasm. */
  moduleUrl: string | URL;
  /**
   * The Python-enabled module and the folder served as its guest /usr (holding files.json): used,
   * and fetched, only when a pipeline needs Python nodes.
   */
  python?: { moduleUrl: string | URL; usrUrl: string | URL };
}

export interface Timings {
  /** Zero when the module was already loaded. */
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

/** Runs remotemedia.wasm in a Web Worker. Emits "progress" events (CustomEvent<ProgressDetail>). */
export class RemoteMediaRunner extends EventTarget {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, (m: WorkerResponse) => void>();
  private loadTimings = { fetchMs: 0, compileMs: 0 };
  private moduleUrl: string;
  private loading: Promise<void> | null = null;
  private pythonLoading: Promise<Mounts> | null = null;
  private python?: { moduleUrl: string; usrUrl: string };
  /** How the module was loaded: null until it is. */
  loadInfo: { fetchMs: number; compileMs: number; bytes: number } | null = null;

  constructor(options: RunnerOptions) {
    super();
    this.moduleUrl = new URL(options.moduleUrl, globalThis.location?.href).href;
    if (options.python)
      this.python = {
        moduleUrl: new URL(options.python.moduleUrl, globalThis.location?.href).href,
        usrUrl: new URL(options.python.usrUrl, globalThis.location?.href).href.replace(/\/?$/, "/"),
      };
    this.worker = new Worker(options.workerUrl, { type: "module" });
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const m = event.data;
      if (m.type === "progress") {
        this.dispatchEvent(new CustomEvent<ProgressDetail>("progress", { detail: { stage: m.stage } }));
        return;
      }
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m);
    };
  }

  private request(m: DistributiveOmit<WorkerRequest, "id">): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...m, id });
    });
  }

  /**
   * Fetches and compiles the module (once; later calls cost nothing). Compilation streams on the
   * page, in parallel with the worker's own start-up, and the compiled module goes to the worker.
   */
  load(): Promise<void> {
    this.loading ??= this.fetchAndCompile();
    return this.loading;
  }

  private async fetchAndCompile(): Promise<void> {
    const t0 = performance.now();
    const { module, bytes, fetchMs } = await this.compile(this.moduleUrl, true);
    const m = await this.request({ type: "load", variant: "plain", module });
    if (m.type === "failed") throw new Error(m.message);
    const compileMs = performance.now() - t0 - fetchMs;
    this.loadTimings = { fetchMs, compileMs };
    this.loadInfo = { fetchMs, compileMs, bytes };
  }

  private async compile(url: string, report: boolean) {
    const progress = (stage: Stage) =>
      report && this.dispatchEvent(new CustomEvent<ProgressDetail>("progress", { detail: { stage } }));
    const t0 = performance.now();
    progress("fetching");
    const response = await fetch(url);
    if (!response.ok) throw new Error(`fetching ${url} failed: HTTP ${response.status}`);
    const fetchMs = performance.now() - t0;
    progress("compiling");
    const bytes = Number(response.headers.get("Content-Length") ?? 0);
    // Streaming compilation needs the application/wasm MIME type; it also lets the browser cache
    // the compiled code for the next visit.
    const module = response.headers.get("Content-Type")?.startsWith("application/wasm")
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
    return { module, bytes, fetchMs };
  }

  /** The Python-enabled module, in the worker, and the guest /usr it needs (fetched once). */
  private loadPython(): Promise<Mounts> {
    this.pythonLoading ??= (async () => {
      const python = this.python!;
      const listing = (await (await fetch(new URL("files.json", python.usrUrl))).json()) as string[];
      const [{ module }, ...files] = await Promise.all([
        this.compile(python.moduleUrl, false),
        ...listing.map(async (path) => {
          const r = await fetch(new URL(path, python.usrUrl));
          if (!r.ok) throw new Error(`fetching ${path} failed: HTTP ${r.status}`);
          return [path, new Uint8Array(await r.arrayBuffer())] as const;
        }),
      ]);
      const m = await this.request({ type: "load", variant: "python", module });
      if (m.type === "failed") throw new Error(m.message);
      return { "/usr": Object.fromEntries(files) };
    })();
    return this.pythonLoading;
  }

  /**
   * Runs the CLI with `args`, as `remotemedia ARGS` would natively; `mounts` are in-memory folders
   * by guest path, `env` the environment ($PWD: the guest's working folder, if mounted).
   * As tools/remotemedia-wasi does, a pipeline that needs Python nodes runs in the Python-enabled
   * module: the plain one stops before running anything when it meets node types it lacks.
   */
  async exec(args: string[], stdin = "", mounts: Mounts = {}, env: Record<string, string> = {}): Promise<RawRun & { timings: Timings }> {
    await this.load();
    const timings = { ...this.loadTimings, runMs: 0 };
    this.loadTimings = { fetchMs: 0, compileMs: 0 };
    let m = await this.request({ type: "exec", variant: "plain", args, stdin, mounts, env });
    if (this.python && m.type === "exited" && m.exitCode === 3 && /unknown node type|has no Python support/.test(m.stderr)) {
      const usr = await this.loadPython();
      m = await this.request({ type: "exec", variant: "python", args, stdin, mounts: { ...mounts, ...usr }, env });
    }
    if (m.type === "failed") throw new Error(m.message);
    if (m.type !== "exited") throw new Error(`unexpected worker reply ${m.type}`);
    timings.runMs = m.runMs;
    return { exitCode: m.exitCode, stdout: m.stdout, stderr: m.stderr, timings };
  }

  /** Runs a pipeline. Rejects with a RemoteMediaError carrying the runtime's error object. */
  async run(manifest: object | string, inputs: unknown[] | string, mounts: Mounts = {}): Promise<RunOutcome> {
    const raw = await this.exec(pipelineArgs(), pipelineRequest(manifest, inputs), mounts);
    return { result: resultOf(raw), stdout: raw.stdout, timings: raw.timings };
  }

  terminate(): void {
    this.worker.terminate();
  }
}
