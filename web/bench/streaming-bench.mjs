// Streaming transcription in Chromium, played in real time: the browser half of
// bench/streaming_bench.py (which runs this with --chromium and reports it next to the native
// session, the offline transcript and the Whisper-Streaming reference, from the same run).
//
// The page (tools/serve: cross-origin isolated, so the runner picks the threads build where the
// browser has relaxed SIMD) opens a session with runner.openSession (StreamingWhisperNode, the
// model mounted in memory), then pushes the WAV's 16 kHz samples in --chunk second packets, each
// once its audio would have been recorded, by the page's clock; every output is stamped with that
// clock when onOutput gets it. Then the page transcribes the whole WAV offline (WhisperNode, the
// same build). Prints one JSON object: the session's outputs with their arrival times (seconds from
// the first sample), the offline text, the time to open the session, the build and threads.
//
// Usage: node web/bench/streaming-bench.mjs --wav FILE.wav (16 kHz mono 16-bit) [--model FILE]
//        [--chunk 0.1] [--params '{"step": 0.5}']
// (after scripts/setup: the web runner, the full modules and build/models; Debian's Chromium)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, repo, startServer } from "../test/chromium.mjs";

const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const wavPath = arg("--wav", join(repo, "build/models/jfk.wav"));
const modelPath = arg("--model", join(repo, "build/models/ggml-tiny.en.bin"));
const chunk = Number(arg("--chunk", "0.1"));
const params = JSON.parse(arg("--params", "{}"));

/** The samples of a 16 kHz mono 16-bit PCM WAV file, as float32 (the bench converts others with sox). */
function readWav(path) {
  const b = readFileSync(path);
  if (b.toString("ascii", 0, 4) !== "RIFF" || b.toString("ascii", 8, 12) !== "WAVE") throw new Error(`${path}: not a WAV file`);
  let fmt = null;
  for (let at = 12; at + 8 <= b.length;) {
    const id = b.toString("ascii", at, at + 4), size = b.readUInt32LE(at + 4), body = at + 8;
    if (id === "fmt ") fmt = { format: b.readUInt16LE(body), channels: b.readUInt16LE(body + 2), rate: b.readUInt32LE(body + 4), bits: b.readUInt16LE(body + 14) };
    if (id === "data") {
      if (!fmt || fmt.format !== 1 || fmt.channels !== 1 || fmt.rate !== 16000 || fmt.bits !== 16)
        throw new Error(`${path}: want 16 kHz mono 16-bit PCM, got ${JSON.stringify(fmt)}`);
      const n = Math.floor(Math.min(size, b.length - body) / 2);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = b.readInt16LE(body + 2 * i) / 32768;
      return out;
    }
    at = body + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

const samples = readWav(wavPath);
const files = { "model.bin": readFileSync(modelPath), "audio.f32": Buffer.from(samples.buffer) };
const { server, base } = await startServer();
const { page, close } = await launchChromium([], "rm-streaming-bench-");
try {
  await page.route("**/bench-files/*", (route) => route.fulfill({
    body: files[new URL(route.request().url()).pathname.split("/").pop()],
    headers: { "Cross-Origin-Resource-Policy": "same-origin", "Content-Type": "application/octet-stream" } }));
  await page.goto(base);
  const result = await page.evaluate(async ({ chunk, params }) => {
    const { RemoteMediaRunner } = await import("/dist/index.js");
    const runner = new RemoteMediaRunner({ workerUrl: "/dist/worker.js", moduleUrl: "/remotemedia.wasm",
      python: { moduleUrl: "/remotemedia-python.wasm", relaxedModuleUrl: "/remotemedia-python-relaxed.wasm",
        threadsModuleUrl: "/remotemedia-python-threads.wasm", usrUrl: "/python-usr/" } });
    const get = async (name) => (await fetch(`/bench-files/${name}`)).arrayBuffer();
    const model = new Uint8Array(await get("model.bin"));
    const audio = new Float32Array(await get("audio.f32"));
    const manifest = { version: "v1", nodes: [{ id: "live", node_type: "StreamingWhisperNode",
      params: { model: "/models/model.bin", ...params } }] };
    const t_open = performance.now();
    const session = await runner.openSession(manifest, { mounts: { "/models": { "model.bin": model } } });
    const openS = (performance.now() - t_open) / 1000;
    const events = [];
    let t0 = 0;
    session.onOutput((out) => events.push([(performance.now() - t0) / 1000, out]));
    // The packets go in real time: each once its last sample would have been spoken; a push that
    // waits (full pipe) delays the next one, as a microphone's buffer would.
    const n = Math.round(chunk * 16000);
    const item = (part) => {
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      let s = "";
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { __audio__: true, audio: { meta: { dtype: "float32", sample_rate: 16000, channels: 1, frames: part.length }, data: btoa(s) } };
    };
    t0 = performance.now();
    for (let i = 0; i < audio.length; i += n) {
      const part = audio.slice(i, i + n);
      const due = t0 + ((i + part.length) / 16000) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await session.push(item(part));
    }
    await session.close();
    // The same audio offline in the same build (WhisperNode, one item): the transcript the stream
    // should match in the browser's own arithmetic.
    const offline = await runner.run({ version: "v1", nodes: [{ id: "offline", node_type: "WhisperNode",
      params: { model: "/models/model.bin" } }] }, [item(audio)], { "/models": { "model.bin": model } });
    return { open_s: openS, events, offline_text: offline.result.outputs[0].text, build: runner.pythonBuild ?? null, crossOriginIsolated: self.crossOriginIsolated,
      userAgent: navigator.userAgent };
  }, { chunk, params });
  process.stdout.write(JSON.stringify(result) + "\n");
} finally {
  await close();
  server.kill();
}
