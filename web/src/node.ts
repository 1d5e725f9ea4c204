// Node entry: the WASI host behind tools/remotemedia-wasi and the Node tests.
import * as fs from "node:fs";
import type { Fd } from "@bjorn3/browser_wasi_shim";
import { runCommand } from "./host.js";
import { hostPreopen } from "./nodefs.js";

export { runCommand } from "./host.js";
export { hostPreopen } from "./nodefs.js";
export { memoryPreopen, readMemoryFile } from "./memfs.js";
export * from "./pipeline.js";

export async function loadModule(path: string): Promise<WebAssembly.Module> {
  return WebAssembly.compile(fs.readFileSync(path));
}

const USAGE = `Usage: remotemedia-wasi [--module FILE] [--dir HOST[::GUEST]]... [--] ARGS...

Runs remotemedia.wasm under a WASI host with the same ARGS as the native CLI, passing stdin,
stdout, stderr and the exit code through. The current folder is always mapped (as "." and as its
absolute path); --dir maps more host folders (GUEST defaults to HOST), like wasmtime's --dir.

When a pipeline needs Python, the runner switches by itself to the Python-enabled module
(build/wasi-python/remotemedia-python.wasm) and maps its standard library at the guest's /usr.

  --module FILE   use this module, and only this one (default: $RM_WASM, else the build's)
  --dir H[::G]    map host folder H to guest path G
`;

export interface WasiBuild {
  /** The plain module. */
  module: string;
  /** The Python-enabled module and the host folder mapped at the guest's /usr, when built. */
  pythonModule?: string;
  pythonUsr?: string;
}

/** The tools/remotemedia-wasi command. Returns the exit code. */
export async function main(argv: string[], build: WasiBuild): Promise<number> {
  let explicitModule = process.env.RM_WASM || "";
  const dirs: Array<[string, string]> = [];
  let i = 0;
  for (; i < argv.length; ++i) {
    const a = argv[i];
    if (a === "--") {
      ++i;
      break;
    } else if (a === "--module" && i + 1 < argv.length) {
      explicitModule = argv[++i];
    } else if (a === "--dir" && i + 1 < argv.length) {
      const spec = argv[++i];
      const [host, guest] = spec.includes("::") ? spec.split("::", 2) : [spec, spec];
      dirs.push([host, guest]);
    } else if (a === "--runner-help") {
      process.stdout.write(USAGE);
      return 0;
    } else {
      break;
    }
  }
  const args = argv.slice(i);
  const cwd = process.cwd();
  const preopens = [hostPreopen(cwd, "."), hostPreopen(cwd, cwd)];
  for (const [host, guest] of dirs) {
    try {
      preopens.push(hostPreopen(host, guest));
    } catch (e) {
      process.stderr.write(`remotemedia-wasi: --dir ${host}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  // Stdin is read whole before the run: the guest reads it synchronously.
  const stdin = process.stdin.isTTY ? new Uint8Array(0) : new Uint8Array(fs.readFileSync(0));
  const write = (fd: number) => (bytes: Uint8Array) => {
    let off = 0;
    while (off < bytes.length) {
      try {
        off += fs.writeSync(fd, bytes, off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      }
    }
  };
  const load = async (path: string) => {
    try {
      return await loadModule(path);
    } catch (e) {
      process.stderr.write(`remotemedia-wasi: cannot load ${path}: ${(e as Error).message}\n` +
        "  build it with: scripts/setup (or cmake --preset wasi && cmake --build --preset wasi)\n");
      return null;
    }
  };
  const run = async (module: WebAssembly.Module, extra: Fd[], out = write(1), err = write(2)) => {
    const r = await runCommand(module, { args, stdin, env: { PWD: cwd }, stdout: out, stderr: err, preopens: [...preopens, ...extra] });
    if (r.trap) process.stderr.write(`remotemedia-wasi: the module trapped: ${r.trap}\n`);
    return r.exitCode;
  };

  if (explicitModule) {
    const module = await load(explicitModule);
    return module ? run(module, []) : 5;
  }
  const python = build.pythonModule && build.pythonUsr && fs.existsSync(build.pythonModule) ? build : null;
  const runPython = async () => {
    const module = await load(python!.pythonModule!);
    return module ? run(module, [hostPreopen(python!.pythonUsr!, "/usr")]) : 5;
  };
  // `nodes` lists the Python nodes too.
  if (python && args[0] === "nodes") return runPython();
  const plain = await load(build.module);
  if (!plain) return 5;
  if (!python) return run(plain, []);
  // The plain module first (small, quick). If it stops because the pipeline names node types it
  // lacks or has a python section, the Python-enabled module runs it instead. Either way nothing
  // ran yet: validation comes before any node opens, and nothing was printed.
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const code = await run(plain, [], (b) => out.push(b.slice()), (b) => err.push(b.slice()));
  const stderr = Buffer.concat(err).toString();
  if (code === 3 && /unknown node type|has no Python support/.test(stderr)) return runPython();
  for (const b of out) write(1)(b);
  for (const b of err) write(2)(b);
  return code;
}
