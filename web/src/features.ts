// Engine feature detection for picking a module build.

// The smallest module that uses relaxed SIMD: one function (v128, v128, v128) -> v128 doing
// f32x4.relaxed_madd. Engines without relaxed SIMD (Node 20 without
// --experimental-wasm-relaxed-simd, older browsers) reject it.
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // relaxed_madd
]);

let relaxed: boolean | undefined;

/** Whether this engine runs relaxed-SIMD modules (the whisper module built with -mrelaxed-simd). */
export function hasRelaxedSimd(): boolean {
  relaxed ??= WebAssembly.validate(RELAXED_SIMD_PROBE);
  return relaxed;
}
