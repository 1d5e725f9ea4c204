// Real-browser tests: Debian's Chromium, driven by playwright-core. Every conformance case runs
// in the page's Web Worker and must match the native CLI byte for byte (timing aside); the demo
// page runs an example, shows errors in place, logs no console errors, and is screenshotted.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium, repo, startServer } from "./chromium.mjs";

const native = process.env.RM_NATIVE ?? join(repo, "build/native/remotemedia");
const native_cli = () => native;
const casesDir = join(repo, "tests/conformance/cases");
let server, base, page, closeChromium, speechWav;
const consoleErrors = [];

before(async () => {
  ({ server, base } = await startServer());
  // Speech for the file picker; Chromium's fake microphone plays JFK (real speech, over and over).
  speechWav = join(mkdtempSync(join(tmpdir(), "rm-speech-")), "speech.wav");
  const spoken = spawnSync("espeak-ng", ["-w", speechWav, "Hello from the microphone, this is remote media."]);
  assert.equal(spoken.status, 0, "espeak-ng failed");
  const media = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    `--use-file-for-fake-audio-capture=${join(repo, "build/models/jfk.wav")}`];
  ({ page, close: closeChromium } = await launchChromium(media));
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(base);
  await page.waitForFunction(() => document.getElementById("status").textContent === "ready");
});

after(async () => {
  await closeChromium?.();
  server?.kill();
  if (speechWav) rmSync(join(speechWav, ".."), { recursive: true, force: true });
});

const TIMING = /"execution_time_ms":[-0-9.eE+]+/g;
const normalize = (s) => s.replace(TIMING, '"execution_time_ms":T');

/** The arguments and stdin of a case, as tests/conformance/run.py gives them. */
function caseCommand(dir) {
  const has = (f) => existsSync(join(dir, f));
  if (has("args.json")) {
    const spec = JSON.parse(readFileSync(join(dir, "args.json"), "utf8"));
    return { args: spec.command.map((a) => a.replace("{manifest}", "manifest.json").replace("{input}", "input.json")), stdin: "" };
  }
  if (has("stdin.json")) return { args: ["run", "-", "--error-format", "json"], stdin: readFileSync(join(dir, "stdin.json"), "utf8") };
  const args = ["run", "manifest.json", "--error-format", "json"];
  if (has("input.json")) args.push("-i", "input.json");
  return { args, stdin: "" };
}

test("every conformance case gives the native result in Chromium", async () => {
  // Python cases run in the Python-enabled module, which the runner switches to by itself; numpy
  // exists natively only.
  const cases = readdirSync(casesDir)
    .filter((c) => !existsSync(join(casesDir, c, "requires-numpy")) && !existsSync(join(casesDir, c, "requires-whisper")))
    .sort();
  assert.ok(cases.length > 20);
  for (const name of cases) {
    const dir = join(casesDir, name);
    const { args, stdin } = caseCommand(dir);
    const want = spawnSync(native, args, { cwd: dir, input: stdin, encoding: "utf8" });
    assert.ifError(want.error);
    const files = {};
    for (const f of readdirSync(dir, { withFileTypes: true })) if (f.isFile()) files[f.name] = [...readFileSync(join(dir, f.name))];
    // The case folder is mounted as "." and at its own path, the working folder, as the Node runner
    // maps the current folder: Python tracebacks then name the same files.
    const got = await page.evaluate(async ({ args, stdin, files, dir }) => {
      const tree = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new Uint8Array(v)]));
      const r = await window.remoteMedia.exec(args, stdin, { ".": tree, [dir]: tree }, { PWD: dir });
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    }, { args, stdin, files, dir });
    assert.equal(got.exitCode, want.status, `${name}: exit code`);
    assert.equal(normalize(got.stdout), normalize(want.stdout), `${name}: stdout`);
    assert.equal(got.stderr, want.stderr, `${name}: stderr`);
  }
});

