// Start-up with Python, measured in one run:
//   * process start to printed TextProcessor result: native CLI vs tools/remotemedia-wasi (Node),
//   * Python ready inside the wasm: the same Python-enabled module, instantiated in-process, runs a
//     C++-only pipeline and the TextProcessor pipeline; the difference is the interpreter's start
//     plus importing the node,
//   * sizes of the Python-enabled module and its stdlib zip.
// Usage: node web/bench/startup-bench.mjs [--runs 15]
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostPreopen, loadModule, runPipelineRaw } from "../dist/node.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const runs = process.argv.includes("--runs") ? Number(process.argv[process.argv.indexOf("--runs") + 1]) : 15;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const input = '[{"text": "hello world", "operations": ["uppercase", "word_count"]}]';
const manifest = "examples/text-processor.json";  // relative: the WASI runner maps the current folder

function timed(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: repo });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return performance.now() - t0;
}
const native = [], wasi = [];
for (let i = 0; i < runs; ++i) {
  native.push(timed(join(repo, "build/native/remotemedia"), ["run", manifest, "--input", input]));
  wasi.push(timed(process.execPath, [join(repo, "tools/remotemedia-wasi"), "run", manifest, "--input", input]));
}

const pythonWasm = join(repo, "build/wasi-python/remotemedia-python.wasm");
const t0 = performance.now();
const module = await loadModule(pythonWasm);
const compileMs = performance.now() - t0;
const usr = () => [hostPreopen(join(repo, "build/wasi-python/wasi-deps/usr"), "/usr")];
const calc = { version: "v1", nodes: [{ id: "m", node_type: "MultiplyNode" }] };
const text = { version: "v1", nodes: [{ id: "t", node_type: "TextProcessorNode" }] };
const plainRun = [], pythonRun = [];
for (let i = 0; i < runs; ++i) {
  let s = performance.now();
  await runPipelineRaw(module, calc, "[1]", { preopens: usr() });
  plainRun.push(performance.now() - s);
  s = performance.now();
  const r = await runPipelineRaw(module, text, input, { preopens: usr() });
  if (r.exitCode !== 0) throw new Error(r.stderr);
  pythonRun.push(performance.now() - s);
}
const size = (p) => statSync(join(repo, p)).size;
console.log(`process start to TextProcessor result (median of ${runs}): native ${median(native).toFixed(1)} ms, ` +
  `WASI under Node ${median(wasi).toFixed(1)} ms`);
console.log(`Python-enabled module: compile ${compileMs.toFixed(1)} ms (Node, once); run without Python ` +
  `${median(plainRun).toFixed(1)} ms, with the TextProcessor ${median(pythonRun).toFixed(1)} ms => ` +
  `Python ready in ${(median(pythonRun) - median(plainRun)).toFixed(1)} ms`);
const wasmBytes = size("build/wasi-python/remotemedia-python.wasm"), zipBytes = size("build/wasi-python/wasi-deps/usr/lib/python311.zip");
console.log(`sizes: remotemedia-python.wasm ${wasmBytes} + python311.zip ${zipBytes} = ${wasmBytes + zipBytes} bytes`);
