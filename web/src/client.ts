// The page's side of the browser runner: a typed API over the worker, with progress events.
import { parseError, pipelineArgs, pipelineRequest, resultOf, RemoteMediaError, type PipelineResult, type RawRun } from "./pipeline.js";
import { createPipe, PipeWriter } from "./pipe.js";
import { checkTrust, openPackage, packageMounts, type RmPackage } from "./package.js";
import type { Mounts, Stage, Variant, WorkerRequest, WorkerResponse } from "./protocol.js";
import type { FileTree } from "./memfs.js";
import { hasRelaxedSimd } from "./features.js";
import { download, type DownloadProgress } from "./download.js";
import { defaultThreads } from "./threads.js";

export interface RunnerOptions {
  /** URL of dist/worker.js. */
  workerUrl: string | URL;
  /** URL of remotemedia.wasm. */
  moduleUrl: string | URL;
  /**
   * The Python-enabled module and the folder served as its guest /usr (holding files.json): used,
   * and fetched, only when a pipeline needs Python nodes.
   */
  python?: {
    moduleUrl: string | URL;
    usrUrl: string | URL;
    /** The relaxed-SIMD build: used where the browser has relaxed SIMD. */
    relaxedModuleUrl?: string | URL;
    /** The relaxed-SIMD build with threads: used where, besides, the page is cross-origin isolated. */
    threadsModuleUrl?: string | URL;
  };
  /** Signers whose packages run (minisign .pub texts or their base64 line). */
  trustedKeys?: string[];
  /**
   * A Cache API cache name: the Python-enabled module and its stdlib are kept there, so that a
   * reload does not download them again (download.ts). Without it the HTTP cache applies.
   */
  cache?: string;
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

export interface SessionOptions {
  /** More in-memory folders by guest path (models, say); the manifest itself is /session/manifest.json. */
  mounts?: Mounts;
  env?: Record<string, string>;
  /** Bytes of items the pipe holds before push() waits (a power of two; default 1 MiB). */
  capacity?: number;
}

/**
 * An open pipeline in its own worker (its own wasm instance): the nodes opened once, items pushed
 * one by one, each output handed to onOutput as soon as the module prints it. It is the CLI's
 * `run MANIFEST --stream` reading its stdin from a shared pipe (pipe.ts).
 */
export class RemoteMediaSession {
  private listeners: ((output: unknown, line: string) => void)[] = [];
  private partial = "";
  private ended: RemoteMediaError | null = null;
  private encoder = new TextEncoder();

  /** @internal Made by RemoteMediaRunner.openSession. */
  constructor(
    private worker: Worker,
    private writer: PipeWriter,
    /** Resolves with how the command ended. */
    readonly finished: Promise<RawRun & { runMs: number }>,
  ) {
    finished.then((raw) => {
      if (raw.exitCode !== 0) this.ended = parseError(raw);
    });
  }

  /** Calls `listener` with each output (parsed) and its JSON line, in order. */
  onOutput(listener: (output: unknown, line: string) => void): void {
    this.listeners.push(listener);
  }

  /** @internal The module's stdout, as it comes. */
  feed(text: string): void {
    this.partial += text;
    const lines = this.partial.split("\n");
    this.partial = lines.pop()!;
    for (const line of lines) {
      if (!line) continue;
      const output = JSON.parse(line) as unknown;
      for (const l of this.listeners) l(output, line);
    }
  }

  /**
   * Pushes one input item (a JSON value, or the audio form of docs/data.md). Resolves once the item
   * is in the pipe; waits while the pipe is full (backpressure). Rejects with the session's
   * RemoteMediaError once it has ended on an error.
   */
  push(item: unknown): Promise<void> {
    return this.pushJson(JSON.stringify(item));
  }

  /** pushJson: the item as JSON text (numbers keep their spelling); one line. */
  async pushJson(text: string): Promise<void> {
    if (this.ended) throw this.ended;
    if (text.includes("\n")) throw new Error("an item's JSON text must be one line");
    await this.writer.write(this.encoder.encode(text + "\n"));
  }

  /**
   * End of input: the nodes flush (their last outputs reach onOutput), close, and the worker ends.
   * Rejects with a RemoteMediaError when a node failed (the outputs before it were delivered).
   */
  async close(): Promise<void> {
    this.writer.close();
    const raw = await this.finished;
    this.worker.terminate();
    if (raw.exitCode !== 0) throw parseError(raw);
  }

