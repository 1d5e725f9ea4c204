// One WASI preview1 host for every place the module runs: the browser (in a Web Worker) and
// Node (tools/remotemedia-wasi, tests). It is @bjorn3/browser_wasi_shim, a pure-JS host: Node's
// built-in WASI was seen to crash once a module's memory grows, and this one does not.
import { ConsoleStdout, Fd, File, OpenFile, WASI, WASIProcExit, wasi } from "@bjorn3/browser_wasi_shim";
import { errnoOf } from "./errno.js";
import { Threads, threadsInfo, type ThreadHost } from "./threads.js";

/**
 * stdout or stderr: bytes to a sink. A sink that throws (a closed pipe, a full disk under Node)
 * fails the guest's write with the matching errno, as a native write would fail: the guest then
 * reports it, never the host with a stack trace.
 */
class OutputFd extends ConsoleStdout {
  fd_write(data: Uint8Array) {
    try {
      this.write(data);
      return { ret: 0, nwritten: data.byteLength };
    } catch (e) {
      return { ret: errnoOf(e), nwritten: 0 };
    }
  }
}

/**
 * A stdin read as the command asks for it (a session's items as they come): read() blocks,
 * synchronously, until there are bytes, and returns an empty array at end of input.
 */
export interface StdinReader {
  read(max: number): Uint8Array;
}

/** fd 0 over a StdinReader: a character device, as a terminal or a pipe is. */
class ReaderStdin extends Fd {
  constructor(private reader: StdinReader) {
    super();
  }
  fd_read(size: number) {
    return { ret: 0, data: this.reader.read(size) };
  }
  fd_fdstat_get() {
    return { ret: 0, fdstat: new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, 0) };
  }
}

export interface CommandOptions {
  /** argv[1..]; argv[0] is "remotemedia". */
  args: string[];
  env?: Record<string, string>;
  /** All of stdin at once, or a reader that hands it out as it comes (a session). */
  stdin?: Uint8Array | StdinReader;
  /** Where the guest's output goes; a sink may throw (with a Node error code) to fail the write. */
  stdout: (bytes: Uint8Array) => void;
  stderr: (bytes: Uint8Array) => void;
  /** Preopened folders (fd 3, 4, ...), e.g. from memfs.ts or nodefs.ts. */
  preopens?: Fd[];
  /**
   * Thread workers for a module of the threads build (threads.ts); other modules ignore this.
   * Without it such a module runs on its own thread only.
   */
  threads?: ThreadHost;
}

export interface CommandResult {
  exitCode: number;
  /** Set when the module trapped (a bug in the module, never expected). */
  trap?: string;
}

/** Runs a WASI command module to completion. Never throws for what the module does. */
export async function runCommand(module: WebAssembly.Module, options: CommandOptions): Promise<CommandResult> {
  const fds: Fd[] = [
    options.stdin && !(options.stdin instanceof Uint8Array)
      ? new ReaderStdin(options.stdin)
      : new OpenFile(new File(options.stdin ?? new Uint8Array(0), { readonly: true })),
    new OutputFd(options.stdout),
    new OutputFd(options.stderr),
    ...(options.preopens ?? []),
  ];
  // A module of the threads build brings its shared memory and its thread workers.
  const info = threadsInfo(module);
  const threads = info ? await Threads.start(module, info, options.threads) : null;
  try {
    const env = { ...options.env };
    const imports: WebAssembly.Imports = {};
    if (threads) {
      env.RM_WASM_THREADS = String(threads.count); // how many threads the module may start
      imports.env = { memory: threads.memory };
      imports.wasi = threads.imports;
    }
    const envList = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const wasi = new WASI(["remotemedia", ...options.args], envList, fds, { debug: false });
    imports.wasi_snapshot_preview1 = wasi.wasiImport;
    const instance = await WebAssembly.instantiate(module, imports);
    try {
      const exitCode = wasi.start(instance as unknown as Parameters<WASI["start"]>[0]);
      return { exitCode };
    } catch (e) {
      if (e instanceof WASIProcExit) return { exitCode: e.code };
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return { exitCode: 134, trap: message };
    }
  } finally {
    if (threads) {
      const printed = threads.output();
      if (printed.length) options.stderr(printed);
      threads.stop();
    }
  }
}

/** What a command printed, as text, and how it ended. */
export interface RawRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function collect(): { sink: (b: Uint8Array) => void; text: () => string } {
  const decoder = new TextDecoder();
  let text = "";
  return { sink: (b) => (text += decoder.decode(b, { stream: true })), text: () => text + decoder.decode() };
}

/**
 * Runs a command and captures its output. A trap becomes a JSON error line on stderr, in the
 * runtime's own error format, so callers handle it like any other failure.
 */
export async function runCommandCaptured(
  module: WebAssembly.Module,
  options: Omit<CommandOptions, "stdout" | "stderr"> & {
    /** Hands stdout on as it is printed (a session's outputs) instead of capturing it. */
    onStdout?: (bytes: Uint8Array) => void;
  },
): Promise<RawRun> {
  const out = collect();
  const err = collect();
  const r = await runCommand(module, { ...options, stdout: options.onStdout ?? out.sink, stderr: err.sink });
  let stderr = err.text();
  if (r.trap) stderr += JSON.stringify({ status: "error", error: { type: "trap", code: "wasm_trap", message: r.trap } }) + "\n";
  return { exitCode: r.exitCode, stdout: out.text(), stderr };
}