test("embedded CPython imports a broad set of the standard library in Chromium", async () => {
  // The system this descends from died here with "RangeError: Maximum call stack size exceeded".
  const modules = ["json", "re", "typing", "dataclasses", "inspect", "collections", "datetime", "decimal",
    "fractions", "statistics", "random", "hashlib", "base64", "struct", "textwrap", "pathlib", "enum",
    "functools", "itertools", "string", "traceback", "ast", "csv", "zlib", "copy", "heapq", "contextlib",
    "weakref", "queue", "numbers", "operator", "warnings", "urllib.parse", "threading", "tokenize", "dis"];
  const code = `import importlib\nclass Importer:\n    def process(self, names):\n        return [importlib.import_module(n).__name__ for n in names]\n`;
  const manifest = { version: "v1", nodes: [{ id: "imp", node_type: "PythonNode", params: { code, class: "Importer" } }] };
  const got = await page.evaluate(async ({ manifest, modules }) => {
    const r = await window.remoteMedia.exec(["run", "-", "--error-format", "json"], JSON.stringify({ manifest, input_data: [modules] }));
    return r;
  }, { manifest, modules });
  assert.equal(got.exitCode, 0, got.stderr);
  assert.deepEqual(JSON.parse(got.stdout).outputs, [modules]);
});

test("a pipeline's Python cannot change the guest /usr in the page either", async () => {
  // Under Node the /usr a pipeline changed was what later runs trusted (issue #16): read-only everywhere.
  const code = readFileSync(join(repo, "tests/cli/usr_write_probe.py"), "utf8");
  const manifest = { version: "v1", nodes: [{ id: "probe", node_type: "PythonNode", params: { code, class: "Probe" } }] };
  const paths = ["/usr/lib/remotemedia/remotemedia/__init__.py", "/usr/lib/remotemedia/remotemedia/"];
  const got = await page.evaluate(async ({ manifest, paths }) =>
    window.remoteMedia.exec(["run", "-", "--error-format", "json"], JSON.stringify({ manifest, input_data: paths })), { manifest, paths });
  assert.equal(got.exitCode, 0, got.stderr);
  assert.deepEqual(JSON.parse(got.stdout).outputs, ["OSError", "OSError"]);
});

test("the demo page runs a Python pipeline with the embedded CPython", async () => {
  await page.selectOption("#example", "text-processor.json");
  await page.click("#run");
  await page.waitForFunction(() => document.body.dataset.state === "done" || document.body.dataset.state === "error");
  const [result] = JSON.parse(await page.textContent("#outputs"));
  assert.equal(result.results.uppercase, "HELLO FROM PYTHON IN WEBASSEMBLY");
  assert.equal(result.processed_by, "TextProcessorNode[demo]");
  await page.screenshot({ path: join(repo, "build/screenshots/demo-python.png"), fullPage: true });
});

test("the demo page runs the calculator example and draws its graph", async () => {
  await page.selectOption("#example", "calculator.json");
  await page.click("#run");
  await page.waitForFunction(() => document.body.dataset.state === "done");
  assert.deepEqual(JSON.parse(await page.textContent("#outputs")), [12, 14, 16]);
  assert.equal(await page.locator("#graph .node").count(), 2);
  assert.equal(await page.locator("#graph .edge").count(), 1);
  assert.match(await page.textContent("#t-run"), /^[0-9.]+ (ms|µs)$/);
  mkdirSync(join(repo, "build/screenshots"), { recursive: true });
  await page.screenshot({ path: join(repo, "build/screenshots/demo.png"), fullPage: true });
});

test("an invalid manifest shows a readable error in place", async () => {
  await page.selectOption("#example", "broken (shows an error)");
  await page.click("#run");
  await page.waitForFunction(() => document.body.dataset.state === "error");
  const error = await page.textContent("#error");
  assert.match(error, /unknown node type 'MultiplyNod'/);
  assert.match(error, /nodes\[0\]\.node_type/);
  assert.equal(await page.isVisible("#error"), true);
  await page.screenshot({ path: join(repo, "build/screenshots/demo-error.png"), fullPage: true });
  // Malformed JSON typed by hand: line and column are shown.
  await page.fill("#manifest", '{"version": "v1",\n  "nodes": [}');
  await page.click("#run");
  await page.waitForFunction(() => document.body.dataset.state === "error");
  assert.match(await page.textContent("#error"), /line 2, column 13/);
});

