// Node entry: the WASI host behind tools/remotemedia-wasi and the Node tests.
import * as fs from "node:fs";
import * as os from "node:os";
import { Worker } from "node:worker_threads";
import type { Fd } from "@bjorn3/browser_wasi_shim";
import { runCommand } from "./host.js";
import { memoryPreopen } from "./memfs.js";
import { hostPreopen } from "./nodefs.js";
import { checkTrust, describePackage, digestList, openPackage, packageMounts, PackageError, printable, type RmPackage } from "./package.js";
import { hasRelaxedSimd } from "./features.js";
import { defaultThreads, type ThreadHost } from "./threads.js";

export { runCommand } from "./host.js";
export { hostPreopen } from "./nodefs.js";
export { memoryPreopen, readMemoryFile } from "./memfs.js";
export * from "./pipeline.js";
export * from "./package.js";

export async function loadModule(path: string): Promise<WebAssembly.Module> {
  return WebAssembly.compile(fs.readFileSync(path));
}

const USAGE = `Usage: remotemedia-wasi [--module FILE] [--dir HOST[::GUEST]]... [--] ARGS...

Runs remotemedia.wasm under a WASI host with the same ARGS as the native CLI, passing stdin,
stdout, stderr and the exit code through. The current folder is always mapped (as "." and as its
absolute path); --dir maps more host folders (GUEST defaults to HOST), like wasmtime's --dir.

When a pipeline needs Python, the runner switches by itself to the Python-enabled module
(build/wasi-python/remotemedia-python.wasm) and maps its standard library at the guest's /usr.

Packages: \`run X.rmpkg\`, \`verify X.rmpkg\` and \`inspect X.rmpkg\` are done by this host, with the
native CLI's options (--trusted-key, --allow-unsigned, --max-size, --json, --digests): it checks
the package's digests and signature first, then runs the package's own module with the
package's files at /package and its Python stdlib at /usr.

  --module FILE   use this module, and only this one (default: $RM_WASM, else the build's)
  --dir H[::G]    map host folder H to guest path G
  --threads N     threads for WhisperNode (default: the cores, at most 4). Above 1, the threads
                  build (build/wasi-python-threads) runs a Python/Whisper pipeline, with N - 1
                  worker_threads over one shared memory, where this Node has relaxed SIMD
`;

export interface WasiBuild {
  /** The plain module. */
  module: string;
  /** The Python-enabled module and the host folder mapped at the guest's /usr, when built. */
  pythonModule?: string;
  pythonUsr?: string;
  /** The Python-enabled module built with relaxed SIMD: used instead where the engine has it. */
  pythonRelaxedModule?: string;
  /** The same with threads (preset wasi-python-threads): used instead when more threads are asked for. */
  pythonThreadsModule?: string;
}

/** Thread workers for modules of the threads build: `threads` in all, so threads - 1 workers. */
export function nodeThreadHost(threads: number): ThreadHost {
  return {
    workers: threads - 1,
    spawn: () => {
      const worker = new Worker(new URL("./thread-worker-node.js", import.meta.url));
      worker.unref();
      return {
        postMessage: (m) => worker.postMessage(m),
        onMessage: (listener) => {
          worker.on("message", listener);
          worker.on("error", (e) => listener({ ready: false, error: e.message }));
        },
        terminate: () => void worker.terminate(),
      };
    },
  };
}

/** Threads to use by default under Node (see defaultThreads). */
export function defaultThreadCount(): number {
  return defaultThreads(os.availableParallelism());
}

