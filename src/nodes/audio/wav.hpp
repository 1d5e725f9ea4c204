// WAV (RIFF/WAVE) reading and writing: PCM 8/16/24/32-bit, IEEE float 32-bit, any channel count
// and rate, WAVE_FORMAT_EXTENSIBLE included. Written by hand, not libsndfile: this one parser runs
// on every target (native, WASI, browser) with byte-identical results and no WASI port to maintain.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"

namespace rm {

// True when the bytes start like a WAV file (so the CLI can tell WAV input from JSON).
bool looks_like_wav(std::span<const std::byte> bytes);

// Decodes to float32 samples (interleaved). Corrupt, truncated or unsupported files are errors
// (code "invalid_wav") that say what is wrong.
Result<Audio> decode_wav(std::span<const std::byte> bytes);

// 32-bit float WAV (WAVE_FORMAT_IEEE_FLOAT).
std::vector<std::byte> encode_wav_float(const Audio& audio);

}  // namespace rm