test("the page transcribes a WAV file exactly as the native CLI does", async () => {
  // The synthetic model: its tokens are deterministic and fast, and native prints the same.
  await page.selectOption("#model", "micro-f16.bin");
  await page.setInputFiles("#wav-file", speechWav);
  await page.waitForFunction(() => document.body.dataset.speech === "done" || document.body.dataset.speech === "error", null, { timeout: 120000 });
  const got = await page.evaluate(() => window.lastTranscript);
  assert.ok(got, "no transcript");
  // The same pipeline natively, with the same model and audio.
  const manifest = await page.evaluate(() => window.speechPipeline());
  assert.equal(manifest.nodes[2].params.max_tokens, 8, "the synthetic model needs its token cap");
  manifest.nodes[2].params.model = join(repo, "build/models/micro-f16.bin");
  const dir = mkdtempSync(join(tmpdir(), "rm-native-"));
  try {
    const path = join(dir, "pipeline.json");
    (await import("node:fs")).writeFileSync(path, JSON.stringify(manifest));
    const native = spawnSync(native_cli(), ["run", path, "-i", speechWav, "--threads", "1"], { encoding: "utf8" });
    assert.equal(native.status, 0, native.stderr);
    const [vad, whisper] = JSON.parse(native.stdout).outputs;
    assert.deepEqual(got.vad, vad);
    assert.deepEqual(got.whisper, whisper);
    assert.ok(vad.segments.length >= 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok((await page.locator("#transcript li").count()) >= 1);
  assert.ok((await page.locator("#waveform .segment").count()) >= 1);
  await page.screenshot({ path: join(repo, "build/screenshots/demo-speech.png"), fullPage: true });
});

test("Whisper runs on 2 threads in the page (the threads build) with native's tokens", async () => {
  // The demo page is cross-origin isolated and Chromium has relaxed SIMD: its runner picks the
  // threads build, whose thread workers are nested Web Workers over one shared memory.
  const caseDir = join(casesDir, "whisper-micro-transcribe");
  const manifest = JSON.parse(readFileSync(join(caseDir, "manifest.json"), "utf8"));
  manifest.nodes[0].params.model = "/work/micro-f16.bin";
  manifest.nodes[0].params.n_threads = 2;
  const files = {
    "w.json": [...Buffer.from(JSON.stringify(manifest))],
    "in.wav": [...readFileSync(join(caseDir, "in.wav"))],
  };
  const got = await page.evaluate(async (files) => {
    const model = new Uint8Array(await (await fetch("/models/micro-f16.bin")).arrayBuffer());
    const tree = { "micro-f16.bin": model };
    for (const [name, bytes] of Object.entries(files)) tree[name] = new Uint8Array(bytes);
    const r = await window.remoteMedia.exec(["run", "/work/w.json", "-i", "/work/in.wav"], "", { "/work": tree });
    return { isolated: crossOriginIsolated, module: window.remoteMedia.pythonModuleUrl, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }, files);
  assert.ok(got.isolated, "the demo page is not cross-origin isolated");
  assert.match(got.module, /remotemedia-python-threads\.wasm$/);
  assert.equal(got.exitCode, 0, got.stderr);
  const expected = JSON.parse(readFileSync(join(caseDir, "expected.json"), "utf8"));
  assert.deepEqual(JSON.parse(got.stdout).outputs, expected.outputs);
});

// JFK's sentence, and the word normalization of tests/audio/whisper_text.py (case and punctuation aside).
const JFK = "And so my fellow Americans ask not what your country can do for you ask what you can do for your country.";
const words = (text) => text.toLowerCase().replaceAll("-", " ").replace(/[^a-z0-9' ]+/g, " ").split(" ").filter(Boolean);

test("real speech in Chromium: jfk.wav through examples/transcribe.json gives JFK's words (tiny.en f16 and q8_0)", async () => {
  const manifest = JSON.parse(readFileSync(join(repo, "examples/transcribe.json"), "utf8"));
  manifest.nodes.find((n) => n.node_type === "WhisperNode").params.model = "/work/model.bin";
  for (const file of ["ggml-tiny.en.bin", "ggml-tiny.en-q8_0.bin"]) {
    const got = await page.evaluate(async ({ manifest, file }) => {
      const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
      const tree = { "pipeline.json": new TextEncoder().encode(JSON.stringify(manifest)),
        "jfk.wav": await bytes("/models/jfk.wav"), "model.bin": await bytes(`/models/${file}`) };
      const r = await window.remoteMedia.exec(["run", "/work/pipeline.json", "-i", "/work/jfk.wav", "--error-format", "json"], "", { "/work": tree });
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    }, { manifest, file });
    assert.equal(got.exitCode, 0, `${file}: ${got.stderr}`);
    const [whisper] = JSON.parse(got.stdout).outputs;
    assert.deepEqual(words(whisper.text), words(JFK), `${file}: ${whisper.text}`);
  }
});

/** Picks `file` in the speech panel and waits for its transcript: window.lastTranscript.whisper. */
async function transcribeInPage(file) {
  await page.evaluate(() => delete document.body.dataset.speech);
  await page.setInputFiles("#wav-file", file);
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.speech), null, { timeout: 180000 });
  assert.equal(await page.evaluate(() => document.body.dataset.speech), "done", await page.textContent("#speech-error"));
  return page.evaluate(() => window.lastTranscript.whisper);
}
const downloadState = (name) => page.getAttribute(`#downloads [data-name="${name}"]`, "data-state");
const DEFAULT_MODEL = "ggml-tiny.en-q8_0.bin";

test("the speech panel defaults to the real tiny.en (q8_0), shows its download, and hears JFK", async () => {
  await page.reload();
  await page.waitForFunction(() => document.getElementById("status").textContent === "ready");
  assert.equal(await page.inputValue("#model"), DEFAULT_MODEL);
  const offered = await page.$$eval("#model option", (o) => o.map((x) => x.value));
  for (const m of [DEFAULT_MODEL, "ggml-tiny.en-q5_1.bin", "ggml-tiny.en.bin"]) assert.ok(offered.includes(m), `${m} is not offered`);
  const params = await page.evaluate(() => window.speechPipeline().nodes.find((n) => n.node_type === "WhisperNode").params);
  assert.deepEqual(params, { model: "/work/model.bin" }, "no synthetic-model settings on a real model");
  const whisper = await transcribeInPage(join(repo, "build/models/jfk.wav"));
  assert.deepEqual(words(whisper.text), words(JFK), whisper.text);
  assert.equal(await downloadState(DEFAULT_MODEL), "downloaded");
  assert.match(await page.textContent(`#downloads [data-name="${DEFAULT_MODEL}"]`), /43\.6 MB, downloaded/);
  assert.ok(await page.isVisible("#downloads"));
  await page.screenshot({ path: join(repo, "build/screenshots/demo-speech-real.png"), fullPage: true });
});

test("after a reload the model and the Python module come from the page's cache; a damaged entry is fetched again", async () => {
  const fetched = [];  // GETs of the model that carried a body
  const listener = (r) => r.url().endsWith(`/models/${DEFAULT_MODEL}`) && r.request().method() === "GET" && r.status() === 200 && fetched.push(r.url());
  page.on("response", listener);
  try {
    await page.reload();
    await page.waitForFunction(() => document.getElementById("status").textContent === "ready");
    const whisper = await transcribeInPage(join(repo, "build/models/jfk.wav"));
    assert.deepEqual(words(whisper.text), words(JFK), whisper.text);
    assert.equal(await downloadState(DEFAULT_MODEL), "cached");
    assert.match(await page.textContent(`#downloads [data-name="${DEFAULT_MODEL}"]`), /from the cache/);
    assert.equal(await downloadState("Python stdlib"), "cached");
    assert.deepEqual(fetched, [], "the model was downloaded again");
    // Cut the cached copy short (as a write that died would), keeping its headers.
    const cut = await page.evaluate(async (url) => {
      const store = await caches.open("remotemedia-demo");
      const r = await store.match(url);
      const bytes = new Uint8Array(await r.arrayBuffer());
      await store.put(url, new Response(bytes.slice(0, bytes.length >> 1), { headers: r.headers }));
      return bytes.length;
    }, new URL(`/models/${DEFAULT_MODEL}`, base).href);
    assert.ok(cut > 1e7);
    await page.reload();
    await page.waitForFunction(() => document.getElementById("status").textContent === "ready");
    const again = await transcribeInPage(join(repo, "build/models/jfk.wav"));
    assert.deepEqual(words(again.text), words(JFK), again.text);
    assert.equal(await downloadState(DEFAULT_MODEL), "downloaded");
    assert.equal(fetched.length, 1);
  } finally {
    page.off("response", listener);
  }
});

test("the speech panel runs a model file of the user's own", async () => {
  await page.setInputFiles("#model-file", join(repo, "build/models/ggml-tiny.en-q8_0.bin"));
  assert.match(await page.inputValue("#model"), /^file:ggml-tiny\.en-q8_0\.bin:/);
  const whisper = await transcribeInPage(join(repo, "build/models/jfk.wav"));
  assert.deepEqual(words(whisper.text), words(JFK), whisper.text);
  assert.match(await page.textContent("#speech-status"), /ggml-tiny\.en-q8_0\.bin/);
  await page.selectOption("#model", DEFAULT_MODEL);
});

test("the page records from the microphone and transcribes it", async () => {
  await page.selectOption("#model", "micro-f16.bin");
  await page.click("#record");
  await page.waitForFunction(() => document.getElementById("speech-status").textContent === "recording…");
  await page.waitForTimeout(3000);  // let the fake microphone play the sentence
  await page.click("#record");
  await page.waitForFunction(() => document.body.dataset.speech === "done" || document.body.dataset.speech === "error", null, { timeout: 120000 });
  assert.equal(await page.evaluate(() => document.body.dataset.speech), "done");
  const got = await page.evaluate(() => window.lastTranscript);
  assert.ok(got.vad.segments.length >= 1, "no speech found in the recording");
  assert.ok(got.whisper.segments.length >= 1);
  assert.ok(got.whisper.audio_duration > 2);
});

test("live mode: a session over the AudioWorklet microphone, partial then committed text, level, latency, the build", async () => {
  await page.selectOption("#model", DEFAULT_MODEL);
  // The microphone must not go through the deprecated ScriptProcessorNode, and the model and
  // Whisper must load once: one session for the whole recording.
  await page.evaluate(() => {
    AudioContext.prototype.createScriptProcessor = () => { throw new Error("ScriptProcessorNode used"); };
    const runner = window.remoteMedia, open = runner.openSession.bind(runner);
    window.sessionsOpened = 0;
    runner.openSession = (...args) => { window.sessionsOpened += 1; return open(...args); };
  });
  await page.check("#live");
  await page.click("#record");
  await page.waitForFunction(() => (window.liveState?.committed.length ?? 0) >= 3 || document.body.dataset.speech === "error",
    null, { timeout: 300000 });
  await page.click("#record");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.speech), null, { timeout: 300000 });
  await page.uncheck("#live");
  assert.equal(await page.evaluate(() => document.body.dataset.speech), "done", await page.textContent("#speech-error"));
  const got = await page.evaluate(() => ({
    committed: window.liveState.committed.map((c) => c.text), partials: window.liveState.partials,
    latencies: window.liveState.latencies.length, sessions: window.sessionsOpened,
    worklet: window.micTap instanceof AudioWorkletNode, peakDb: Number(document.body.dataset.levelPeak),
    shown: document.getElementById("live-committed").textContent, latency: document.getElementById("latency").textContent,
    build: window.remoteMedia.pythonBuild, info: document.getElementById("runtime-info").textContent,
    node: window.livePipeline().nodes.at(-1).node_type,
  }));
  assert.equal(got.node, "StreamingWhisperNode");
  assert.equal(got.sessions, 1);
  assert.ok(got.worklet, "the microphone tap is not an AudioWorkletNode");
  assert.ok(got.peakDb > -60, `the level meter saw no sound (${got.peakDb} dBFS)`);
  assert.ok(got.partials >= 1, "no partial text");
  assert.ok(got.latencies >= 1);
  assert.match(got.latency, /median [0-9.]+ s/);
  assert.equal(got.shown, got.committed.map((t) => t.trim()).join(" "));
  // The fake microphone speaks JFK's sentence: the committed words are (mostly) his.
  const heard = words(got.committed.join(" "));
  const his = new Set(words(JFK));
  assert.ok(heard.length >= 5, `committed: ${got.committed.join(" | ")}`);
  assert.ok(heard.filter((w) => his.has(w)).length >= 0.8 * heard.length, `committed: ${got.committed.join(" | ")}`);
  assert.match(got.info, new RegExp(`${got.build.threads} thread`));
  assert.match(got.info, got.build.build === "threads" ? /threads build/ : /SIMD/);
  console.log(`# live: ${got.committed.join(" | ")}; latency ${got.latency}; ${got.info}`);
  await page.screenshot({ path: join(repo, "build/screenshots/demo-live.png"), fullPage: true });
});

test("the page fits a 390 px wide phone screen", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.reload();
    await page.waitForFunction(() => document.getElementById("status").textContent === "ready");
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390,
      `too wide: ${await page.evaluate(() => [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > 390).map((e) => e.id || e.className || e.tagName).join(", "))}`);
    await page.screenshot({ path: join(repo, "build/screenshots/demo-phone.png"), fullPage: true });
  } finally {
    await page.setViewportSize({ width: 1280, height: 720 });
  }
});

