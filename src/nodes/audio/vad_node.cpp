// VADNode: voice activity by frame energy with an adaptive threshold (docs/audio.md):
//   1. mix to mono, cut into frames of frame_ms, energy of each frame in dBFS (RMS);
//   2. the noise floor is the 10th percentile of the frame energies; a frame is voiced when its
//      energy is above max(floor + threshold_db, min_energy_db);
//   3. voiced runs closer than min_silence_ms merge, runs shorter than min_speech_ms are dropped,
//      each segment is widened by padding_ms (within the audio).
// Output per audio item: {"segments":[{"start","end"}],"audio_duration"} (seconds), and with
// emit_audio the audio of each segment after it, as separate items.
#include <algorithm>
#include <cmath>

#include "core/registry.hpp"
#include "nodes/audio/audio_input.hpp"
#include "nodes/audio/resample.hpp"

namespace rm {
namespace {

class VADNode final : public Node {
 public:
  Result<> open(const Params& p, const NodeContext&) override {
    frame_ms_ = p.number("frame_ms");
    threshold_db_ = p.number("threshold_db");
    min_energy_db_ = p.number("min_energy_db");
    min_speech_ms_ = p.number("min_speech_ms");
    min_silence_ms_ = p.number("min_silence_ms");
    padding_ms_ = p.number("padding_ms");
    emit_audio_ = p.boolean("emit_audio");
    if (frame_ms_ < 5 || frame_ms_ > 200)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "frame_ms must be 5..200");
    if (min_speech_ms_ < 0 || min_silence_ms_ < 0 || padding_ms_ < 0)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "durations must not be negative");
    return {};
  }

  Result<> process(Value item, Emitter& out) override {
    RM_TRY(a, audio_input(item));
    const std::vector<float> mono = mix_to_mono(a->view(), a->channels);
    const double rate = a->sample_rate;
    const auto frame = std::max<std::size_t>(1, static_cast<std::size_t>(rate * frame_ms_ / 1000.0));
    const std::size_t n_frames = mono.size() / frame;
    std::vector<double> db(n_frames);
    for (std::size_t f = 0; f < n_frames; ++f) {
      double sum = 0;
      for (std::size_t i = f * frame; i < (f + 1) * frame; ++i) sum += static_cast<double>(mono[i]) * mono[i];
      db[f] = 10 * std::log10(sum / static_cast<double>(frame) + 1e-12);
    }
    Json segments = Json::array();
    std::vector<std::pair<std::size_t, std::size_t>> runs;  // in frames, [begin, end)
    if (n_frames > 0) {
      std::vector<double> sorted = db;
      std::sort(sorted.begin(), sorted.end());
      const double floor = sorted[n_frames / 10];
      const double threshold = std::max(floor + threshold_db_, min_energy_db_);
      for (std::size_t f = 0; f < n_frames;) {
        if (db[f] <= threshold) {
          ++f;
          continue;
        }
        std::size_t end = f;
        while (end < n_frames && db[end] > threshold) ++end;
        if (!runs.empty() && static_cast<double>(f - runs.back().second) * frame_ms_ < min_silence_ms_)
          runs.back().second = end;
        else
          runs.emplace_back(f, end);
        f = end;
      }
    }
    const double frame_s = static_cast<double>(frame) / rate;
    const double duration = static_cast<double>(a->frames()) / rate;
    for (const auto& [b, e] : runs) {
      if (static_cast<double>(e - b) * frame_ms_ < min_speech_ms_) continue;
      const double start = std::max(0.0, static_cast<double>(b) * frame_s - padding_ms_ / 1000.0);
      const double end = std::min(duration, static_cast<double>(e) * frame_s + padding_ms_ / 1000.0);
      Json seg = Json::object();
      seg.set("start", std::round(start * 1000) / 1000);
      seg.set("end", std::round(end * 1000) / 1000);
      segments.push_back(std::move(seg));
    }
    Json result = Json::object();
    result.set("segments", segments);
    result.set("audio_duration", std::round(duration * 1000) / 1000);
    out.emit(std::move(result));
    if (emit_audio_) {
      for (const Json& seg : segments.as_array()) {
        const auto from = static_cast<std::size_t>(seg.find("start")->as_number() * rate);
        const auto to = std::min(a->frames(), static_cast<std::size_t>(seg.find("end")->as_number() * rate));
        const auto ch = static_cast<std::size_t>(a->channels);
        std::vector<float> part(a->view().begin() + static_cast<long>(from * ch),
                                a->view().begin() + static_cast<long>(to * ch));
        out.emit(Audio::from_samples(std::move(part), a->sample_rate, a->channels));
      }
    }
    return {};
  }

 private:
  double frame_ms_ = 30, threshold_db_ = 12, min_energy_db_ = -50, min_speech_ms_ = 150, min_silence_ms_ = 300,
         padding_ms_ = 50;
  bool emit_audio_ = false;
};

ParamSpec number(const char* name, double value, const char* doc) {
  return ParamSpec{.name = name, .type = ParamType::Number, .default_value = Json(value), .doc = doc};
}

RM_REGISTER_NODE(VADNode, NodeInfo{"VADNode",
                                   "Finds speech segments by frame energy against an adaptive noise floor.",
                                   "audio",
                                   {number("frame_ms", 30, "analysis frame length in ms (5..200)"),
                                    number("threshold_db", 12,
                                           "how far above the noise floor (10th percentile) speech is, in dB"),
                                    number("min_energy_db", -50, "frames below this level (dBFS) are never speech"),
                                    number("min_speech_ms", 150, "shorter voiced runs are dropped"),
                                    number("min_silence_ms", 300, "shorter pauses do not split a segment"),
                                    number("padding_ms", 50, "each segment is widened by this much on both sides"),
                                    ParamSpec{.name = "emit_audio",
                                              .type = ParamType::Bool,
                                              .default_value = Json(false),
                                              .doc = "also emit each segment's audio, after the segment list"}},
                                   [] { return std::make_unique<VADNode>(); }});

}  // namespace
}  // namespace rm
