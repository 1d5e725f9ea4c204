// Whisper benchmark on real speech, native vs WASI under Node vs Chromium, measured in one run and
// interleaved (round-robin over the configurations, so that load from elsewhere spreads over all of
// them). The figure is the WhisperNode's run time (execution_time_ms of `remotemedia run`, model
// load included), the same number natively and inside the wasm; best and median over the rounds.
//
//   * jfk.wav (11 s) with Whisper tiny.en (tools/fetch-whisper-model), f16 and q8_0: native 1 and 2
//     threads (the default OpenBLAS encoder, and portable_math: ggml's own kernels, the wasm's
//     arithmetic); WASI 1 thread (Node: SIMD128 module, and the relaxed-SIMD module with
//     --experimental-wasm-relaxed-simd; Chromium: both modules, in the demo's Web Worker runner);
//     WASI 2 threads (the threads build: Node worker_threads, Chromium nested Web Workers);
//   * a 3 s window (jfk's first 3 s), q8_0, with audio_ctx 0 (the full 30 s encoder) and -1 (fit).
//
// Usage: node web/bench/whisper-bench.mjs [--rounds 3] [--only f16|q8_0|stream] [--extra NAME=MODULE.wasm]...
// (--extra: one more full module to compare, under Node and in Chromium, e.g. another build)
// (after scripts/setup; needs sox)
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, repo, startServer } from "../test/chromium.mjs";

const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const rounds = Number(arg("--rounds", 3));
const only = arg("--only", "");
const native = join(repo, "build/native/remotemedia");
const relaxedModule = join(repo, "build/wasi-python-relaxed/remotemedia-python.wasm");
const threadsModule = join(repo, "build/wasi-python-threads/remotemedia-python.wasm");
const extras = process.argv.flatMap((a, i) => (a === "--extra" ? [process.argv[i + 1].split("=")] : []));

const models = join(repo, "build/models");
const tmp = mkdtempSync(join(repo, "build", "whisper-bench-"));
copyFileSync(join(models, "jfk.wav"), join(tmp, "jfk.wav"));
execFileSync("sox", [join(models, "jfk.wav"), join(tmp, "3s.wav"), "trim", "0", "3"]);

const manifest = (model, threads, audioCtx, portable = false) => JSON.stringify({ version: "v1", nodes: [{ id: "w",
  node_type: "WhisperNode", params: { model, n_threads: threads, audio_ctx: audioCtx, portable_math: portable } }] });
const timeOf = (stdout, what) => {
  try {
    const r = JSON.parse(stdout);
    return { ms: r.execution_time_ms, text: r.outputs[0].text };
  } catch {
    throw new Error(`${what}: no result:\n${stdout.slice(0, 500)}`);
  }
};

