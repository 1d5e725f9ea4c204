// The speech panel's model menu: the Whisper models tools/serve offers (/models/index.json), the
// real tiny.en first (8-bit: in the wasm, q8_0 has our own integer kernels, 5-bit goes through
// ggml's slower ones, and f16 pays for converting every weight it reads, since SIMD128 has no f16;
// streaming Harvard 1-2 under Node took 1.4-1.5x as long with either: docs/audio.md), or a ggml
// model file of the user's own.
// A served model is downloaded once with progress and kept in the page's cache (download.ts).
import { download } from "/dist/index.js";
import { showDownload } from "./downloads.js";

export const CACHE = "remotemedia-demo";

const KNOWN = [
  { name: "ggml-tiny.en-q8_0.bin", label: "Whisper tiny.en, 8-bit (q8_0, the fastest here)" },
  { name: "ggml-tiny.en-q5_1.bin", label: "Whisper tiny.en, 5-bit (q5_1, the smallest download, 1.4x slower)" },
  { name: "ggml-tiny.en.bin", label: "Whisper tiny.en, f16 (1.4x slower)" },
  // Random weights, for tests: they never end a segment, hence the token cap below.
  { name: "micro-f16.bin", label: "synthetic micro model (random weights: the words are noise)", synthetic: true },
];

const choices = new Map();  // option value -> { label, url } or { label, file }
let held = { key: null, bytes: null };  // the last model's bytes (one at a time: they are large)

const mb = (n) => `${(n / 1e6).toFixed(0)} MB`;

/** Fills the menu from what the server has. */
export async function initModels(select, filePicker) {
  const served = await fetch("/models/index.json").then((r) => (r.ok ? r.json() : []));
  for (const known of KNOWN) {
    const file = served.find((m) => m.name === known.name);
    if (!file) continue;
    choices.set(known.name, { ...known, url: `/models/${known.name}` });
    select.append(new Option(`${known.label} · ${mb(file.bytes)}`, known.name));
  }
  filePicker.addEventListener("change", () => {
    const file = filePicker.files[0];
    filePicker.value = "";  // picking the same file again fires change again
    if (!file) return;
    const key = `file:${file.name}:${file.size}:${file.lastModified}`;
    if (!choices.has(key)) {
      choices.set(key, { label: file.name, file });
      select.append(new Option(`your file: ${file.name} · ${mb(file.size)}`, key));
    }
    select.value = key;
    select.dispatchEvent(new Event("change"));
  });
}

/** The chosen model: { key, label, synthetic }. */
export function chosenModel(select) {
  const c = choices.get(select.value);
  return { key: select.value, label: c?.label ?? "no model", synthetic: !!c?.synthetic };
}

/** The chosen model's bytes: downloaded (with progress) or from the cache, or the picked file's. */
export async function modelBytes(select) {
  const key = select.value;
  const c = choices.get(key);
  if (!c) throw new Error("no Whisper model is available: run scripts/setup on the server");
  if (held.key === key) return held.bytes;
  held = { key: null, bytes: null };
  const bytes = c.file ? new Uint8Array(await c.file.arrayBuffer()) : await download(c.url, { cache: CACHE, onProgress: showDownload });
  held = { key, bytes };
  return bytes;
}

/** WhisperNode's params for the chosen model, mounted at `path`: a real model needs none besides. */
export function whisperParams(select, path, extra = {}) {
  const params = { model: path, ...extra };
  if (chosenModel(select).synthetic) Object.assign(params, { max_tokens: 8, suppress_end_of_text: true });
  return params;
}