/** The tools/remotemedia-wasi command. Returns the exit code. */
export async function main(argv: string[], build: WasiBuild): Promise<number> {
  let explicitModule = process.env.RM_WASM || "";
  let threadCount = defaultThreadCount();
  const dirs: Array<[string, string]> = [];
  let i = 0;
  for (; i < argv.length; ++i) {
    const a = argv[i];
    if (a === "--") {
      ++i;
      break;
    } else if (a === "--module" && i + 1 < argv.length) {
      explicitModule = argv[++i];
    } else if (a === "--threads" && i + 1 < argv.length) {
      const v = argv[++i];
      if (!/^[1-9][0-9]{0,2}$/.test(v)) {
        say(`remotemedia-wasi: --threads needs a number from 1 to 999, not '${v}'\n`);
        return 2;
      }
      threadCount = Number(v);
    } else if (a === "--dir" && i + 1 < argv.length) {
      const spec = argv[++i];
      const [host, guest] = spec.includes("::") ? spec.split("::", 2) : [spec, spec];
      dirs.push([host, guest]);
    } else if (a === "--runner-help") {
      tryWrite(1, new TextEncoder().encode(USAGE));
      return 0;
    } else {
      break;
    }
  }
  const args = argv.slice(i);
  const cwd = process.cwd();
  const preopens = [hostPreopen(cwd, "."), hostPreopen(cwd, cwd)];
  const packageCommand = ["run", "verify", "inspect"].includes(args[0]) && firstOperand(args)?.endsWith(".rmpkg");
  for (const [host, guest] of dirs) {
    try {
      preopens.push(hostPreopen(host, guest));
    } catch (e) {
      say(`remotemedia-wasi: --dir ${host}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  // Stdin is read whole before the run: the guest reads it synchronously.
  // A session (`run M --stream`) reads its items as they come: stdin is handed over as it arrives,
  // and stdout passes through at once.
  const streaming = args[0] === "run" && args.includes("--stream");
  const stdin = process.stdin.isTTY ? new Uint8Array(0) : streaming ? { read: (max: number) => readSome(0, max) } : readAll(0);
  // A write error (EPIPE, ENOSPC) is thrown to the host's stdout fd, which fails the guest's
  // write with it: the guest reports it as natively (exit 3, stdout_not_writable).
  const write = (fd: number) => (bytes: Uint8Array) => writeAll(fd, bytes);
  const load = async (path: string) => {
    try {
      return await loadModule(path);
    } catch (e) {
      say(`remotemedia-wasi: cannot load ${path}: ${(e as Error).message}\n` +
        "  build it with: scripts/setup (or cmake --preset wasi && cmake --build --preset wasi)\n");
      return null;
    }
  };
  const run = async (module: WebAssembly.Module, extra: Fd[], out = write(1), err = write(2), commandArgs = args) => {
    const r = await runCommand(module, {
      args: commandArgs, stdin, env: { PWD: cwd }, stdout: out, stderr: err, preopens: [...preopens, ...extra],
      threads: nodeThreadHost(threadCount),
    });
    if (r.trap) say(`remotemedia-wasi: the module trapped: ${r.trap}\n`);
    return r.exitCode;
  };

  if (packageCommand) {
    const opened = await openPackageCommand(args);
    if (typeof opened === "number") return opened;
    const { pkg, guestArgs } = opened;
    const mounts = packageMounts(pkg);
    const extra = [memoryPreopen("/package", mounts.packageTree)];
    if (mounts.usrTree) extra.push(memoryPreopen("/usr", mounts.usrTree, { readonly: true }));
    const module = await WebAssembly.compile(mounts.module as unknown as BufferSource);
    return run(module, extra, write(1), write(2), guestArgs);
  }
  if (explicitModule) {
    const module = await load(explicitModule);
    return module ? run(module, []) : 5;
  }
  const python = build.pythonModule && build.pythonUsr && fs.existsSync(build.pythonModule) ? build : null;
  const runPython = async () => {
    const { pythonRelaxedModule: relaxed, pythonThreadsModule: threaded } = python!;
    const pick =
      threadCount > 1 && threaded && hasRelaxedSimd() && fs.existsSync(threaded) ? threaded
      : relaxed && hasRelaxedSimd() && fs.existsSync(relaxed) ? relaxed
      : python!.pythonModule!;
    const module = await load(pick);
    // Read-only: a pipeline's Python must not change the stdlib or the remotemedia package that
    // later runs trust and `pack` ships.
    return module ? run(module, [hostPreopen(python!.pythonUsr!, "/usr", { readonly: true })]) : 5;
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
  // A session's stdout is live: the plain module prints nothing before it reads its first item,
  // and when it stops for the Python module it has read nothing yet.
  const code = await run(plain, [], streaming ? write(1) : (b) => out.push(b.slice()), (b) => err.push(b.slice()));
  const stderr = Buffer.concat(err).toString();
  if (code === 3 && /unknown node type|has no Python support/.test(stderr)) return runPython();
  // What the module printed, passed on now: a failing stdout is reported as the module would have.
  try {
    for (const b of out) write(1)(b);
  } catch (e) {
    for (const b of err) tryWrite(2, b);
    const message = `cannot write the output to stdout: ${strerror(e)}`;
    const json = args.includes("--error-format") && args[args.indexOf("--error-format") + 1] === "json";
    tryWrite(2, new TextEncoder().encode(json
      ? JSON.stringify({ status: "error", error: { type: "invalid_input", code: "stdout_not_writable", message } }) + "\n"
      : `remotemedia: error: ${message}\n`));
    return code !== 0 ? code : 3;
  }
  for (const b of err) tryWrite(2, b);
  return code;
}

/** Sleeps the thread for a moment (the runner is synchronous around the guest's reads and writes). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads a file descriptor to its end; a non-blocking empty pipe (EAGAIN) is waited on, not an error. */
export function readAll(fd: number): Uint8Array {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        pause(5);
        continue;
      }
      if (code === "EOF") break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Up to `max` bytes from a file descriptor, as they come (waiting on a non-blocking pipe); empty at its end. */
function readSome(fd: number, max: number): Uint8Array {
  const buf = Buffer.alloc(Math.max(1, Math.min(max, 1 << 16)));
  for (;;) {
    try {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      return new Uint8Array(buf.subarray(0, n));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EOF") return new Uint8Array(0);
      if (code !== "EAGAIN") throw e;
      pause(5);
    }
  }
}

/** Writes all of `bytes`, waiting while a non-blocking pipe is full; other errors are thrown. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += fs.writeSync(fd, bytes, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      pause(1);
    }
  }
}

/** A runner message on stderr (a closed stderr is not an error worth a stack trace). */
function say(text: string): void {
  tryWrite(2, new TextEncoder().encode(text));
}

/** Writes what it can, where nothing more can be reported (stderr itself failing). */
function tryWrite(fd: number, bytes: Uint8Array): void {
  try {
    writeAll(fd, bytes);
  } catch {
    /* nowhere left to say it */
  }
}

/** C's strerror text for the errors a stdout write meets, as the module's libc prints them. */
function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOSPC") return "No space left on device";
  if (code === "EPIPE") return "Broken pipe";
  if (code === "EIO") return "I/O error";
  return (e as Error).message;
}

/**
 * `verify`, `inspect` and `run` of a package, as the native CLI does them. Returns an exit code
 * when the command is done (verify, inspect, or a refusal), else the opened package and the
 * arguments for its module (the package options dropped, the manifest at /package).
 */
async function openPackageCommand(args: string[]): Promise<number | { pkg: RmPackage; guestArgs: string[] }> {
  const command = args[0];
  let jsonErrors = false, json = false, digests = false, allowUnsigned = false;
  let maxSize: number | undefined;
  let path = "";
  const trusted: string[] = [];
  const guestArgs: string[] = [command];
  const report = (code: string, message: string, exit: number) => {
    const type = exit === 2 ? "usage_error" : "invalid_input";
    // As natively: text from the package (names, ids) escaped for the terminal, never acted on.
    const line = jsonErrors ? JSON.stringify({ status: "error", error: { type, code, message } }) : `remotemedia: error: ${printable(message)}`;
    tryWrite(2, new TextEncoder().encode(line + "\n"));
    return exit;
  };
  for (let i = 0; i + 1 < args.length; ++i) if (args[i] === "--error-format" && args[i + 1] === "json") jsonErrors = true;
  for (let i = 1; i < args.length; ++i) {
    const a = args[i];
    const value = () => (i + 1 < args.length ? args[++i] : undefined);
    if (a === "--trusted-key") {
      const v = value();
      if (v === undefined) return report("usage", `--trusted-key needs a public key file (see \`remotemedia ${command} --help\`)`, 2);
      try {
        trusted.push(fs.existsSync(v) ? fs.readFileSync(v, "utf8") : v);
      } catch (e) {
        return report("file_not_readable", `cannot read '${v}': ${(e as Error).message}`, 3);
      }
    } else if (a === "--allow-unsigned" && command !== "inspect") {
      allowUnsigned = true;
    } else if (a === "--max-size") {
      const v = value();
      if (!v || !/^[0-9]{1,18}$/.test(v) || Number(v) === 0)
        return report("usage", `--max-size needs a number of bytes (at least 1) (see \`remotemedia ${command} --help\`)`, 2);
      maxSize = Number(v);
    } else if (a === "--json" && command !== "run") {
      json = true;
    } else if (a === "--digests" && command === "inspect") {
      digests = true;
    } else if (a.endsWith(".rmpkg") && !path) {
      path = a;
      guestArgs.push("/package/manifest.json");
    } else {
      if (command !== "run") {
        if (a === "--error-format") {
          ++i;
          continue;
        }
        return report("usage", `unexpected argument '${a}' (see \`remotemedia ${command} --help\`)`, 2);
      }
      guestArgs.push(a);
    }
  }
  let pkg: RmPackage;
  try {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(fs.readFileSync(path));
    } catch (e) {
      return report("file_not_readable", `cannot read '${path}': ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "No such file or directory" : (e as Error).message}`, 3);
    }
    pkg = await openPackage(bytes, { trustedKeys: trusted, maxSize });
    // As natively: inspect shows any intact package; verify and run decide on trust.
    if (command !== "inspect") checkTrust(pkg, { allowUnsigned, anyValidSignature: command === "verify" && trusted.length === 0 }, trusted.length > 0);
  } catch (e) {
    if (e instanceof PackageError) return report(e.code, `${path}: ${e.message}`, 3);
    throw e;
  }
  if (command === "run") return { pkg, guestArgs };
  const d = describePackage(pkg);
  let text: string;
  if (command === "verify" && !json) {
    const out = { status: "verified", package: path, name: d.name, signature: d.signature, signer: d.signer, files: d.files.length };
    text = JSON.stringify(out) + "\n";
  } else if (digests) {
    text = digestList(pkg);
  } else if (json) {
    const full = command === "inspect" ? { ...d, manifest: pkg.manifest, provenance: pkg.provenance } : d;
    text = JSON.stringify(full, null, 2) + "\n";
  } else {
    text = inspectionText(path, pkg, d);
  }
  try {
    writeAll(1, new TextEncoder().encode(text));
  } catch (e) {
    return report("stdout_not_writable", `cannot write the output to stdout: ${strerror(e)}`, 3);
  }
  return 0;
}

