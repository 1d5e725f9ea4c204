// The demo page: pick or paste a manifest, run it in a Web Worker, see outputs, graph and timings.
import { RemoteMediaRunner, RemoteMediaError } from "/dist/index.js";

const $ = (id) => document.getElementById(id);
const runner = new RemoteMediaRunner({
  workerUrl: "/dist/worker.js",
  moduleUrl: "/remotemedia.wasm",
  python: { moduleUrl: "/remotemedia-python.wasm", usrUrl: "/python-usr/" },
});
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

function showError(error) {
  const box = $("error");
  box.hidden = false;
  box.replaceChildren();
  const title = document.createElement("div");
  title.className = "message";
  title.textContent = error.message;
  box.append(title);
  const where = [];
  if (error.field) where.push(`field: ${error.field}`);
  if (error.node) where.push(`node: ${error.node}`);
  if (error.line) where.push(`line ${error.line}, column ${error.column}`);
  if (error.suggestion && !error.message.includes("did you mean")) where.push(`did you mean “${error.suggestion}”?`);
  if (error.code) where.push(`code: ${error.code}`);
  if (where.length) {
    const detail = document.createElement("div");
    detail.className = "where";
    detail.textContent = where.join(" · ");
    box.append(detail);
  }
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
  $("error").hidden = true;
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
    if (e instanceof RemoteMediaError) showError(e.error);
    else showError({ message: String(e?.message ?? e) });
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
  $("error").hidden = true;
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
  showError({ message: `could not load the module: ${e.message}` });
  setState("error", "module not loaded");
}
