// The runner under Node: the same host code the browser worker uses.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { hostPreopen, loadModule, memoryPreopen, openPackage, PackageError, parsePublicKey, readMemoryFile, runCommand, runPipeline, runPipelineRaw,
  RemoteMediaError } from "../dist/node.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const module = await loadModule(process.env.RM_WASM ?? join(repo, "build/wasi/remotemedia.wasm"));
const calculator = {
  version: "v1",
  metadata: { name: "calculator" },
  nodes: [
    { id: "multiply", node_type: "MultiplyNode", params: { factor: 2 } },
    { id: "add", node_type: "AddNode", params: { addend: 10 } },
  ],
  connections: [{ from: "multiply", to: "add" }],
};

test("runs a pipeline and returns the parsed result", async () => {
  const r = await runPipeline(module, calculator, [1, 2, 3]);
  assert.deepEqual(r.outputs, [12, 14, 16]);
  assert.deepEqual(r.graph_info.execution_order, ["multiply", "add"]);
});

test("keeps the exact JSON spelling when given text", async () => {
  const raw = await runPipelineRaw(module, calculator, "[1.0, 2]");
  assert.equal(raw.exitCode, 0);
  assert.match(raw.stdout, /"outputs":\[12\.0,14\]/);
});

test("rejects with a typed error carrying the runtime's error object", async () => {
  const bad = { ...calculator, nodes: [{ id: "m", node_type: "MultiplyNod" }], connections: [] };
  await assert.rejects(runPipeline(module, bad, [1]), (e) => {
    assert.ok(e instanceof RemoteMediaError);
    assert.equal(e.exitCode, 3);
    assert.equal(e.error.code, "unknown_node_type");
    assert.equal(e.error.suggestion, "MultiplyNode");
    return true;
  });
});

test("survives memory growth, run after run", async () => {
  // ~24 MB of input makes the module's memory grow many times over; Node's own WASI was seen to
  // crash in this situation, the JS host must not.
  const big = JSON.stringify(Array.from({ length: 40 }, (_, i) => "x".repeat(600_000) + i));
  for (let run = 0; run < 5; ++run) {
    const raw = await runPipelineRaw(module, { version: "v1", nodes: [{ id: "p", node_type: "PassThrough" }] }, big);
    assert.equal(raw.exitCode, 0, raw.stderr);
    assert.equal(raw.stdout.length > 24_000_000, true);
  }
});

test("reads files from an in-memory folder", async () => {
  const enc = new TextEncoder();
  const dir = memoryPreopen("/data", {
    "pipelines/calc.json": enc.encode(JSON.stringify(calculator)),
    "in.json": enc.encode("[5]"),
  });
  const out = [];
  const r = await runCommand(module, {
    args: ["run", "/data/pipelines/calc.json", "-i", "/data/in.json"],
    stdout: (b) => out.push(Buffer.from(b)),
    stderr: () => {},
    preopens: [dir],
  });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(JSON.parse(Buffer.concat(out).toString()).outputs, [20]);
});

