// Band-limited resampling: windowed sinc (Kaiser window) from a precomputed table with linear
// interpolation between table points. Everything is plain IEEE arithmetic (no libm calls in the
// table either), so native and WASI builds produce the same samples bit for bit.
#pragma once

#include <span>
#include <vector>

namespace rm {

enum class ResampleQuality { Low, Medium, High };

// Interleaved float samples at `from_rate` -> interleaved at `to_rate`, same channel count.
std::vector<float> resample(std::span<const float> in, int channels, int from_rate, int to_rate, ResampleQuality q);

// Interleaved -> mono, averaging the channels.
std::vector<float> mix_to_mono(std::span<const float> in, int channels);

}  // namespace rm
