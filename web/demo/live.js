// Live transcription on a session: the microphone's blocks go into one open pipeline (resample ->
// StreamingWhisperNode) in a worker of its own, so the model and Whisper load once; the node
// re-transcribes its growing buffer every step and commits the words that two hypotheses agree on
// (docs/audio.md, "Streaming transcription"). Partial text (it may still change) follows the
// committed text. An output's latency is the time from the capture of the audio it ends at to its
// arrival on the page.
import { audioItem } from "./audio.js";
import { modelBytes, whisperParams } from "./models.js";

const $ = (id) => document.getElementById(id);

export function livePipeline() {
  return {
    version: "v1",
    metadata: { name: "live-in-the-page" },
    nodes: [
      { id: "resample", node_type: "AudioResampleNode", params: { target_sample_rate: 16000, channels: 1 } },
      { id: "stream", node_type: "StreamingWhisperNode", params: whisperParams($("model"), "/models/model.bin") },
    ],
    connections: [{ from: "resample", to: "stream" }],
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Opens the session (the model loads once); resolves with { push(samples, rate), close() }. */
export async function openLive(runner) {
  const state = { committed: [], partial: "", latencies: [], partials: 0 };
  window.liveState = state;  // for the browser tests
  const committedBox = $("live-committed"), partialBox = $("live-partial");
  committedBox.textContent = "";
  partialBox.textContent = "";
  $("live-transcript").hidden = false;
  $("latency").textContent = "–";
  const session = await runner.openSession(livePipeline(), { mounts: { "/models": { "model.bin": await modelBytes($("model")) } } });
  // When each block's end was captured, in stream seconds: outputs say which audio they end at.
  const captured = [];
  let streamSeconds = 0;
  session.onOutput((out) => {
    const mark = captured.find((c) => c.end >= out.end - 1e-6);
    if (out.type === "committed") {
      state.committed.push(out);
      committedBox.textContent += (committedBox.textContent ? " " : "") + out.text.trim();
      partialBox.textContent = "";
      if (mark) state.latencies.push(performance.now() - mark.at);
      if (state.latencies.length)
        $("latency").textContent = `last ${seconds(state.latencies.at(-1))} · median ${seconds(median(state.latencies))} (${state.latencies.length} commits)`;
    } else if (out.type === "partial") {
      state.partials += 1;
      state.partial = out.text;
      partialBox.textContent = out.text.trim();
    }
  });
  // Pushes go one after another: a full pipe makes push() wait, and the blocks must stay in order.
  let pushing = Promise.resolve();
  return {
    push(samples, rate) {
      streamSeconds += samples.length / rate;
      captured.push({ end: streamSeconds, at: performance.now() });
      pushing = pushing.then(() => session.push(audioItem(samples, rate)));
      return pushing;
    },
    /** End of input: the node commits the rest; rejects with the session's error. */
    async close() {
      await pushing;
      await session.close();
    },
    terminate: () => session.terminate(),
  };
}
