#include "nodes/audio/wav.hpp"

#include <cstring>

#include "core/size_math.hpp"

namespace rm {

namespace {

constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatFloat = 3;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;

std::uint32_t u32(const std::byte* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t u16(const std::byte* p) {
  return static_cast<std::uint16_t>(static_cast<unsigned>(p[0]) | static_cast<unsigned>(p[1]) << 8);
}

std::unexpected<Error> invalid(const std::string& what) {
  return fail(ErrorKind::InvalidInput, "invalid_wav", "invalid WAV file: " + what);
}

}  // namespace

bool looks_like_wav(std::span<const std::byte> b) {
  return b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 && std::memcmp(b.data() + 8, "WAVE", 4) == 0;
}

Result<Audio> decode_wav(std::span<const std::byte> b) {
  if (!looks_like_wav(b)) return invalid("no RIFF/WAVE header");
  std::uint16_t format = 0, channels = 0, bits = 0, block_align = 0;
  std::uint32_t rate = 0;
  bool have_fmt = false;
  std::span<const std::byte> data;
  bool have_data = false;
  std::size_t pos = 12;
  while (pos + 8 <= b.size()) {
    const char* id = reinterpret_cast<const char*>(b.data() + pos);
    std::uint32_t size = u32(b.data() + pos + 4);
    std::size_t body = pos + 8;
    const bool is_data = std::memcmp(id, "data", 4) == 0;
    // Compared, never added: body + size wraps where size_t is 32 bits (wasm32).
    if (!range_fits(body, size, b.size())) {
      if (!is_data) return invalid("truncated '" + std::string(id, 4) + "' chunk");
      // A data chunk cut short (an interrupted recording): keep the whole frames that are there.
      size = static_cast<std::uint32_t>(b.size() - body);
    }
    if (std::memcmp(id, "fmt ", 4) == 0) {
      if (size < 16) return invalid("'fmt ' chunk too short");
      format = u16(b.data() + body);
      channels = u16(b.data() + body + 2);
      rate = u32(b.data() + body + 4);
      block_align = u16(b.data() + body + 12);
      bits = u16(b.data() + body + 14);
      if (format == kFormatExtensible) {
        if (size < 40) return invalid("WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk too short");
        format = u16(b.data() + body + 24);  // the sub-format GUID starts with the format code
      }
      have_fmt = true;
    } else if (is_data) {
      data = b.subspan(body, size);
      have_data = true;
      break;
    }
    pos = body + size + (size & 1);  // chunks are padded to even sizes
  }
  if (!have_fmt) return invalid("no 'fmt ' chunk");
  if (!have_data) return invalid("no 'data' chunk");
  if (channels == 0 || channels > 64) return invalid("unsupported channel count " + std::to_string(channels));
  if (rate == 0 || rate > 1'000'000) return invalid("unsupported sample rate " + std::to_string(rate));
  const bool pcm = format == kFormatPcm && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
  const bool flt = format == kFormatFloat && bits == 32;
  if (!pcm && !flt)
    return fail(ErrorKind::InvalidInput, "unsupported_wav",
                "unsupported WAV encoding (format " + std::to_string(format) + ", " + std::to_string(bits) +
                    " bits): supported are PCM 8/16/24/32-bit and 32-bit float");
  const std::size_t bytes_per_sample = bits / 8;
  if (block_align != bytes_per_sample * channels) return invalid("block align does not match channels and bits");
  const std::size_t frames = data.size() / block_align;
  std::vector<float> out(frames * channels);
  const std::byte* p = data.data();
  for (std::size_t i = 0; i < out.size(); ++i, p += bytes_per_sample) {
    float v;
    switch (flt ? 0 : bits) {
      case 0: std::memcpy(&v, p, 4); break;
      case 8: v = (static_cast<float>(static_cast<unsigned>(p[0])) - 128.0f) / 128.0f; break;
      case 16: v = static_cast<float>(static_cast<std::int16_t>(u16(p))) / 32768.0f; break;
      case 24: {
        // Three little-endian bytes, sign-extended through the top of a 32-bit word.
        const std::uint32_t raw = static_cast<std::uint32_t>(p[0]) << 8 | static_cast<std::uint32_t>(p[1]) << 16 |
                                  static_cast<std::uint32_t>(p[2]) << 24;
        v = static_cast<float>(static_cast<std::int32_t>(raw) >> 8) / 8388608.0f;
        break;
      }
      default: v = static_cast<float>(static_cast<double>(static_cast<std::int32_t>(u32(p))) / 2147483648.0); break;
    }
    out[i] = v;
  }
  return Audio::from_samples(std::move(out), static_cast<int>(rate), channels);
}

std::vector<std::byte> encode_wav_float(const Audio& a) {
  const auto data_bytes = static_cast<std::uint32_t>(a.samples.size());
  std::vector<std::byte> out(44 + data_bytes);
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out[at + static_cast<std::size_t>(i)] = static_cast<std::byte>(v >> (8 * i) & 255);
  };
  auto put16 = [&](std::size_t at, std::uint16_t v) {
    out[at] = static_cast<std::byte>(v & 255);
    out[at + 1] = static_cast<std::byte>(v >> 8);
  };
  std::memcpy(out.data(), "RIFF", 4);
  put32(4, 36 + data_bytes);
  std::memcpy(out.data() + 8, "WAVEfmt ", 8);
  put32(16, 16);
  put16(20, kFormatFloat);
  put16(22, static_cast<std::uint16_t>(a.channels));
  put32(24, static_cast<std::uint32_t>(a.sample_rate));
  put32(28, static_cast<std::uint32_t>(a.sample_rate * a.channels * 4));
  put16(32, static_cast<std::uint16_t>(a.channels * 4));
  put16(34, 32);
  std::memcpy(out.data() + 36, "data", 4);
  put32(40, data_bytes);
  if (data_bytes) std::memcpy(out.data() + 44, a.samples.data(), data_bytes);
  return out;
}

}  // namespace rm
