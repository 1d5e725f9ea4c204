// The microphone, through an AudioWorklet (mic-worklet.js), in an AudioContext at Whisper's 16 kHz:
// the browser resamples the capture, so each block is ready for the pipeline as it is.
import { WHISPER_RATE } from "./audio.js";

/**
 * Starts capturing; `onBlock(samples, rate)` gets each ~100 ms block of mono samples.
 * Resolves with { rate, stop() } (stop ends the capture and frees the microphone).
 */
export async function openMicrophone(onBlock) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false } });
  let ctx;
  try {
    ctx = new AudioContext({ sampleRate: WHISPER_RATE });
  } catch {
    ctx = new AudioContext();  // a browser without 16 kHz contexts: the pipeline's resampler does it
  }
  await ctx.audioWorklet.addModule("/mic-worklet.js");
  const source = ctx.createMediaStreamSource(stream);
  const tap = new AudioWorkletNode(ctx, "mic-tap", { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
  tap.port.onmessage = (e) => onBlock(e.data, ctx.sampleRate);
  source.connect(tap);
  tap.connect(ctx.destination);  // pulled by the graph; its output is silence
  window.micTap = tap;  // for the browser tests: the tap is an AudioWorkletNode
  return {
    rate: ctx.sampleRate,
    async stop() {
      tap.port.onmessage = null;
      source.disconnect();
      tap.disconnect();
      stream.getTracks().forEach((t) => t.stop());
      await ctx.close();
    },
  };
}

/** A block's level in dBFS (RMS), at least -100. */
export function levelDb(samples) {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return Math.max(-100, 10 * Math.log10(sum / Math.max(1, samples.length) || 1e-10));
}
