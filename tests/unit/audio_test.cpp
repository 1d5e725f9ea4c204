// Audio building blocks: WAV decoding edge cases and the resampler's signal quality.
#include <cmath>
#include <cstring>

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

}  // namespace
}  // namespace rm
