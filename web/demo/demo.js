// The demo page: pick or paste a manifest, run it in a Web Worker, see outputs, graph and timings.
import { RemoteMediaRunner, RemoteMediaError, PackageError, describePackage, resultOf } from "/dist/index.js";
import { audioItem, encodeWav } from "./audio.js";
import { clearError, errorObject, pageMessage, showError } from "./errors.js";
import { showDownload } from "./downloads.js";
import { CACHE, initModels, modelBytes, whisperParams } from "./models.js";
import { transcribe, transcribePipeline } from "./speech.js";

const $ = (id) => document.getElementById(id);
const runner = new RemoteMediaRunner({
  workerUrl: "/dist/worker.js",
  moduleUrl: "/remotemedia.wasm",
  python: { moduleUrl: "/remotemedia-python.wasm", relaxedModuleUrl: "/remotemedia-python-relaxed.wasm",
            threadsModuleUrl: "/remotemedia-python-threads.wasm", usrUrl: "/python-usr/" },
  cache: CACHE,  // the Python-enabled module and its stdlib: not downloaded again on a reload
});
runner.addEventListener("download", (e) => showDownload(e.detail));
window.remoteMedia = runner;  // for the browser tests and the curious

const DEFAULT_INPUTS = {
  "calculator.json": "[1, 2, 3]",
  "fan-out.json": "[1, 2, 3, 4]",
  "text-processor.json": '[{"text": "Hello from Python in WebAssembly", "operations": ["uppercase", "word_count", "reverse"]}]',
};
const BROKEN_EXAMPLE = {
  version: "v1",
  metadata: { name: "broken", description: "An invalid manifest, to show how errors look." },
  nodes: [
    { id: "multiply", node_type: "MultiplyNod", params: { factor: 2 } },
    { id: "add", node_type: "AddNode", params: { addend: 10 } },
  ],
  connections: [{ from: "multiply", to: "add" }],
};
const examples = new Map();

function setState(state, text) {
  document.body.dataset.state = state;
  $("status").textContent = text ?? state;
}

