// One WASI preview1 host for every place the module runs: the browser (in a Web Worker) and
// Node (tools/remotemedia-wasi, tests). It is @bjorn3/browser_wasi_shim, a pure-JS host: Node's
// built-in WASI was seen to crash once a module's memory grows, and this one does not.
import { ConsoleStdout, Fd, File, OpenFile, WASI, WASIProcExit } from "@bjorn3/browser_wasi_shim";

export interface CommandOptions {
  /** argv[1..]; argv[0] is "remotemedia". */
  args: string[];
  env?: Record<string, string>;
  stdin?: Uint8Array;
  stdout: (bytes: Uint8Array) => void;
  stderr: (bytes: Uint8Array) => void;
  /** Preopened folders (fd 3, 4, ...), e.g. from memfs.ts or nodefs.ts. */
  preopens?: Fd[];
}

export interface CommandResult {
  exitCode: number;
  /** Set when the module trapped (a bug in the module, never expected). */
  trap?: string;
}

/** Runs a WASI command module to completion. Never throws for what the module does. */
export async function runCommand(module: WebAssembly.Module, options: CommandOptions): Promise<CommandResult> {
  const fds: Fd[] = [
    new OpenFile(new File(options.stdin ?? new Uint8Array(0), { readonly: true })),
    new ConsoleStdout(options.stdout),
    new ConsoleStdout(options.stderr),
    ...(options.preopens ?? []),
  ];
  const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const wasi = new WASI(["remotemedia", ...options.args], env, fds, { debug: false });
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
  try {
    const exitCode = wasi.start(instance as unknown as Parameters<WASI["start"]>[0]);
    return { exitCode };
  } catch (e) {
    if (e instanceof WASIProcExit) return { exitCode: e.code };
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { exitCode: 134, trap: message };
  }
}