test("errors are shown where they arise, in the page's terms, and go once a run succeeds", async () => {
  const run = async () => {
    await page.evaluate(() => delete document.body.dataset.state);
    await page.click("#run");
    await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state));
  };
  await page.selectOption("#example", "calculator.json");
  // The inputs box: its own error, naming it.
  await page.fill("#inputs", "[1, 2,");
  await run();
  assert.match(await page.textContent("#inputs-error"), /^Inputs: not valid JSON/);
  assert.equal(await page.isVisible("#error"), false);
  await page.fill("#inputs", '{"a": 1}');
  await run();
  assert.match(await page.textContent("#inputs-error"), /^Inputs: must be a JSON array of items/);
  // A manifest error on its first line: the line and column are the box's, as native gives them for the file.
  const text = '{"version": "v1", "nodes": [}';
  await page.fill("#inputs", "[1]");
  await page.fill("#manifest", text);
  await run();
  const tmp = mkdtempSync(join(tmpdir(), "rm-err-"));
  writeFileSync(join(tmp, "m.json"), text);
  const want = JSON.parse(spawnSync(native, ["run", join(tmp, "m.json"), "--input", "[1]", "--error-format", "json"], { encoding: "utf8" }).stderr).error;
  rmSync(tmp, { recursive: true, force: true });
  assert.match(await page.textContent("#error"), new RegExp(`line ${want.line}, column ${want.column}`));
  assert.equal(await page.isVisible("#inputs-error"), false);
  // The banner goes once a run succeeds.
  await page.fill("#manifest", readFileSync(join(repo, "examples/calculator.json"), "utf8"));
  await run();
  assert.equal(await page.evaluate(() => document.body.dataset.state), "done");
  assert.equal(await page.isVisible("#error"), false);
  // A bad WAV file: in the speech panel, named as the user knows it, not by its guest path.
  await page.evaluate(() => delete document.body.dataset.speech);
  await page.setInputFiles("#wav-file", { name: "broken.wav", mimeType: "audio/wav", buffer: Buffer.from("RIFF\x04\0\0\0WAVEjunk") });
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.speech));
  const wavError = await page.textContent("#speech-error");
  assert.match(wavError, /“broken\.wav”: invalid WAV file/);
  assert.doesNotMatch(wavError, /\/work\//);
  assert.equal(await page.isVisible("#error"), false);
  // Not audio at all.
  await page.evaluate(() => delete document.body.dataset.speech);
  await page.setInputFiles("#wav-file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("just some words") });
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.speech));
  assert.match(await page.textContent("#speech-error"), /“notes\.txt” is not audio this browser can decode/);
  await page.screenshot({ path: join(repo, "build/screenshots/demo-errors.png"), fullPage: true });
});

