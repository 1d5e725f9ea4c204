#include "nodes/audio/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace rm {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kTablePerZero = 512;  // table points per sinc zero crossing

// sin by range reduction and a Taylor series: only + - * /, so identical on every libm.
double det_sin(double x) {
  const double two_pi = 2 * kPi;
  x -= two_pi * std::floor(x / two_pi + 0.5);  // [-pi, pi]
  double term = x, sum = x, x2 = x * x;
  for (int n = 1; n < 14; ++n) {
    term *= -x2 / ((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}

// Modified Bessel function of the first kind, order 0 (series).
double bessel_i0(double x) {
  double sum = 1, term = 1;
  for (int k = 1; k < 40; ++k) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
  }
  return sum;
}

struct Filter {
  int zeros;                 // zero crossings on each side
  double beta;               // Kaiser window shape
  std::vector<float> table;  // h(t) for t = i / kTablePerZero, i = 0 .. zeros * kTablePerZero
};

Filter make_filter(ResampleQuality q) {
  Filter f;
  f.zeros = q == ResampleQuality::Low ? 8 : q == ResampleQuality::Medium ? 16 : 32;
  f.beta = q == ResampleQuality::Low ? 5.0 : q == ResampleQuality::Medium ? 7.0 : 9.0;
  const int n = f.zeros * kTablePerZero;
  f.table.resize(static_cast<std::size_t>(n) + 2);
  const double i0_beta = bessel_i0(f.beta);
  for (int i = 0; i <= n + 1; ++i) {
    const double t = static_cast<double>(i) / kTablePerZero;
    const double sinc = i == 0 ? 1.0 : det_sin(kPi * t) / (kPi * t);
    const double r = std::min(1.0, t / f.zeros);
    const double window = bessel_i0(f.beta * std::sqrt(std::max(0.0, 1 - r * r))) / i0_beta;
    f.table[static_cast<std::size_t>(i)] = static_cast<float>(sinc * window);
  }
  return f;
}

const Filter& filter_for(ResampleQuality q) {
  static const Filter low = make_filter(ResampleQuality::Low);
  static const Filter medium = make_filter(ResampleQuality::Medium);
  static const Filter high = make_filter(ResampleQuality::High);
  return q == ResampleQuality::Low ? low : q == ResampleQuality::Medium ? medium : high;
}

}  // namespace

std::uint64_t resampled_frames(std::uint64_t frames, int from_rate, int to_rate) {
  return (frames * static_cast<std::uint64_t>(to_rate) + static_cast<std::uint64_t>(from_rate) - 1) /
         static_cast<std::uint64_t>(from_rate);
}

std::vector<float> resample(std::span<const float> in, int channels, int from_rate, int to_rate, ResampleQuality q) {
  const std::size_t frames = in.size() / static_cast<std::size_t>(channels);
  if (from_rate == to_rate || frames == 0) return {in.begin(), in.end()};
  const Filter& f = filter_for(q);
  // Downsampling lowers the cutoff to the new Nyquist frequency, widening the filter in time.
  const double scale = std::min(1.0, static_cast<double>(to_rate) / from_rate);
  const double step = static_cast<double>(from_rate) / to_rate;
  const double reach = f.zeros / scale;  // input samples on each side
  const auto out_frames = static_cast<std::size_t>(resampled_frames(frames, from_rate, to_rate));
  std::vector<float> out(out_frames * static_cast<std::size_t>(channels));
  const double table_scale = scale * kTablePerZero;
  for (std::size_t o = 0; o < out_frames; ++o) {
    const double x = static_cast<double>(o) * step;  // position in input frames
    const auto first = static_cast<std::int64_t>(std::ceil(x - reach));
    const auto last = static_cast<std::int64_t>(std::floor(x + reach));
    for (int c = 0; c < channels; ++c) {
      double acc = 0;
      for (std::int64_t k = std::max<std::int64_t>(first, 0);
           k <= std::min<std::int64_t>(last, static_cast<std::int64_t>(frames) - 1); ++k) {
        const double pos = std::fabs(x - static_cast<double>(k)) * table_scale;
        const auto i = static_cast<std::size_t>(pos);
        if (i + 1 >= f.table.size()) continue;
        const double frac = pos - static_cast<double>(i);
        const double h = f.table[i] + frac * (f.table[i + 1] - f.table[i]);
        acc += h * in[static_cast<std::size_t>(k) * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)];
      }
      out[o * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] = static_cast<float>(acc * scale);
    }
  }
  return out;
}

std::vector<float> mix_to_mono(std::span<const float> in, int channels) {
  if (channels == 1) return {in.begin(), in.end()};
  const std::size_t frames = in.size() / static_cast<std::size_t>(channels);
  std::vector<float> out(frames);
  for (std::size_t f = 0; f < frames; ++f) {
    float sum = 0;
    for (int c = 0; c < channels; ++c) sum += in[f * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)];
    out[f] = sum / static_cast<float>(channels);
  }
  return out;
}

}  // namespace rm
