// Band-limited resampling: windowed sinc (Kaiser window) from a precomputed table with linear
// interpolation between table points. Everything is plain IEEE arithmetic (no libm calls in the
// table either), so native and WASI builds produce the same samples bit for bit.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rm {

enum class ResampleQuality { Low, Medium, High };

// The most samples (frames x channels) one resampled item may hold: 2 GiB of float32. More is
// refused by AudioResampleNode before anything is allocated (1 Hz to 384 kHz multiplies by 384000).
constexpr std::uint64_t kMaxResampledSamples = 1ull << 29;

// How many frames resampling `frames` from `from_rate` to `to_rate` gives (64-bit: no wrap).
std::uint64_t resampled_frames(std::uint64_t frames, int from_rate, int to_rate);

// Interleaved float samples at `from_rate` -> interleaved at `to_rate`, same channel count.
std::vector<float> resample(std::span<const float> in, int channels, int from_rate, int to_rate, ResampleQuality q);

// Interleaved -> mono, averaging the channels.
std::vector<float> mix_to_mono(std::span<const float> in, int channels);

}  // namespace rm
