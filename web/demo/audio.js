// Audio between the browser and the pipeline: WAV files go in as they are (the pipeline's own
// reader and resampler, as natively); any other format the browser decodes (FLAC, Ogg, MP3, ...)
// is decoded here and handed over as a 16 kHz mono float WAV; microphone samples go into a
// session as audio items (the __audio__ JSON form of docs/data.md).

/** Whisper's rate: decoding straight to it leaves the pipeline's resampler nothing to do. */
export const WHISPER_RATE = 16000;

const ascii = (bytes, from, to) => String.fromCharCode(...bytes.subarray(from, to));
export const isWav = (bytes) => bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WAVE";

/** Float32 mono samples -> a 32-bit float WAV file. */
export function encodeWav(samples, rate) {
  const bytes = new ArrayBuffer(44 + samples.length * 4);
  const v = new DataView(bytes);
  const text = (at, s) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF"); v.setUint32(4, 36 + samples.length * 4, true); text(8, "WAVEfmt ");
  v.setUint32(16, 16, true); v.setUint16(20, 3, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * 4, true); v.setUint16(32, 4, true); v.setUint16(34, 32, true);
  text(36, "data"); v.setUint32(40, samples.length * 4, true);
  new Float32Array(bytes, 44).set(samples);
  return new Uint8Array(bytes);
}

/** Any audio the browser decodes -> { samples (mono: the channels' average), rate }. Rejects otherwise. */
export async function decodeAudio(bytes, rate = WHISPER_RATE) {
  const audio = await new OfflineAudioContext(1, 1, rate).decodeAudioData(bytes.slice().buffer);
  const samples = new Float32Array(audio.length);
  for (let c = 0; c < audio.numberOfChannels; ++c) {
    const channel = audio.getChannelData(c);
    for (let i = 0; i < samples.length; ++i) samples[i] += channel[i] / audio.numberOfChannels;
  }
  return { samples, rate: audio.sampleRate };
}

/**
 * A picked file's bytes -> { wav: what the pipeline reads, decoded: { samples, rate } to draw, or
 * null }. Rejects with a message naming the file when the browser cannot decode it either.
 */
export async function pipelineAudio(bytes, name) {
  if (isWav(bytes)) return { wav: bytes, decoded: await decodeAudio(bytes).catch(() => null) };
  let decoded;
  try {
    decoded = await decodeAudio(bytes);
  } catch {
    throw new Error(`“${name}” is not audio this browser can decode (try WAV, FLAC, Ogg, MP3 or AAC)`);
  }
  return { wav: encodeWav(decoded.samples, decoded.rate), decoded };
}

/** Float32 samples as one audio item: {"__audio__": true, "audio": {meta, data (base64)}}. */
export function audioItem(samples, rate) {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { __audio__: true, audio: { meta: { dtype: "float32", sample_rate: rate, channels: 1 }, data: btoa(binary) } };
}
