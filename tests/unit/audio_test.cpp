// Audio building blocks: WAV decoding edge cases and the resampler's signal quality.
#include <cmath>
#include <cstring>

#include "node_harness.hpp"
#include "nodes/audio/resample.hpp"
#include "nodes/audio/wav.hpp"
#include "test_util.hpp"

namespace rm {
namespace {

std::vector<std::byte> bytes(const std::string& s) { return test::bytes_of(s); }

std::string le32(std::uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
std::string le16(std::uint16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); }

std::string wav_header(std::uint16_t format, std::uint16_t channels, std::uint32_t rate, std::uint16_t bits,
                       const std::string& data, bool extensible = false) {
  const std::uint16_t block = static_cast<std::uint16_t>(channels * bits / 8);
  std::string fmt =
      le16(extensible ? 0xFFFE : format) + le16(channels) + le32(rate) + le32(rate * block) + le16(block) + le16(bits);
  if (extensible) fmt += le16(22) + le16(bits) + le32(0) + le16(format) + std::string(14, '\0');
  std::string body = "WAVEfmt " + le32(static_cast<std::uint32_t>(fmt.size())) + fmt + "data" +
                     le32(static_cast<std::uint32_t>(data.size())) + data;
  return "RIFF" + le32(static_cast<std::uint32_t>(body.size())) + body;
}

TEST(Wav, DecodesExtensiblePcm16) {
  const std::string data = le16(16384) + le16(static_cast<std::uint16_t>(-16384));
  auto a = decode_wav(bytes(wav_header(1, 1, 16000, 16, data, true)));
  ASSERT_TRUE(a) << test::describe(a.error());
  EXPECT_EQ(a->sample_rate, 16000);
  ASSERT_EQ(a->view().size(), 2u);
  EXPECT_EQ(a->view()[0], 0.5f);
  EXPECT_EQ(a->view()[1], -0.5f);
}

TEST(Wav, KeepsTheWholeFramesOfACutDataChunk) {
  std::string file = wav_header(1, 2, 8000, 16, std::string(8, '\0'));
  file.resize(file.size() - 3);  // the last frame is incomplete
  auto a = decode_wav(bytes(file));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->frames(), 1u);
}

TEST(Wav, FailsOnMissingDataChunk) {
  std::string file = wav_header(1, 1, 8000, 16, "");
  file.resize(file.find("data"));
  auto a = decode_wav(bytes(file));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, "invalid_wav");
  EXPECT_NE(a.error().message.find("no 'data' chunk"), std::string::npos);
}

TEST(Wav, FailsOnNonsenseHeaderValues) {
  EXPECT_FALSE(decode_wav(bytes(wav_header(1, 0, 8000, 16, "xx"))));     // no channels
  EXPECT_FALSE(decode_wav(bytes(wav_header(1, 1, 0, 16, "xx"))));        // no rate
  EXPECT_FALSE(decode_wav(bytes(wav_header(1, 1, 8000, 12, "xx"))));     // 12-bit
  EXPECT_FALSE(decode_wav(bytes(std::string("RIFF\0\0\0\0WAVE", 12))));  // nothing after the header
  EXPECT_FALSE(decode_wav(bytes("not a wav file at all")));
}

TEST(Wav, FloatRoundTripsThroughEncode) {
  Audio a = Audio::from_samples({0.25f, -0.75f, 1.0f, 0.0f}, 44100, 2);
  auto b = decode_wav(encode_wav_float(a));
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, a);
}

std::vector<float> tone(double hz, int rate, double seconds) {
  std::vector<float> out(static_cast<std::size_t>(rate * seconds));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<float>(std::sin(2 * M_PI * hz * static_cast<double>(i) / rate));
  return out;
}

double rms(std::span<const float> x) {
  double s = 0;
  for (float v : x) s += static_cast<double>(v) * v;
  return std::sqrt(s / static_cast<double>(x.size()));
}

TEST(Resample, KeepsAToneInTheBand) {
  auto out = resample(tone(1000, 44100, 0.5), 1, 44100, 16000, ResampleQuality::Medium);
  ASSERT_EQ(out.size(), 8000u);
  const std::span<const float> middle(out.data() + 1000, 6000);  // away from the edges
  EXPECT_NEAR(rms(middle), std::sqrt(0.5), 0.01);
  int crossings = 0;
  for (std::size_t i = 1; i < middle.size(); ++i) crossings += middle[i - 1] < 0 && middle[i] >= 0;
  EXPECT_NEAR(crossings, 6000 * 1000 / 16000, 1);
}

TEST(Resample, RemovesWhatTheNewRateCannotCarry) {
  // 10 kHz is above the 8 kHz Nyquist frequency of 16 kHz: it must not alias back in.
  auto out = resample(tone(10000, 48000, 0.5), 1, 48000, 16000, ResampleQuality::High);
  const std::span<const float> middle(out.data() + 1000, 6000);
  EXPECT_LT(rms(middle), 0.01);
}

TEST(Resample, MixesChannelsToMono) {
  auto mono = mix_to_mono(std::vector<float>{1.0f, 0.0f, -0.5f, 0.5f}, 2);
  EXPECT_EQ(mono, (std::vector<float>{0.5f, 0.0f}));
}

// ---- sizes from the file are compared, never added (wasm32's size_t is 32 bits) --------------

