// Fuzz target for the WAV reader (the bytes of `-i file.wav`, and of any audio a page picks):
// decode_wav must answer every input with audio or a named error, never a crash, a hang or an
// out-of-bounds read. Where size_t is 32 bits (the fuzz32 preset, as in wasm32) a chunk size
// near 4 GiB is where wraps show up.
// Built by the `fuzz` (libFuzzer) and `fuzz32` (replay_main.cpp) presets; tests/fuzz/run.sh runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "nodes/audio/wav.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)rm::looks_like_wav(bytes);
  auto audio = rm::decode_wav(bytes);
  if (audio) {
    // What came out is consistent: whole frames, within what the file can hold.
    if (audio->channels <= 0 || audio->sample_rate <= 0) std::abort();
    if (audio->samples.size() % (sizeof(float) * static_cast<std::size_t>(audio->channels)) != 0) std::abort();
    if (audio->frames() > size) std::abort();
    (void)rm::encode_wav_float(*audio);
  } else if (audio.error().code.empty()) {
    std::abort();  // every error is named
  }
  return 0;
}