  /** Ends the session at once, without flushing. */
  terminate(): void {
    this.worker.terminate();
  }
}

export interface ProgressDetail {
  stage: Stage;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** The worker's answer to an exec: how the command ended, or the worker's own failure as an Error. */
function exited(m: WorkerResponse): RawRun & { runMs: number } {
  if (m.type === "failed") throw new Error(m.message);
  if (m.type !== "exited") throw new Error(`unexpected worker reply ${m.type}`);
  return { exitCode: m.exitCode, stdout: m.stdout, stderr: m.stderr, runMs: m.runMs };
}

/** Which Python-enabled build a runner uses, and how many threads Whisper gets in it. */
export interface PythonBuild {
  build: "threads" | "relaxed-simd" | "simd128";
  /** The command's own thread plus the thread workers (1 unless the threads build). */
  threads: number;
}

/**
 * The best Python-enabled build this browser runs: with threads where shared memory is allowed (a
 * cross-origin isolated page) and relaxed SIMD is there, else relaxed SIMD (fused multiply-add),
 * else plain SIMD128.
 */
function pickPythonModule(python: NonNullable<RunnerOptions["python"]>): { url: string | URL } & PythonBuild {
  if (!hasRelaxedSimd()) return { url: python.moduleUrl, build: "simd128", threads: 1 };
  if (python.threadsModuleUrl && globalThis.crossOriginIsolated)
    // worker.ts starts defaultThreads - 1 thread workers besides the command's own thread.
    return { url: python.threadsModuleUrl, build: "threads", threads: defaultThreads(navigator.hardwareConcurrency) };
  if (python.relaxedModuleUrl) return { url: python.relaxedModuleUrl, build: "relaxed-simd", threads: 1 };
  return { url: python.moduleUrl, build: "simd128", threads: 1 };
}

/**
 * Runs remotemedia.wasm in a Web Worker. Emits "progress" events (CustomEvent<ProgressDetail>) and,
 * for each large download (the Python-enabled module, its stdlib), "download" events
 * (CustomEvent<DownloadProgress>) as the bytes come.
 */
export class RemoteMediaRunner extends EventTarget {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, (m: WorkerResponse) => void>();
  private loadTimings = { fetchMs: 0, compileMs: 0 };
  private moduleUrl: string;
  private loading: Promise<void> | null = null;
  private pythonLoading: Promise<Mounts> | null = null;
  private python?: { moduleUrl: string; usrUrl: string } & PythonBuild;
  private trustedKeys: string[];
  private cacheName?: string;
  private packageModules = new Set<Variant>();
  private workerUrl: string | URL;
  /** The compiled modules, for the workers of sessions. */
  private compiled: Partial<Record<Variant, WebAssembly.Module>> = {};
  /** The Python-enabled build this browser gets (threads, relaxed SIMD or plain; see pickPythonModule). */
  get pythonModuleUrl(): string | undefined {
    return this.python?.moduleUrl;
  }
  /** The Python-enabled build this browser gets and Whisper's threads in it (undefined without python). */
  get pythonBuild(): PythonBuild | undefined {
    return this.python && { build: this.python.build, threads: this.python.threads };
  }
  /** How the module was loaded: null until it is. */
  loadInfo: { fetchMs: number; compileMs: number; bytes: number } | null = null;

  constructor(options: RunnerOptions) {
    super();
    this.trustedKeys = options.trustedKeys ?? [];
    this.cacheName = options.cache;
    this.moduleUrl = new URL(options.moduleUrl, globalThis.location?.href).href;
    if (options.python) {
      const { url, build, threads } = pickPythonModule(options.python);
      this.python = {
        moduleUrl: new URL(url, globalThis.location?.href).href,
        usrUrl: new URL(options.python.usrUrl, globalThis.location?.href).href.replace(/\/?$/, "/"),
        build,
        threads,
      };
    }
    this.workerUrl = options.workerUrl;
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
    const { module, bytes, fetchMs } = await this.compile(this.moduleUrl);
    this.compiled.plain = module;
    const m = await this.request({ type: "load", variant: "plain", module });
    if (m.type === "failed") throw new Error(m.message);
    const compileMs = performance.now() - t0 - fetchMs;
    this.loadTimings = { fetchMs, compileMs };
    this.loadInfo = { fetchMs, compileMs, bytes };
  }