// One process per native / Node run, as a user would start it.
function cli(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: repo, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${what}: exit ${r.status}: ${r.stderr}`);
  return timeOf(r.stdout, what);
}
const nativeRun = (m, wav) => cli(native, ["run", m, "-i", wav], "native");
// threads > 1 makes the runner pick the threads build (with the relaxed-SIMD flag).
const nodeRun = (m, wav, relaxed, module, threads = 1) => cli(process.execPath, [...(relaxed ? ["--experimental-wasm-relaxed-simd"] : []),
  join(repo, "tools/remotemedia-wasi"), "--threads", String(threads), ...(module ? ["--module", module] : []),
  "--dir", join(repo, "build/models"), "run", m, "-i", wav], "node");

// Chromium: the demo page's runner library in a fresh profile; the model and audio go in as
// memory files, as the demo's speech panel does it.
const { server, base } = await startServer();
const { page, close } = await launchChromium([], "rm-whisper-bench-");
await page.route("**/bench-files/*", (route) => {
  const name = new URL(route.request().url()).pathname.split("/").pop();
  const extra = extras.find(([n]) => `${n}.wasm` === name);
  route.fulfill({ body: readFileSync(extra ? extra[1] : join(tmp, name)),
    headers: { "Cross-Origin-Resource-Policy": "same-origin", "Content-Type": extra ? "application/wasm" : "application/octet-stream" } });
});
await page.goto(base);
const browserRelaxed = await page.evaluate(async (extraNames) => {
  const { RemoteMediaRunner } = await import("/dist/index.js");
  const make = (relaxed) => new RemoteMediaRunner({ workerUrl: "/dist/worker.js", moduleUrl: "/remotemedia.wasm", python: {
    moduleUrl: "/remotemedia-python.wasm", usrUrl: "/python-usr/",
    ...(relaxed ? { relaxedModuleUrl: "/remotemedia-python-relaxed.wasm" } : {}) } });
  const get = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const runners = { simd: make(false), relaxed: make(true), threads: new RemoteMediaRunner({ workerUrl: "/dist/worker.js",
    moduleUrl: "/remotemedia.wasm", python: { moduleUrl: "/remotemedia-python.wasm", usrUrl: "/python-usr/",
      threadsModuleUrl: "/remotemedia-python-threads.wasm" } }) };
  for (const n of extraNames) runners[n] = new RemoteMediaRunner({ workerUrl: "/dist/worker.js", moduleUrl: "/remotemedia.wasm",
    python: { moduleUrl: `/bench-files/${n}.wasm`, usrUrl: "/python-usr/" } });
  window.bench = { runners, files: {
    "jfk.wav": await get("/bench-files/jfk.wav"), "3s.wav": await get("/bench-files/3s.wav"),
    "ggml-tiny.en.bin": await get("/models/ggml-tiny.en.bin"),
    "ggml-tiny.en-q8_0.bin": await get("/models/ggml-tiny.en-q8_0.bin") } };
  if (!crossOriginIsolated) throw new Error("the page is not cross-origin isolated: no threads");
  return WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0,
    10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11]));
}, extras.map(([n]) => n));
async function browserRun(manifestText, model, wav, variant) {
  const out = await page.evaluate(async ({ manifestText, model, wav, variant }) => {
    const { runners, files } = window.bench;
    const r = await runners[variant].exec(["run", "/work/w.json", "-i", `/work/${wav}`], "", {
      "/work": { "w.json": new TextEncoder().encode(manifestText), [wav]: files[wav], [model]: files[model] } });
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }, { manifestText, model, wav, variant });
  if (out.exitCode !== 0) throw new Error(`chromium ${variant}: exit ${out.exitCode}: ${out.stderr}`);
  return timeOf(out.stdout, `chromium ${variant}`);
}

// Configurations: name -> () => ms.
function configs(model, wav, audioCtx, threadsToo) {
  const hostManifest = join(tmp, `${model}-${wav}-${audioCtx}`);
  const c = {};
  for (const threads of threadsToo ? [1, 2] : [1]) {
    writeFileSync(`${hostManifest}-${threads}.json`, manifest(`../models/${model}.bin`, threads, audioCtx));
    c[`native ${threads}T`] = () => nativeRun(`${hostManifest}-${threads}.json`, join(tmp, wav));
  }
  writeFileSync(`${hostManifest}-portable.json`, manifest(`../models/${model}.bin`, 1, audioCtx, true));
  c["native portable 1T"] = () => nativeRun(`${hostManifest}-portable.json`, join(tmp, wav));
  const m1 = `${hostManifest}-1.json`;
  c["node simd128"] = () => nodeRun(m1, join(tmp, wav), false);
  if (existsSync(relaxedModule)) c["node relaxed"] = () => nodeRun(m1, join(tmp, wav), true);
  const pageManifest = manifest(`${model}.bin`, 1, audioCtx);
  c["chromium simd128"] = () => browserRun(pageManifest, `${model}.bin`, wav, "simd");
  if (browserRelaxed && existsSync(relaxedModule)) c["chromium relaxed"] = () => browserRun(pageManifest, `${model}.bin`, wav, "relaxed");
  if (threadsToo && browserRelaxed && existsSync(threadsModule)) {
    c["node threads 2T"] = () => nodeRun(`${hostManifest}-2.json`, join(tmp, wav), true, undefined, 2);
    c["chromium threads 2T"] = () => browserRun(manifest(`${model}.bin`, 2, audioCtx), `${model}.bin`, wav, "threads");
  }
  for (const [n, path] of extras) {
    c[`node ${n}`] = () => nodeRun(m1, join(tmp, wav), true, path);
    c[`chromium ${n}`] = () => browserRun(pageManifest, `${model}.bin`, wav, n);
  }
  return c;
}

const sections = [];
if (!only || only === "f16") sections.push(["jfk.wav (11 s), tiny.en f16", configs("ggml-tiny.en", "jfk.wav", 0, true)]);
if (!only || only === "q8_0") sections.push(["jfk.wav (11 s), tiny.en q8_0", configs("ggml-tiny.en-q8_0", "jfk.wav", 0, true)]);
if (!only || only === "stream") {
  sections.push(["3 s window, tiny.en q8_0, audio_ctx 0 (full 30 s encoder)", configs("ggml-tiny.en-q8_0", "3s.wav", 0, false)]);
  sections.push(["3 s window, tiny.en q8_0, audio_ctx -1 (150 frames)", configs("ggml-tiny.en-q8_0", "3s.wav", -1, false)]);
}
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`whisper bench: ${rounds} rounds, interleaved; load average before: ${load()}`);
try {
  for (const [title, c] of sections) {
    for (const f of Object.values(c)) await f();  // warm-up: page caches, compiled modules, models read once
    const times = Object.fromEntries(Object.keys(c).map((k) => [k, []]));
    const texts = {};
    for (let r = 0; r < rounds; ++r)
      for (const [k, f] of Object.entries(c)) {
        const { ms, text } = await f();
        times[k].push(ms);
        texts[k] = text;
      }
    const best = (xs) => Math.min(...xs);
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ref = best(times["native 1T"]);
    const ref2 = times["native 2T"] ? best(times["native 2T"]) : NaN;
    console.log(`\n${title}: WhisperNode ms, best / median of ${rounds}; ratios = best / native best (1 thread; 2 threads);`);
    console.log(`  words: the transcript's, * when they differ from native's with the same threads`);
    for (const [k, xs] of Object.entries(times)) {
      const two = k.endsWith("2T");
      const same = texts[k] === texts[two ? "native 2T" : "native 1T"];
      const words = `${texts[k].split(" ").filter(Boolean).length}${same ? " " : "*"}`;
      const vs2 = two ? `   x${(best(xs) / ref2).toFixed(2)} vs native 2T` : "";
      console.log(`  ${k.padEnd(20)} ${best(xs).toFixed(0).padStart(7)} / ${median(xs).toFixed(0).padStart(7)}  ${words.padStart(4)} words   x${(best(xs) / ref).toFixed(2)}${vs2}`);
    }
  }
} finally {
  console.log(`\nload average after: ${load()}`);
  await close();
  server.kill();
  rmSync(tmp, { recursive: true, force: true });
}