const ms = (x) => (x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(1)} ms` : `${(x * 1000).toFixed(0)} µs`);

// ---- graph drawing: columns by depth (longest path from a source), rows in manifest order.
function drawGraph(manifest) {
  const box = $("graph");
  const nodes = Array.isArray(manifest?.nodes) ? manifest.nodes.filter((n) => n && typeof n.id === "string") : [];
  const edges = (manifest?.connections ?? manifest?.edges ?? []).filter((e) => e && e.from && e.to);
  if (nodes.length === 0) {
    box.textContent = "No nodes to draw.";
    return;
  }
  const depth = new Map(nodes.map((n) => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; ++pass) {
    for (const e of edges) {
      if (depth.has(e.from) && depth.has(e.to) && depth.get(e.to) < depth.get(e.from) + 1) depth.set(e.to, depth.get(e.from) + 1);
    }
  }
  const columns = [];
  for (const n of nodes) (columns[depth.get(n.id)] ??= []).push(n);
  const W = 150, H = 48, GX = 60, GY = 22, PAD = 12;
  const pos = new Map();
  columns.forEach((col, c) => col?.forEach((n, r) => pos.set(n.id, { x: PAD + c * (W + GX), y: PAD + r * (H + GY) })));
  const width = PAD * 2 + columns.length * (W + GX) - GX;
  const height = PAD * 2 + Math.max(...columns.map((c) => c?.length ?? 0)) * (H + GY) - GY;
  const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]);
  let svg = `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="pipeline graph">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
    <path d="M0,0 L10,5 L0,10 z" fill="#8d96ab"/></marker></defs>`;
  for (const e of edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    svg += `<path class="edge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 2},${y2}"/>`;
  }
  for (const n of nodes) {
    const p = pos.get(n.id);
    svg += `<g class="node" data-id="${esc(n.id)}"><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}"/>
      <text x="${p.x + W / 2}" y="${p.y + 20}">${esc(n.id)}</text>
      <text class="type" x="${p.x + W / 2}" y="${p.y + 37}">${esc(n.node_type ?? n.type ?? "?")}</text></g>`;
  }
  box.innerHTML = svg + "</svg>";
}

function onEdit() {
  try {
    drawGraph(JSON.parse($("manifest").value));
  } catch {
    /* drawn again once the JSON parses */
  }
}

async function run() {
  $("run").disabled = true;
  clearError($("error"));
  $("outputs").textContent = "";
  setState("running", "loading…");
  const manifestText = $("manifest").value;
  const inputText = $("inputs").value.trim() || "[]";
  try {
    const { result, timings } = await runner.run(manifestText, inputText);
    $("outputs").textContent = JSON.stringify(result.outputs, null, 2);
    $("t-run").textContent = ms(timings.runMs);
    $("t-exec").textContent = ms(result.execution_time_ms);
    setState("done", `done · ${result.outputs.length} output${result.outputs.length === 1 ? "" : "s"}`);
  } catch (e) {
    showError($("error"), errorObject(e));
    $("outputs").textContent = "No outputs: the run failed.";
    setState("error", "error");
  } finally {
    $("run").disabled = false;
  }
}

function choose(name) {
  const manifest = examples.get(name);
  $("manifest").value = JSON.stringify(manifest, null, 2);
  $("inputs").value = DEFAULT_INPUTS[name] ?? "[1, 2, 3]";
  $("description").textContent = manifest?.metadata?.description ?? "";
  clearError($("error"));
  drawGraph(manifest);
}

runner.addEventListener("progress", (e) => setState("running", `${e.detail.stage}…`));
$("run").addEventListener("click", run);
$("manifest").addEventListener("input", onEdit);
$("example").addEventListener("change", (e) => choose(e.target.value));

// The module loads while the examples are fetched.
performance.mark("rm:script");
const loading = runner.load().then(() => performance.mark("rm:module-loaded"));
const index = await (await fetch("/examples/index.json")).json();
for (const { name, manifest } of index) examples.set(name, manifest);
performance.mark("rm:examples");
const names = index.map((e) => e.name);
examples.set("broken (shows an error)", BROKEN_EXAMPLE);
for (const name of examples.keys()) $("example").append(new Option(name.replace(/\.json$/, ""), name));
// ?example=NAME picks the example to show first.
const wanted = new URLSearchParams(location.search).get("example");
choose(names.includes(wanted) ? wanted : names.includes("calculator.json") ? "calculator.json" : names[0]);
$("example").value = $("example").querySelector(`option[value="${CSS.escape(wanted ?? "")}"]`) ? wanted : $("example").value;
try {
  await loading;
  const info = runner.loadInfo;
  $("t-fetch").textContent = `${ms(info.fetchMs)} (once per page)`;
  $("t-compile").textContent = `${ms(info.compileMs)} (once per page, streaming)`;
  $("t-size").textContent = info.bytes ? `${(info.bytes / 1024).toFixed(0)} KiB transferred` : "–";
  setState("idle", "ready");
  // ?autorun runs the chosen example at once; the time from navigation to its result is kept
  // for the page-load benchmark.
  if (new URLSearchParams(location.search).has("autorun")) {
    await run();
    document.body.dataset.firstResultMs = performance.now().toFixed(1);
  }
} catch (e) {
  showError($("error"), { message: `could not load the module: ${e.message}` });
  setState("error", "module not loaded");
}

// ---- speech to text: a file or the microphone -> resample, VAD, Whisper, all in the worker.
await initModels($("model"), $("model-file"));
window.speechPipeline = transcribePipeline;  // for the browser tests
$("wav-file").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  e.target.value = "";  // picking the same file again fires change again
  if (!file) return;
  await transcribe(runner, new Uint8Array(await file.arrayBuffer()), file.name);
  setState("idle", "ready");  // the speech panel shows its own outcome
});

// Live: while recording, every LIVE_WINDOW_S seconds of audio is transcribed on its own, with the
// encoder sized to the window (audio_ctx -1) instead of Whisper's 30 s, so the text trails the
// speech by about one window plus the time to transcribe it. Windows queue while one runs.
const LIVE_WINDOW_S = 3;
const LIVE = {
  version: "v1",
  metadata: { name: "live-window" },
  nodes: [
    { id: "resample", node_type: "AudioResampleNode", params: { target_sample_rate: 16000, channels: 1 } },
    { id: "whisper", node_type: "WhisperNode", params: {} },
  ],
  connections: [{ from: "resample", to: "whisper" }],
};
window.liveTranscript = [];

function liveFeed(live, samples) {
  live.pending.push(samples);
  live.pendingLength += samples.length;
  if (live.pendingLength < live.rate * LIVE_WINDOW_S) return;
  const block = new Float32Array(live.pendingLength);
  let at = 0;
  for (const c of live.pending) { block.set(c, at); at += c.length; }
  live.pending = [];
  live.pendingLength = 0;
  live.queue.push({ samples: block, start: live.seconds, closedAt: performance.now() });
  live.seconds += block.length / live.rate;
  livePump(live);
}

async function livePump(live) {
  if (live.busy) return;
  live.busy = true;
  try {
    const model = await modelBytes($("model"));
    LIVE.nodes[1].params = whisperParams($("model"), "/work/model.bin", { audio_ctx: -1 });
    while (live.queue.length) {
      const w = live.queue.shift();
      const r = await runner.exec(["run", "/work/live.json", "-i", "/work/window.wav", "--error-format", "json"], "",
        { "/work": { "live.json": new TextEncoder().encode(JSON.stringify(LIVE)), "window.wav": encodeWav(w.samples, live.rate), "model.bin": model } });
      const whisper = resultOf(r).outputs[0];
      const delayMs = performance.now() - w.closedAt;
      const entry = { start: w.start, end: w.start + w.samples.length / live.rate, text: whisper.text.trim(), delayMs, queued: live.queue.length };
      window.liveTranscript.push(entry);
      const li = document.createElement("li");
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = `${entry.start.toFixed(1)}–${entry.end.toFixed(1)} s, +${delayMs.toFixed(0)} ms`;
      li.append(time, entry.text);
      $("live-transcript").append(li);
      document.body.dataset.liveWindows = String(window.liveTranscript.length);
    }
  } catch (e) {
    showError($("speech-error"), errorObject(e));
  } finally {
    live.busy = false;
  }
}

let recording = null;
$("record").addEventListener("click", async () => {
  if (recording) {  // stop
    const { stream, ctx, chunks, node } = recording;
    recording = null;
    node.disconnect();
    stream.getTracks().forEach((t) => t.stop());
    await ctx.close();
    $("record").textContent = "Record";
    const samples = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) { samples.set(c, at); at += c.length; }
    await transcribe(runner, encodeWav(samples, ctx.sampleRate), "the recording");
    setState("idle", "ready");
    return;
  }
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(stream);
  const node = ctx.createScriptProcessor(4096, 1, 1);
  const chunks = [];
  const live = $("live").checked ? { rate: ctx.sampleRate, pending: [], pendingLength: 0, queue: [], busy: false, seconds: 0 } : null;
  if (live) {
    window.liveTranscript = [];
    $("live-transcript").replaceChildren();
    $("live-transcript").hidden = false;
  }
  node.onaudioprocess = (ev) => {
    const samples = new Float32Array(ev.inputBuffer.getChannelData(0));
    chunks.push(samples);
    if (live) liveFeed(live, samples);
  };
  source.connect(node);
  node.connect(ctx.destination);
  recording = { stream, ctx, chunks, node };
  $("record").textContent = "Stop";
  $("speech-status").textContent = "recording…";
});

// ---- signed packages: verified on this page (WebCrypto) before their module is compiled.
let openedPackage = null;

/** A short tone as an audio item, for the transcribe package. */
function toneItem(seconds = 1, rate = 16000) {
  const samples = new Float32Array(seconds * rate);
  for (let i = 0; i < samples.length; ++i) samples[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate);
  return audioItem(samples, rate);
}
const PACKAGE_INPUTS = {
  calculator: () => "[1, 2, 3]",
  "text-processor": () => '[{"text": "Hello from a signed package", "operations": ["uppercase", "word_count"]}]',
  transcribe: () => JSON.stringify([toneItem()]),
};

function showPackageStatus(trust, text) {
  $("package-status").dataset.trust = trust;
  $("package-status").textContent = text;
}

async function loadPackage(source, label) {
  openedPackage = null;
  $("package-run").disabled = true;
  $("package-info").hidden = true;
  $("package-outputs").textContent = "";
  $("package-inputs").value = "";
  showPackageStatus("checking", `checking ${label}…`);
  try {
    const pkg = await runner.openPackage(source);
    const d = describePackage(pkg);
    openedPackage = pkg;
    const trustText = {
      trusted: `Verified: signed by the trusted key ${pkg.signer}.`,
      untrusted: `Intact, signed by key ${pkg.signer}, which this page does not trust.`,
      unsigned: "Intact, but not signed.",
    }[pkg.trust];
    showPackageStatus(pkg.trust, `${label}: ${trustText}`);
    const rows = [
      ["name", d.name ?? "–"],
      ["signer", pkg.signer ?? "none"],
      ["nodes", d.nodes.map((n) => `${n.id} (${n.node_type})`).join(" → ")],
      ["needs", (d.runtime?.features ?? []).join(", ") || "core only"],
      ["files", `${d.files.length}, ${(d.content_bytes / 1024).toFixed(0)} KiB`],
      ["built", `${d.builder?.name ?? "?"} ${d.builder?.version ?? ""}, ${d.created ?? "?"}`],
    ];
    $("package-info").replaceChildren(...rows.map(([k, v]) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      const td = document.createElement("td");
      th.textContent = k;
      td.textContent = v;
      tr.append(th, td);
      return tr;
    }));
    $("package-info").hidden = false;
    $("package-inputs").value = (PACKAGE_INPUTS[d.name] ?? (() => "[1, 2, 3]"))();
    $("package-run").disabled = false;
  } catch (e) {
    const reason = pageMessage(e);
    showPackageStatus("refused", `${label}: refused: ${reason}`);
  }
}

async function runPackage() {
  if (!openedPackage) return;
  $("package-run").disabled = true;
  $("package-outputs").textContent = "running…";
  document.body.dataset.package = "running";
  try {
    const { result, timings } = await runner.runPackage(openedPackage, $("package-inputs").value.trim() || "[]",
      { allowUnsigned: $("package-allow-unsigned").checked });
    $("package-outputs").textContent = JSON.stringify(result.outputs, null, 2);
    window.lastPackageResult = result;
    document.body.dataset.package = "done";
    setState("done", `package done · ${ms(timings.runMs)}`);
  } catch (e) {
    if (e instanceof PackageError) {
      showPackageStatus("refused", `Not run: ${pageMessage(e)}`);
      $("package-outputs").textContent = "Not run.";
    } else {
      $("package-outputs").textContent = `Failed: ${pageMessage(errorObject(e))}`;
    }
    document.body.dataset.package = "error";
  } finally {
    $("package-run").disabled = false;
  }
}

$("package-load").addEventListener("click", () => {
  const name = $("package-example").value;
  if (name) loadPackage(`/packages/${name}`, name);
});
$("package-file").addEventListener("change", (e) => {
  const file = e.target.files[0];
  if (file) loadPackage(file, file.name);
});
$("package-run").addEventListener("click", runPackage);
const drop = $("package-drop");
for (const target of [drop, $("packages")]) {
  target.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  target.addEventListener("dragleave", () => drop.classList.remove("over"));
  target.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const file = e.dataTransfer.files[0];
    if (file) loadPackage(file, file.name);
  });
}
try {
  const [packages, key] = await Promise.all([
    fetch("/packages/index.json").then((r) => (r.ok ? r.json() : [])),
    fetch("/packages/keys/demo.pub").then((r) => (r.ok ? r.text() : null)),
  ]);
  if (key) runner.addTrustedKey(key);
  for (const p of packages) $("package-example").append(new Option(`${p.name} (${(p.bytes / 1024).toFixed(0)} KiB)`, p.name));
  document.body.dataset.packages = String(packages.length);
} catch (e) {
  showPackageStatus("refused", `could not list the example packages: ${e.message}`);
}