test("a manifest with a cycle still draws its graph, and the page logs nothing", async () => {
  const before = consoleErrors.length;
  const cycle = { version: "v1", nodes: ["a", "b", "c"].map((id) => ({ id, node_type: "MultiplyNode" })),
    connections: [{ from: "a", to: "b" }, { from: "b", to: "c" }, { from: "c", to: "a" }] };
  await page.fill("#manifest", JSON.stringify(cycle, null, 2));
  const viewBox = await page.getAttribute("#graph svg", "viewBox");
  assert.match(viewBox, /^0 0 [0-9.]+ [0-9.]+$/);
  assert.equal(await page.locator("#graph .node").count(), 3);
  assert.equal(await page.locator("#graph .edge").count(), 3);
  assert.equal(await page.locator("#graph .edge.back").count(), 1);
  for (const d of await page.$$eval("#graph path.edge", (p) => p.map((x) => x.getAttribute("d")))) assert.doesNotMatch(d, /NaN|undefined/);
  await page.click("#run");
  await page.waitForFunction(() => document.body.dataset.state === "error");
  assert.match(await page.textContent("#error"), /cycle/);
  assert.deepEqual(consoleErrors.slice(before), []);
  await page.screenshot({ path: join(repo, "build/screenshots/demo-cycle.png"), fullPage: true });
});

