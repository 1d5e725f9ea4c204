// AudioResampleNode: audio to `target_sample_rate` (band-limited sinc, resample.hpp), optionally
// mixed down to mono. Each item is resampled on its own.
#include "core/registry.hpp"
#include "nodes/audio/audio_input.hpp"
#include "nodes/audio/resample.hpp"

namespace rm {
namespace {

class AudioResampleNode final : public Node {
 public:
  Result<> open(const Params& params, const NodeContext&) override {
    rate_ = params.integer("target_sample_rate");
    if (rate_ < 1000 || rate_ > 384000)
      return fail(ErrorKind::InvalidInput, "invalid_param_value",
                  "target_sample_rate must be 1000..384000, got " + std::to_string(rate_));
    const std::string& q = params.string("quality");
    quality_ = q == "low" ? ResampleQuality::Low : q == "high" ? ResampleQuality::High : ResampleQuality::Medium;
    channels_ = params.integer("channels");
    if (channels_ != 0 && channels_ != 1)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "channels must be 0 (keep) or 1 (mix to mono)");
    return {};
  }

  Result<> process(Value item, Emitter& out) override {
    RM_TRY(a, audio_input(item));
    int channels = a->channels;
    if (channels_ == 1) channels = 1;
    if (const auto produced = resampled_frames(a->frames(), a->sample_rate, static_cast<int>(rate_)) *
                              static_cast<std::uint64_t>(channels);
        produced > kMaxResampledSamples)
      return node_error("audio_too_large",
                        std::to_string(a->frames()) + " frames at " + std::to_string(a->sample_rate) + " Hz x" +
                            std::to_string(channels) + " would become " + std::to_string(produced) + " samples at " +
                            std::to_string(rate_) + " Hz, more than the limit of " +
                            std::to_string(kMaxResampledSamples) + " (cut the audio with AudioChunkerNode first)");
    channels = a->channels;
    std::vector<float> samples;
    if (channels_ == 1 && channels > 1) {
      samples = mix_to_mono(a->view(), channels);
      channels = 1;
    } else {
      samples.assign(a->view().begin(), a->view().end());
    }
    if (a->sample_rate != rate_)
      samples = resample(samples, channels, a->sample_rate, static_cast<int>(rate_), quality_);
    out.emit(Audio::from_samples(std::move(samples), static_cast<int>(rate_), channels));
    return {};
  }

 private:
  std::int64_t rate_ = 16000;
  ResampleQuality quality_ = ResampleQuality::Medium;
  std::int64_t channels_ = 0;
};

RM_REGISTER_NODE(AudioResampleNode,
                 NodeInfo{"AudioResampleNode",
                          "Resamples audio to target_sample_rate (windowed sinc); channels 1 mixes to mono.",
                          "audio",
                          {ParamSpec{.name = "target_sample_rate",
                                     .type = ParamType::Integer,
                                     .default_value = Json(16000),
                                     .doc = "output rate in Hz"},
                           ParamSpec{.name = "quality",
                                     .type = ParamType::Enum,
                                     .default_value = Json("medium"),
                                     .doc = "filter length: low (8 zero crossings), medium (16), high (32)",
                                     .choices = {"low", "medium", "high"}},
                           ParamSpec{.name = "channels",
                                     .type = ParamType::Integer,
                                     .default_value = Json(0),
                                     .doc = "0 keeps the channels, 1 mixes them to mono"}},
                          [] { return std::make_unique<AudioResampleNode>(); }});

}  // namespace
}  // namespace rm
