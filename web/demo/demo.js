// The demo page: pick or paste a manifest, run it in a Web Worker, see outputs, graph and timings.
import { RemoteMediaRunner, resultOf } from "/dist/index.js";
import { clearError, errorObject, showError } from "./errors.js";
import { showDownload } from "./downloads.js";
import { graphSvg } from "./graph.js";
import { livePipeline } from "./live.js";
import { CACHE, chosenModel, initModels } from "./models.js";
import { initPackages } from "./packages.js";
import { initRecorder } from "./record.js";
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

function drawGraph(manifest) {
  const svg = graphSvg(manifest);
  if (svg) $("graph").innerHTML = svg;
  else $("graph").textContent = "No nodes to draw.";
}

/**
 * The inputs box as JSON text, checked here: its errors name the box (the runtime would see the
 * inputs inside a request and count lines and columns from the request's start).
 */
function checkedInputs() {
  const text = $("inputs").value.trim() || "[]";
  let items;
  try {
    items = JSON.parse(text);
  } catch (e) {
    throw { code: "malformed_inputs", field: "inputs", message: `Inputs: not valid JSON: ${e.message}` };
  }
  if (!Array.isArray(items))
    throw { code: "invalid_inputs", field: "inputs", message: `Inputs: must be a JSON array of items (wrap a single item as [item]), got ${items === null ? "null" : typeof items}` };
  return text;
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
  clearError($("inputs-error"));
  $("outputs").textContent = "";
  setState("running", "loading…");
  try {
    let inputs;
    try {
      inputs = checkedInputs();
    } catch (error) {
      showError($("inputs-error"), error);
      throw error;
    }
    // The manifest as a file of its own: the runtime's line and column are the box's.
    const enc = new TextEncoder();
    const raw = await runner.exec(["run", "manifest.json", "-i", "inputs.json", "--error-format", "json"], "",
      { "/work": { "manifest.json": enc.encode($("manifest").value), "inputs.json": enc.encode(inputs) } }, { PWD: "/work" });
    const result = resultOf(raw);
    $("outputs").textContent = JSON.stringify(result.outputs, null, 2);
    $("t-run").textContent = ms(raw.timings.runMs);
    $("t-exec").textContent = ms(result.execution_time_ms);
    setState("done", `done · ${result.outputs.length} output${result.outputs.length === 1 ? "" : "s"}`);
  } catch (e) {
    if (e?.field !== "inputs") showError($("error"), errorObject(e));
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
  clearError($("inputs-error"));
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
window.livePipeline = livePipeline;
const build = runner.pythonBuild;
$("runtime-info").textContent = build && `Whisper runs in the ${{ threads: "threads build (relaxed SIMD + threads)",
  "relaxed-simd": "relaxed-SIMD build", simd128: "SIMD128 build" }[build.build]}, ${build.threads} thread${build.threads === 1 ? "" : "s"}` +
  (crossOriginIsolated ? "" : " (this page is not cross-origin isolated: no threads)");
$("wav-file").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  e.target.value = "";  // picking the same file again fires change again
  if (!file) return;
  await transcribe(runner, new Uint8Array(await file.arrayBuffer()), file.name);
  setState("idle", "ready");  // the speech panel shows its own outcome
});
$("model").addEventListener("change", () => ($("speech-model").textContent = chosenModel($("model")).label));
$("speech-model").textContent = chosenModel($("model")).label;
initRecorder(runner, () => setState("idle", "ready"));

await initPackages(runner, setState);