test("picking the same audio file again transcribes it again", async () => {
  await page.selectOption("#model", "micro-f16.bin");
  for (let i = 0; i < 2; ++i) {
    await page.evaluate(() => { delete window.lastTranscript; delete document.body.dataset.speech; });
    await page.setInputFiles("#wav-file", speechWav);
    await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.speech), null, { timeout: 120000 });
    assert.ok(await page.evaluate(() => window.lastTranscript), `pick ${i + 1} was not transcribed`);
  }
  await page.selectOption("#model", DEFAULT_MODEL);
});

test("any audio format the browser decodes: FLAC and Ogg Vorbis of jfk.wav give JFK's words", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "rm-formats-"));
  try {
    for (const ext of ["flac", "ogg"]) {
      const file = join(tmp, `jfk.${ext}`);
      const made = spawnSync("sox", [join(repo, "build/models/jfk.wav"), file], { encoding: "utf8" });
      assert.equal(made.status, 0, made.stderr);
      const whisper = await transcribeInPage(file);
      assert.deepEqual(words(whisper.text), words(JFK), `${ext}: ${whisper.text}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

// ---- signed packages on the page
const waitTrust = () =>
  page.waitForFunction(() => ["trusted", "untrusted", "unsigned", "refused"].includes(document.getElementById("package-status").dataset.trust));
async function loadExamplePackage(name) {
  await page.evaluate(() => (document.getElementById("package-status").dataset.trust = "none"));
  await page.selectOption("#package-example", name);
  await page.click("#package-load");
  await waitTrust();
}
async function runLoadedPackage() {
  await page.evaluate(() => delete document.body.dataset.package);
  await page.click("#package-run");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.package));
}

test("each example package is verified on the page and runs as it does natively", async () => {
  const names = readdirSync(join(repo, "build/examples")).filter((f) => f.endsWith(".rmpkg")).sort();
  assert.deepEqual(names, ["calculator.rmpkg", "text-processor.rmpkg", "transcribe.rmpkg"]);
  const tmp = mkdtempSync(join(tmpdir(), "rm-pkg-"));
  for (const name of names) {
    await loadExamplePackage(name);
    assert.equal(await page.getAttribute("#package-status", "data-trust"), "trusted", await page.textContent("#package-status"));
    await runLoadedPackage();
    assert.equal(await page.evaluate(() => document.body.dataset.package), "done", await page.textContent("#package-outputs"));
    const got = await page.evaluate(() => window.lastPackageResult.outputs);
    // The same package and inputs through the native CLI.
    writeFileSync(join(tmp, "items.json"), await page.inputValue("#package-inputs"));
    const want = spawnSync(native, ["run", join(repo, "build/examples", name), "--trusted-key", join(repo, "build/examples/keys/demo.pub"),
      "-i", join(tmp, "items.json")], { encoding: "utf8" });
    assert.equal(want.status, 0, want.stderr);
    assert.deepEqual(got, JSON.parse(want.stdout).outputs, name);
  }
  rmSync(tmp, { recursive: true, force: true });
  await page.screenshot({ path: join(repo, "build/screenshots/demo-package.png"), fullPage: true });
});

test("a tampered package is refused before anything in it runs, with the reason shown", async () => {
  const bytes = readFileSync(join(repo, "build/examples/calculator.rmpkg"));
  bytes[bytes.indexOf(Buffer.from("\0asm")) + 200] ^= 1;
  await page.evaluate(() => (document.getElementById("package-status").dataset.trust = "none"));
  await page.setInputFiles("#package-file", { name: "tampered.rmpkg", mimeType: "application/zip", buffer: bytes });
  await waitTrust();
  assert.equal(await page.getAttribute("#package-status", "data-trust"), "refused");
  assert.match(await page.textContent("#package-status"), /tampered\.rmpkg: refused: .*CRC-32 mismatch/);
  assert.equal(await page.isDisabled("#package-run"), true);
  await page.screenshot({ path: join(repo, "build/screenshots/demo-package-tampered.png"), fullPage: true });
});

test("an unsigned package is refused unless the user allows it", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "rm-pkg-"));
  const packed = spawnSync(native, ["pack", join(repo, "examples/calculator.json"), "-o", join(tmp, "unsigned.rmpkg")], { encoding: "utf8" });
  assert.equal(packed.status, 0, packed.stderr);
  await page.evaluate(() => (document.getElementById("package-status").dataset.trust = "none"));
  await page.setInputFiles("#package-file", join(tmp, "unsigned.rmpkg"));
  await waitTrust();
  assert.equal(await page.getAttribute("#package-status", "data-trust"), "unsigned");
  await runLoadedPackage();
  assert.equal(await page.evaluate(() => document.body.dataset.package), "error");
  assert.match(await page.textContent("#package-status"), /Not run: the package is not signed/);
  assert.doesNotMatch(await page.textContent("#package-status"), /--[a-z]/, "a command-line flag in the page");
  await page.check("#package-allow-unsigned");
  await runLoadedPackage();
  assert.equal(await page.evaluate(() => document.body.dataset.package), "done");
  assert.deepEqual(await page.evaluate(() => window.lastPackageResult.outputs), [12, 14, 16]);
  await page.uncheck("#package-allow-unsigned");
  rmSync(tmp, { recursive: true, force: true });
});

test("a session in the page keeps its instance: outputs as items are pushed, a run's outputs, errors typed", async () => {
  const got = await page.evaluate(async () => {
    const calc = { version: "v1", nodes: [{ id: "m", node_type: "MultiplyNode", params: { factor: 2 } },
      { id: "pairs", node_type: "BatchNode", params: { size: 2 } }], connections: [{ from: "m", to: "pairs" }] };
    const s = await window.remoteMedia.openSession(calc);
    const outputs = [];
    let notify = () => {};
    s.onOutput((o) => { outputs.push(o); notify(); });
    const seen = [];
    for (const item of [1, 2, 3, 4, 5]) {
      await s.push(item);
      // A pair is printed once its second item is in, with the session still open.
      if (item % 2 === 0) await new Promise((resolve) => { notify = resolve; if (outputs.length === item / 2) resolve(); });
      seen.push(outputs.length);
    }
    await s.close();
    const run = await window.remoteMedia.run(calc, [1, 2, 3, 4, 5]);
    const div = { version: "v1", nodes: [{ id: "d", node_type: "CalculatorNode", params: { operation: "divide", operand: 0 } }] };
    const bad = await window.remoteMedia.openSession(div);
    const before = [];
    bad.onOutput((o) => before.push(o));
    await bad.push("a");
    await bad.push(7);
    let error = null;
    try { await bad.close(); } catch (e) { error = { name: e.name, code: e.error.code, item: e.error.item }; }
    let refused = null;
    try { await window.remoteMedia.openSession({ version: "v1", nodes: [{ id: "x", node_type: "NoSuchNode" }] }); }
    catch (e) { refused = e.error.code; }
    return { outputs, seen, run: run.result.outputs, before, error, refused };
  });
  assert.deepEqual(got.outputs, [[2, 4], [6, 8], [10]]);
  assert.deepEqual(got.seen, [0, 1, 1, 2, 2]);
  assert.deepEqual(got.outputs, got.run);
  assert.deepEqual(got.before, ["a"]);
  assert.deepEqual(got.error, { name: "RemoteMediaError", code: "division_by_zero", item: 1 });
  assert.equal(got.refused, "unknown_node_type");
});

test("the page logged no console errors", () => {
  assert.deepEqual(consoleErrors, []);
});