TEST(Wav, ChunkSizeNearFourGigabytesIsATruncatedChunkNotAHang) {
  // 'junk' (or 'fmt ') claiming 0xFFFFFFF8 bytes: pos + 8 + size wrapped to pos in wasm32, and the
  // reader went round in a loop forever.
  for (const char* id : {"junk", "fmt "}) {
    std::string file = "RIFF" + le32(52) + "WAVE" + id + le32(0xFFFFFFF8u);
    file.resize(60, '\0');
    auto a = decode_wav(bytes(file));
    RM_ASSERT_ERROR(a) << id;
    EXPECT_EQ(a.error().code, "invalid_wav");
    EXPECT_NE(a.error().message.find(std::string("truncated '") + id + "' chunk"), std::string::npos)
        << a.error().message;
  }
}

TEST(Wav, DataSizeNearFourGigabytesKeepsTheFramesThatAreThere) {
  // A data chunk claiming 0xFFFFFFF0 bytes read past the file in wasm32 (a trap).
  for (std::uint32_t size : {0xFFFFFFF0u, 0xFFFFFFF7u, 0xFFFFFFFFu}) {
    std::string file = wav_header(1, 1, 8000, 16, le16(16384) + le16(8192));
    file.replace(file.find("data") + 4, 4, le32(size));
    auto a = decode_wav(bytes(file));
    RM_ASSERT_OK(a);
    EXPECT_EQ(a->frames(), 2u) << size;
  }
}

// ---- memory bombs are named errors --------------------------------------------------------------

Audio tone(int rate, int channels, std::size_t frames) {
  return Audio::from_samples(std::vector<float>(frames * static_cast<std::size_t>(channels), 0.25f), rate, channels);
}

TEST(AudioChunker, WindowOrHopOfLessThanOneSampleIsANamedError) {
  // A window that rounds to 0 samples emitted empty windows forever.
  for (const char* params : {R"({"window_s": 0.0001})", R"({"window_s": 1, "hop_s": 0.0001})"}) {
    auto h = test::NodeHarness::create("AudioChunkerNode", params);
    RM_ASSERT_OK(h);
    auto out = h->push(Value(tone(1000, 1, 100)));
    RM_ASSERT_ERROR(out) << params;
    EXPECT_EQ(out.error().code, "invalid_param_value");
    EXPECT_NE(out.error().message.find("less than one sample at 1000 Hz"), std::string::npos) << out.error().message;
  }
}

TEST(AudioChunker, ManySmallWindowsOfLongAudioComeOutInOrder) {
  // Each window used to erase the front of the buffer: quadratic in the audio's length (this
  // input moved 4.6 TB, minutes; now 20 MB). The CTest timeout of the unit tests (120 s) guards
  // against its return.
  constexpr std::size_t frames = 8000 * 1200;  // 20 minutes at 8 kHz
  std::vector<float> samples(frames);
  for (std::size_t i = 0; i < frames; ++i) samples[i] = static_cast<float>(i % 40);
  auto h = test::NodeHarness::create("AudioChunkerNode", R"({"window_s": 0.005})");  // 40 samples
  RM_ASSERT_OK(h);
  auto out = h->push(Value(Audio::from_samples(std::move(samples), 8000, 1)));
  RM_ASSERT_OK(out);
  ASSERT_EQ(out->size(), frames / 40);
  for (const Value& w : *out) {
    ASSERT_EQ(w.audio()->view().size(), 40u);
    ASSERT_EQ(w.audio()->view()[39], 39.0f);
  }
  auto rest = h->finish();
  RM_ASSERT_OK(rest);
  EXPECT_TRUE(rest->empty());
}

TEST(AudioChunker, OverlappingWindowsAcrossItemsAreTheSameAsInOneItem) {
  std::vector<float> ramp(1000);
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<float>(i);
  auto run = [&](std::size_t piece) {
    auto h = test::NodeHarness::create("AudioChunkerNode", R"({"window_s": 0.1, "hop_s": 0.03})");
    std::vector<float> all;
    for (std::size_t at = 0; at < ramp.size(); at += piece) {
      const auto end = std::min(ramp.size(), at + piece);
      auto out = h->push(Value(Audio::from_samples(
          std::vector<float>(ramp.begin() + static_cast<long>(at), ramp.begin() + static_cast<long>(end)), 100 * 10,
          1)));
      for (const Value& w : *out) all.insert(all.end(), w.audio()->view().begin(), w.audio()->view().end());
    }
    auto rest = h->finish();
    for (const Value& w : *rest) all.insert(all.end(), w.audio()->view().begin(), w.audio()->view().end());
    return all;
  };
  const auto whole = run(1000);
  EXPECT_EQ(whole.size(), 31u * 100 + 70u);  // windows at 0, 30, .., 900; then the rest from 930
  EXPECT_EQ(run(7), whole);
  EXPECT_EQ(run(1), whole);
}

TEST(AudioResample, OutputBeyondTheLimitIsANamedErrorNotAnAllocation) {
  // 341 KB of 1 Hz x 64 channels to 384 kHz would have been 131 GB.
  auto h = test::NodeHarness::create("AudioResampleNode", R"({"target_sample_rate": 384000})");
  RM_ASSERT_OK(h);
  auto out = h->push(Value(tone(1, 64, 1333)));
  RM_ASSERT_ERROR(out);
  EXPECT_EQ(out.error().code, "audio_too_large");
  EXPECT_NE(out.error().message.find("AudioChunkerNode"), std::string::npos) << out.error().message;
  // Within the limit it resamples.
  auto small = test::NodeHarness::create("AudioResampleNode", R"({"target_sample_rate": 16000})");
  auto ok = small->push(Value(tone(8000, 2, 100)));
  RM_ASSERT_OK(ok);
  EXPECT_EQ((*ok)[0].audio()->frames(), 200u);
}

}  // namespace
}  // namespace rm
