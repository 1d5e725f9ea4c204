// The microphone tap, on the audio rendering thread (an AudioWorklet, not the deprecated
// ScriptProcessorNode, so the main thread's work never makes the audio glitch): it mixes the
// input to mono and hands the page one block per ~100 ms (a message per 128-frame quantum would
// be ~125 a second).
class MicTap extends AudioWorkletProcessor {
  constructor() {
    super();
    this.size = Math.round(sampleRate / 10);
    this.block = new Float32Array(this.size);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const frames = channels[0].length;
    for (let i = 0; i < frames; ++i) {
      let sum = 0;
      for (const channel of channels) sum += channel[i];
      this.block[this.filled++] = sum / channels.length;
      if (this.filled === this.block.length) {
        this.port.postMessage(this.block, [this.block.buffer]);  // moved, not copied: detached here
        this.block = new Float32Array(this.size);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor("mic-tap", MicTap);