test("a host folder cannot be escaped with .. or a symlink", async () => {
  const root = mkdtempSync(join(tmpdir(), "rm-host-"));
  try {
    writeFileSync(join(root, "secret.json"), JSON.stringify(calculator));
    const inner = join(root, "inner");
    (await import("node:fs")).mkdirSync(inner);
    (await import("node:fs")).symlinkSync(join(root, "secret.json"), join(inner, "link.json"));
    for (const path of ["../secret.json", "link.json"]) {
      const err = [];
      const r = await runCommand(module, {
        args: ["run", path, "--error-format", "json"],
        stdout: () => {},
        stderr: (b) => err.push(Buffer.from(b)),
        preopens: [hostPreopen(inner, ".")],
      });
      assert.equal(r.exitCode, 3, path);
      assert.equal(JSON.parse(Buffer.concat(err).toString()).error.code, "file_not_readable", path);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("inside the wasm, Python faults are Python exceptions, never traps", async () => {
  const pythonModule = await loadModule(join(repo, "build/wasi-python/remotemedia-python.wasm"));
  const usr = hostPreopen(join(repo, "build/wasi-python/wasi-deps/usr"), "/usr");
  const probe = `
import json, sys
class Probe:
    def process(self, what):
        try:
            if what == "recursion":
                def f(n):
                    return f(n + 1)
                f(0)
            elif what == "c-recursion":
                nested = []
                for _ in range(100000):
                    nested = [nested]
                json.dumps(nested)
            elif what == "thread":
                import threading
                threading.Thread(target=print).start()
            else:
                __import__(what)
            return "no error"
        except BaseException as e:
            return type(e).__name__
`;
  const manifest = { version: "v1", nodes: [{ id: "p", node_type: "PythonNode", params: { code: probe, class: "Probe" } }] };
  const raw = await runPipelineRaw(pythonModule, manifest, ["recursion", "c-recursion", "thread", "ctypes", "ssl", "numpy"], { preopens: [usr] });
  assert.equal(raw.exitCode, 0, raw.stderr);
  assert.deepEqual(JSON.parse(raw.stdout).outputs,
    ["RecursionError", "RecursionError", "RuntimeError", "ModuleNotFoundError", "ModuleNotFoundError", "ModuleNotFoundError"]);
  // numpy's error says why.
  const np = await runPipelineRaw(pythonModule, { version: "v1", nodes: [{ id: "p", node_type: "PythonNode", params: { code: "import numpy", class: "X" } }] }, [1], { preopens: [usr] });
  assert.equal(np.exitCode, 3);
  assert.match(np.stderr, /numpy is not available inside WebAssembly/);
});

// ---- packages: the host-side reader (the same code the browser uses) notices every changed byte.

test("the package reader notices any single changed byte of a signed package", async () => {
  const native = process.env.RM_NATIVE ?? join(repo, "build/native/remotemedia");
  const dir = mkdtempSync(join(tmpdir(), "rm-pkg-"));
  try {
    writeFileSync(join(dir, "remotemedia.wasm"), Buffer.from("\0asm\x01\0\0\0"));
    writeFileSync(join(dir, "m.json"), JSON.stringify(calculator));
    for (const args of [["keygen", "-o", join(dir, "k")], ["pack", join(dir, "m.json"), "--wasm-dir", dir, "--sign", join(dir, "k.key"), "-o", join(dir, "p.rmpkg")]]) {
      const r = spawnSync(native, args, { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
    }
    const key = readFileSync(join(dir, "k.pub"), "utf8");
    const good = new Uint8Array(readFileSync(join(dir, "p.rmpkg")));
    const pkg = await openPackage(good, { trustedKeys: [key] });
    assert.equal(pkg.trust, "trusted");
    assert.equal(pkg.signer, parsePublicKey(key).id);
    for (let i = 0; i < good.length; ++i) {
      const bad = good.slice();
      bad[i] ^= 0x01;
      const outcome = await openPackage(bad, { trustedKeys: [key] }).then((p) => p.trust, (e) => (e instanceof PackageError ? "refused" : String(e)));
      assert.notEqual(outcome, "trusted", `byte ${i} changed, still trusted`);
      assert.ok(outcome === "refused" || outcome === "untrusted", `byte ${i}: ${outcome}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- the sandbox: what a guest may change (issue #16)

test("a dangling symlink in a host folder cannot make the guest create a file outside it", async () => {
  const fs = await import("node:fs");
  const root = mkdtempSync(join(tmpdir(), "rm-host-"));
  try {
    const inner = join(root, "inner");
    fs.mkdirSync(inner);
    writeFileSync(join(inner, "calc.json"), JSON.stringify(calculator));
    fs.symlinkSync(join(root, "escaped.json"), join(inner, "out.json")); // dangling, pointing outside
    fs.symlinkSync("../escaped-too.json", join(inner, "rel.json"));
    fs.mkdirSync(join(inner, "sub"));
    fs.symlinkSync(root, join(inner, "sub", "up")); // a folder link leaving the root, used as a path component
    for (const out of ["out.json", "rel.json", "sub/up/via-folder.json"]) {
      const err = [];
      const r = await runCommand(module, {
        args: ["run", "calc.json", "--input", "[1]", "-o", out, "--error-format", "json"],
        stdout: () => {},
        stderr: (b) => err.push(Buffer.from(b)),
        preopens: [hostPreopen(inner, ".")],
      });
      assert.equal(r.exitCode, 3, out);
      assert.equal(JSON.parse(Buffer.concat(err).toString()).error.code, "file_not_writable", out);
    }
    assert.deepEqual(fs.readdirSync(root).sort(), ["inner"]);
    // A link that stays inside is followed.
    fs.symlinkSync("sub/target.json", join(inner, "inside.json"));
    const r = await runCommand(module, { args: ["run", "calc.json", "--input", "[1]", "-o", "inside.json"], stdout: () => {}, stderr: () => {},
      preopens: [hostPreopen(inner, ".")] });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(JSON.parse(readFileSync(join(inner, "sub", "target.json"), "utf8")).outputs, [12]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a read-only folder (the guest's /usr) cannot be written, on the host or in memory", async () => {
  const fs = await import("node:fs");
  const root = mkdtempSync(join(tmpdir(), "rm-usr-"));
  try {
    writeFileSync(join(root, "calc.json"), JSON.stringify(calculator));
    const enc = new TextEncoder();
    const mounts = [
      () => hostPreopen(root, "/usr", { readonly: true }),
      () => memoryPreopen("/usr", { "calc.json": enc.encode(JSON.stringify(calculator)) }, { readonly: true }),
    ];
    for (const mount of mounts) {
      for (const out of ["/usr/new.json", "/usr/calc.json"]) {
        const usr = mount();
        const err = [];
        const r = await runCommand(module, {
          args: ["run", "/usr/calc.json", "--input", "[1]", "-o", out, "--error-format", "json"],
          stdout: () => {},
          stderr: (b) => err.push(Buffer.from(b)),
          preopens: [usr],
        });
        assert.equal(r.exitCode, 3, out);
        assert.equal(JSON.parse(Buffer.concat(err).toString()).error.code, "file_not_writable", out);
        if (usr.dir) {
          assert.equal(readMemoryFile(usr, "new.json"), undefined);
          assert.equal(JSON.parse(new TextDecoder().decode(readMemoryFile(usr, "calc.json"))).metadata.name, "calculator");
        }
      }
    }
    assert.deepEqual(fs.readdirSync(root), ["calc.json"]);
    assert.equal(JSON.parse(readFileSync(join(root, "calc.json"), "utf8")).metadata.name, "calculator");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a failing stdout (a full disk, a closed pipe) fails the command with a named error, not the host", async () => {
  for (const code of ["ENOSPC", "EPIPE"]) {
    const err = [];
    const r = await runCommand(module, {
      args: ["run", "-", "--error-format", "json"],
      stdin: new TextEncoder().encode(JSON.stringify({ manifest: calculator, input_data: [1] })),
      stdout: () => {
        throw Object.assign(new Error(code), { code });
      },
      stderr: (b) => err.push(Buffer.from(b)),
    });
    assert.equal(r.exitCode, 3, code);
    assert.equal(r.trap, undefined);
    const error = JSON.parse(Buffer.concat(err).toString()).error;
    assert.equal(error.code, "stdout_not_writable");
    assert.match(error.message, code === "ENOSPC" ? /No space left on device/ : /Broken pipe/);
  }
});

test("the runner command survives a closed stdout and a non-blocking empty stdin", async () => {
  const runner = join(repo, "tools/remotemedia-wasi");
  const dir = mkdtempSync(join(tmpdir(), "rm-cli-"));
  try {
    writeFileSync(join(dir, "calc.json"), JSON.stringify(calculator));
    const full = spawnSync("sh", ["-c", `node '${runner}' run calc.json --input '[1]' > /dev/full`], { cwd: dir, encoding: "utf8" });
    assert.equal(full.status, 3, full.stderr);
    assert.match(full.stderr, /cannot write the output to stdout: No space left on device/);
    assert.doesNotMatch(full.stderr, /\n\s+at /); // no stack trace
    // stdin: an empty pipe that is non-blocking (EAGAIN until the writer closes it).
    const piped = spawnSync("python3", ["-c", `
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen(["node", sys.argv[1], "validate", "-", "--error-format", "json"], stdin=r, stderr=subprocess.PIPE)
os.close(r)
time.sleep(0.3)
os.write(w, b'{"version": "v1", "nodes": [{"id": "p", "node_type": "PassThrough"}]}')
os.close(w)
sys.stderr.write(p.communicate()[1].decode())
sys.exit(p.returncode)
`, runner], { cwd: dir, encoding: "utf8" });
    assert.equal(piped.status, 0, piped.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a session under WASI (run --stream) prints each output before the next item is sent", async () => {
  const { spawn } = await import("node:child_process");
  const dir = mkdtempSync(join(tmpdir(), "rm-session-"));
  writeFileSync(join(dir, "calc.json"), JSON.stringify(calculator));
  const child = spawn(process.execPath, [join(repo, "tools/remotemedia-wasi"), "run", "calc.json", "--stream"], { cwd: dir });
  let buffered = "";
  const waiting = [];
  child.stdout.on("data", (b) => {
    buffered += b;
    while (buffered.includes("\n") && waiting.length) {
      const i = buffered.indexOf("\n");
      waiting.shift()(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
    }
  });
  const nextLine = () => new Promise((resolve) => { waiting.push(resolve); child.stdout.emit("data", ""); });
  try {
    for (const [item, want] of [[1, "12"], [2.5, "15.0"], ["x", '"x"']]) {
      child.stdin.write(JSON.stringify(item) + "\n");
      assert.equal(await nextLine(), want); // stdin is still open: the output came from this item alone
    }
    child.stdin.end();
    assert.equal(await new Promise((resolve) => child.on("close", resolve)), 0);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
