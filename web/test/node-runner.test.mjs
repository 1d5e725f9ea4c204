// The runner under Node: the same host code the browser worker uses.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { hostPreopen, loadModule, memoryPreopen, openPackage, PackageError, parsePublicKey, runCommand, runPipeline, runPipelineRaw,
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
