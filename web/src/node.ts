// Node entry: the WASI host behind tools/remotemedia-wasi and the Node tests.
import * as fs from "node:fs";
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

  --module FILE   the module (default: $RM_WASM, else build/wasi/remotemedia.wasm in this repo)
  --dir H[::G]    map host folder H to guest path G
`;

/** The tools/remotemedia-wasi command. Returns the exit code. */
export async function main(argv: string[], defaultModule: string): Promise<number> {
  let modulePath = process.env.RM_WASM || defaultModule;
  const dirs: Array<[string, string]> = [];
  let i = 0;
  for (; i < argv.length; ++i) {
    const a = argv[i];
    if (a === "--") {
      ++i;
      break;
    } else if (a === "--module" && i + 1 < argv.length) {
      modulePath = argv[++i];
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
  let module: WebAssembly.Module;
  try {
    module = await loadModule(modulePath);
  } catch (e) {
    process.stderr.write(`remotemedia-wasi: cannot load ${modulePath}: ${(e as Error).message}\n` +
      "  build it with: cmake --preset wasi && cmake --build --preset wasi\n");
    return 5;
  }
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
  const r = await runCommand(module, { args, stdin, stdout: write(1), stderr: write(2), preopens });
  if (r.trap) process.stderr.write(`remotemedia-wasi: the module trapped: ${r.trap}\n`);
  return r.exitCode;
}