function humanSize(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

// The native `inspect` text, line for line (control characters escaped, never acted on).
function inspectionText(path: string, pkg: RmPackage, d: any): string {
  const str = (v: unknown) => printable(typeof v === "string" ? v : v === undefined || v === null ? "-" : JSON.stringify(v));
  const lines = [`package    ${printable(path)} (${humanSize(d.content_bytes)} of content, ${d.files.length} files)`, `name       ${str(d.name)}`];
  lines.push(`signature  ${d.signature}${pkg.signer ? ` (key ${pkg.signer})` : ""}`);
  const r = d.runtime;
  if (r && typeof r === "object") {
    const features = Array.isArray(r.features) && r.features.length ? r.features.map(str).join(", ") : "none";
    lines.push(`runtime    ${str(r.target)}, remotemedia >= ${str(r.min_version)}, features: ${features}`);
  }
  const b = d.builder;
  if (b && typeof b === "object") lines.push(`built by   ${str(b.name)} ${str(b.version)} (commit ${str(b.commit)}), ${str(d.created)}`);
  lines.push("nodes");
  for (const n of d.nodes) lines.push(`  ${str(n.id).padEnd(20)} ${str(n.node_type)}`);
  lines.push("files");
  for (const f of d.files) lines.push(`  ${f.sha256.slice(0, 16)} ${humanSize(f.size).padStart(10)}  ${f.name}`);
  if (d.third_party.length) {
    lines.push("third-party parts");
    for (const t of d.third_party) {
      let detail = str(t.origin);
      if ("version" in t) detail += " " + str(t.version);
      if ("file" in t) detail += ", " + str(t.file);
      lines.push(`  ${str(t.name).padEnd(28)} ${detail}`);
    }
  }
  return lines.join("\n") + "\n";
}

// Options of run/verify/inspect that take a value (the native CLI's).
const VALUE_OPTIONS = new Set(["--input", "-i", "--input-file", "-o", "--output", "--threads", "--error-format", "--trusted-key", "--max-size"]);

/** The command's first operand (its manifest or package), skipping options and their values. */
function firstOperand(args: string[]): string | undefined {
  for (let i = 1; i < args.length; ++i) {
    if (VALUE_OPTIONS.has(args[i])) ++i;
    else if (args[i] === "-" || !args[i].startsWith("-")) return args[i];
  }
  return undefined;
}
