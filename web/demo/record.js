// The Record button: the microphone through the AudioWorklet tap (mic.js), a level meter, and
// either live transcription on a session (live.js) or, on Stop, the whole recording transcribed
// as a file is.
import { encodeWav } from "./audio.js";
import { clearError, errorObject, showError } from "./errors.js";
import { openLive } from "./live.js";
import { levelDb, openMicrophone } from "./mic.js";
import { transcribe } from "./speech.js";

const $ = (id) => document.getElementById(id);

export function initRecorder(runner, onFinished) {
  let recording = null;
  const button = $("record");
  const status = $("speech-status");
  const fail = (e) => {
    showError($("speech-error"), errorObject(e));
    status.textContent = "failed";
    document.body.dataset.speech = "error";
  };

  async function start() {
    clearError($("speech-error"));
    button.disabled = true;
    document.body.dataset.speech = "recording";
    const blocks = [];
    let live = null;
    try {
      if ($("live").checked) {
        status.textContent = "opening the live session (loading the model)…";
        live = await openLive(runner);
      }
      let peak = -100;
      const mic = await openMicrophone((samples, rate) => {
        const db = levelDb(samples);
        peak = Math.max(peak, db);
        $("level").value = db;
        document.body.dataset.levelPeak = peak.toFixed(1);
        if (live) live.push(samples, rate).catch(fail);
        else blocks.push(samples);
      });
      recording = { mic, live, blocks };
      button.textContent = "Stop";
      status.textContent = live ? "recording, transcribing live…" : "recording…";
    } catch (e) {
      live?.terminate();
      fail(e);
    } finally {
      button.disabled = false;
    }
  }

  async function stop() {
    const { mic, live, blocks } = recording;
    recording = null;
    button.textContent = "Record";
    button.disabled = true;
    await mic.stop();
    $("level").value = -100;
    try {
      if (live) {
        status.textContent = "finishing the live transcript…";
        await live.close();
        status.textContent = `live: ${window.liveState.committed.length} committed piece(s)`;
        document.body.dataset.speech = "done";
      } else {
        const samples = new Float32Array(blocks.reduce((n, b) => n + b.length, 0));
        let at = 0;
        for (const b of blocks) { samples.set(b, at); at += b.length; }
        await transcribe(runner, encodeWav(samples, mic.rate), "the recording");
      }
    } catch (e) {
      fail(e);
    } finally {
      button.disabled = false;
      onFinished();
    }
  }

  button.addEventListener("click", () => (recording ? stop() : start()));
}
