// The speech panel's file path: a picked audio file -> resample, VAD, Whisper in the worker; the
// transcript with times, and the waveform with the speech segments. Its errors stay in the panel.
import { resultOf } from "/dist/index.js";
import { pipelineAudio } from "./audio.js";
import { clearError, errorObject, showError } from "./errors.js";
import { chosenModel, modelBytes, whisperParams } from "./models.js";

const $ = (id) => document.getElementById(id);

/** The page's transcription pipeline for the chosen model (its files are mounted at /work). */
export function transcribePipeline() {
  return {
    version: "v1",
    metadata: { name: "transcribe-in-the-page" },
    nodes: [
      { id: "resample", node_type: "AudioResampleNode", params: { target_sample_rate: 16000, channels: 1 } },
      { id: "vad", node_type: "VADNode" },
      { id: "whisper", node_type: "WhisperNode", params: whisperParams($("model"), "/work/model.bin") },
    ],
    connections: [{ from: "resample", to: "vad" }, { from: "resample", to: "whisper" }],
  };
}

/** Guest paths in a runtime message -> what the user knows them as. */
function inPageTerms(error, names) {
  let message = error.message;
  for (const [path, name] of Object.entries(names)) message = message.replaceAll(path, name);
  return { ...error, message, field: error.field && names[error.field] ? undefined : error.field };
}

export function drawWaveform(decoded, segments) {
  const svg = $("waveform");
  if (!decoded) {
    svg.replaceChildren();
    return;
  }
  const data = decoded.samples;
  const columns = 800, per = Math.max(1, Math.floor(data.length / columns));
  let top = "", bottom = "";
  for (let x = 0; x < columns; ++x) {
    let lo = 0, hi = 0;
    for (let i = x * per; i < Math.min(data.length, (x + 1) * per); ++i) { lo = Math.min(lo, data[i]); hi = Math.max(hi, data[i]); }
    top += `${x},${(60 - hi * 58).toFixed(1)} `;
    bottom = `${x},${(60 - lo * 58).toFixed(1)} ` + bottom;
  }
  const seconds = data.length / decoded.rate || 1;
  svg.innerHTML = `<polygon class="wave" points="${top}${bottom}"/>` + segments.map((s) =>
    `<rect class="segment" x="${(s.start / seconds) * 800}" y="2" width="${((s.end - s.start) / seconds) * 800}" height="116"/>`).join("");
}

/** Transcribes one file's bytes; `name` is how errors refer to it. */
export async function transcribe(runner, bytes, name) {
  const status = $("speech-status");
  status.textContent = "transcribing…";
  document.body.dataset.speech = "running";
  clearError($("speech-error"));
  $("transcript").replaceChildren();
  const model = chosenModel($("model"));
  try {
    const { wav, decoded } = await pipelineAudio(bytes, name);
    status.textContent = "loading the model…";
    const modelFile = await modelBytes($("model"));
    status.textContent = "transcribing…";
    const t0 = performance.now();
    const enc = new TextEncoder();
    const r = await runner.exec(["run", "/work/pipeline.json", "-i", "/work/input.wav", "--error-format", "json"], "",
      { "/work": { "pipeline.json": enc.encode(JSON.stringify(transcribePipeline())), "input.wav": wav, "model.bin": modelFile } });
    let result;
    try {
      result = resultOf(r);
    } catch (e) {
      e.error = inPageTerms(e.error, { "/work/input.wav": `“${name}”`, "/work/model.bin": `the model (${model.label})` });
      throw e;
    }
    const [vad, whisper] = result.outputs;  // sinks in execution order
    window.lastTranscript = { vad, whisper, stdout: r.stdout };
    for (const s of whisper.segments) {
      const li = document.createElement("li");
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = `${s.start.toFixed(2)}–${s.end.toFixed(2)} s`;
      li.append(time, s.text.trim());
      $("transcript").append(li);
    }
    drawWaveform(decoded, vad.segments);
    status.textContent = `${vad.segments.length} speech segment(s), ${whisper.audio_duration.toFixed(2)} s of audio, ` +
      `${(performance.now() - t0).toFixed(0)} ms with ${model.label}`;
    document.body.dataset.speech = "done";
  } catch (e) {
    showError($("speech-error"), errorObject(e));
    status.textContent = "failed";
    document.body.dataset.speech = "error";
  }
}