  /** The core module, compiled as it streams in (it is small: no download events, the HTTP cache). */
  private async compile(url: string) {
    const progress = (stage: Stage) =>
      this.dispatchEvent(new CustomEvent<ProgressDetail>("progress", { detail: { stage } }));
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

  /** A large file, with "download" events and the runner's cache. */
  private download(url: string): Promise<Uint8Array> {
    return download(url, {
      cache: this.cacheName,
      onProgress: (p) => this.dispatchEvent(new CustomEvent<DownloadProgress>("download", { detail: p })),
    });
  }

  /** The Python-enabled module, in the worker, and the guest /usr it needs (fetched once). */
  private loadPython(): Promise<Mounts> {
    this.pythonLoading ??= (async () => {
      const python = this.python!;
      const listing = (await (await fetch(new URL("files.json", python.usrUrl))).json()) as string[];
      const [module, ...files] = await Promise.all([
        this.download(python.moduleUrl).then((bytes) => WebAssembly.compile(bytes as unknown as BufferSource)),
        ...listing.map(async (path) => [path, await this.download(new URL(path, python.usrUrl).href)] as const),
      ]);
      this.compiled.python = module;
      const m = await this.request({ type: "load", variant: "python", module });
      if (m.type === "failed") throw new Error(m.message);
      return { "/usr": Object.fromEntries(files) };
    })();
    // A failed load (the network, say) is tried again by the next run.
    this.pythonLoading.catch(() => (this.pythonLoading = null));
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
    const { runMs, ...raw } = exited(m);
    timings.runMs = runMs;
    return { ...raw, timings };
  }

  /** Runs a pipeline. Rejects with a RemoteMediaError carrying the runtime's error object. */
  async run(manifest: object | string, inputs: unknown[] | string, mounts: Mounts = {}): Promise<RunOutcome> {
    const raw = await this.exec(pipelineArgs(), pipelineRequest(manifest, inputs), mounts);
    return { result: resultOf(raw), stdout: raw.stdout, timings: raw.timings };
  }

  /**
   * Opens a session: the pipeline's nodes open once (models load once) in a worker of its own that
   * keeps its wasm instance until close(). Resolves once the nodes are open; rejects with a
   * RemoteMediaError when the manifest is refused or a node fails to open. Needs SharedArrayBuffer
   * (a cross-origin isolated page, as tools/serve serves it). Pipelines with Python or Whisper
   * nodes run in the Python-enabled module, as run() does.
   *
   *   const s = await runner.openSession(manifest);
   *   s.onOutput((out) => console.log(out));
   *   await s.push(1); await s.push(2);
   *   await s.close();
   */
  async openSession(manifest: object | string, options: SessionOptions = {}): Promise<RemoteMediaSession> {
    await this.load();
    const manifestText = typeof manifest === "string" ? manifest : JSON.stringify(manifest);
    const mounts: Mounts = { ...options.mounts };
    mounts["/session"] = { ...mounts["/session"], "manifest.json": new TextEncoder().encode(manifestText) };
    const args = ["run", "/session/manifest.json", "--stream", "--error-format", "json"];
    const env = { PWD: "/session", ...options.env };
    const attempt = async (variant: Variant, extra: Mounts) => {
      const worker = new Worker(this.workerUrl, { type: "module" });
      const input = createPipe(options.capacity);
      const writer = new PipeWriter(input);
      let session: RemoteMediaSession | null = null;
      let opened!: (m: WorkerResponse | null) => void;
      const open = new Promise<WorkerResponse | null>((resolve) => (opened = resolve));
      let exited!: (raw: RawRun & { runMs: number }) => void;
      const finished = new Promise<RawRun & { runMs: number }>((resolve) => (exited = resolve));
      worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
        const m = event.data;
        if (m.type === "opened") opened(null);
        else if (m.type === "output") session?.feed(m.text);
        else if (m.type === "exited" || m.type === "failed") {
          const raw = m.type === "exited" ? { exitCode: m.exitCode, stdout: "", stderr: m.stderr, runMs: m.runMs }
            : { exitCode: 5, stdout: "", stderr: JSON.stringify({ status: "error", error: { type: "internal_error", code: "worker_failed", message: m.message } }), runMs: 0 };
          exited(raw);
          opened(m);
        }
      };
      worker.onerror = (e) => {
        const raw = { exitCode: 5, stdout: "", stderr: JSON.stringify({ status: "error", error: { type: "internal_error", code: "worker_failed", message: e.message || "the session worker failed" } }), runMs: 0 };
        exited(raw);
        opened({ id: 2, type: "failed", message: e.message || "the session worker failed" });
      };
      worker.postMessage({ id: 1, type: "load", variant, module: this.compiled[variant]! } satisfies WorkerRequest);
      worker.postMessage({ id: 2, type: "session", variant, args, input, mounts: { ...mounts, ...extra }, env } satisfies WorkerRequest);
      session = new RemoteMediaSession(worker, writer, finished);
      const first = await open;
      if (first === null) return { session, raw: null }; // the nodes are open
      worker.terminate();
      return { session: null, raw: await finished };
    };
    let r = await attempt("plain", {});
    if (r.raw && this.python && r.raw.exitCode === 3 && /unknown node type|has no Python support/.test(r.raw.stderr)) {
      const usr = await this.loadPython();
      r = await attempt("python", usr);
    }
    if (r.raw) throw parseError(r.raw);
    return r.session!;
  }

  /** Trusts one more signer (a minisign .pub text or its base64 line) for packages opened from now on. */
  addTrustedKey(key: string): void {
    this.trustedKeys.push(key);
  }

  /**
   * Reads a package (a picked or dropped File, bytes, or a URL to fetch) and checks it on this
   * page with WebCrypto: container, digests, signature. Nothing in it is compiled or run here.
   * Rejects with a PackageError when it is damaged, tampered with, or badly signed; a valid
   * signature by a key that is not trusted comes back as trust "untrusted".
   */
  async openPackage(source: Blob | ArrayBuffer | Uint8Array | string | URL, options: { maxSize?: number } = {}): Promise<RmPackage> {
    let bytes: Uint8Array;
    if (source instanceof Uint8Array) bytes = source;
    else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
    else if (typeof Blob !== "undefined" && source instanceof Blob) bytes = new Uint8Array(await source.arrayBuffer());
    else {
      const url = new URL(String(source), globalThis.location?.href);
      const r = await fetch(url);
      if (!r.ok) throw new Error(`fetching ${url} failed: HTTP ${r.status}`);
      bytes = new Uint8Array(await r.arrayBuffer());
    }
    return openPackage(bytes, { trustedKeys: this.trustedKeys, maxSize: options.maxSize });
  }

  /**
   * Runs an opened package's pipeline in its own module, with its files at /package and its
   * Python stdlib at /usr. Refuses (PackageError, code "untrusted_package") unless the signer is
   * trusted, or `allowUnsigned` is set.
   */
  async runPackage(pkg: RmPackage, inputs: unknown[] | string, policy: { allowUnsigned?: boolean } = {}): Promise<RunOutcome> {
    checkTrust(pkg, { allowUnsigned: policy.allowUnsigned }, this.trustedKeys.length > 0);
    const { module, packageTree, usrTree } = packageMounts(pkg);
    const variant: Variant = `package:${pkg.files.find((f) => f.name === "modules/remotemedia.wasm")!.sha256}`;
    const t0 = performance.now();
    if (!this.packageModules.has(variant)) {
      this.dispatchEvent(new CustomEvent<ProgressDetail>("progress", { detail: { stage: "compiling" } }));
      const compiled = await WebAssembly.compile(module as unknown as BufferSource);
      const m = await this.request({ type: "load", variant, module: compiled });
      if (m.type === "failed") throw new Error(m.message);
      this.packageModules.add(variant);
    }
    const compileMs = performance.now() - t0;
    // Own copies: posting a view would clone the whole package buffer once per file.
    const own = (tree: FileTree) => Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, v.slice()]));
    const inputText = typeof inputs === "string" ? inputs : JSON.stringify(inputs);
    const mounts: Mounts = { "/package": own(packageTree), "/input": { "items.json": new TextEncoder().encode(inputText) } };
    if (usrTree) mounts["/usr"] = own(usrTree);
    const args = ["run", "/package/manifest.json", "-i", "/input/items.json", "--error-format", "json"];
    const { runMs, ...raw } = exited(await this.request({ type: "exec", variant, args, stdin: "", mounts, env: { PWD: "/package" } }));
    return { result: resultOf(raw), stdout: raw.stdout, timings: { fetchMs: 0, compileMs, runMs } };
  }

  terminate(): void {
    this.worker.terminate();
  }
}
