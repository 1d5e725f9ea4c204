// AudioChunkerNode: a streaming accumulator. Audio items are joined and cut into windows of
// window_s seconds, advancing by hop_s (default: the window, no overlap); at end of input the
// rest is emitted as a shorter last window. Feeds long audio to nodes that want fixed windows.
#include <cmath>
#include <cstdint>

#include "core/registry.hpp"
#include "nodes/audio/audio_input.hpp"

namespace rm {
namespace {

class AudioChunkerNode final : public Node {
 public:
  Result<> open(const Params& p, const NodeContext&) override {
    window_s_ = p.number("window_s");
    hop_s_ = p.number("hop_s");
    if (window_s_ <= 0 || window_s_ > 3600)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "window_s must be in (0, 3600]");
    if (hop_s_ < 0 || hop_s_ > window_s_)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "hop_s must be in [0, window_s]");
    if (hop_s_ == 0) hop_s_ = window_s_;
    return {};
  }

  Result<> process(Value item, Emitter& out) override {
    RM_TRY(a, audio_input(item));
    if (rate_ == 0) {
      rate_ = a->sample_rate;
      channels_ = a->channels;
    } else if (a->sample_rate != rate_ || a->channels != channels_) {
      return node_error("audio_format_changed", "audio changed from " + std::to_string(rate_) + " Hz x" +
                                                    std::to_string(channels_) + " to " +
                                                    std::to_string(a->sample_rate) + " Hz x" +
                                                    std::to_string(a->channels) + " (resample first)");
    }
    if (window_ == 0) {
      // In samples (frames x channels), in 64 bits: 3600 s x 1 MHz x 64 channels does not fit in
      // wasm32's size_t, and a window that rounds to 0 samples would emit forever.
      const auto frames = [&](double seconds) { return static_cast<std::uint64_t>(std::llround(seconds * rate_)); };
      window_ = frames(window_s_) * static_cast<std::uint64_t>(channels_);
      hop_ = frames(hop_s_) * static_cast<std::uint64_t>(channels_);
      if (frames(window_s_) == 0 || frames(hop_s_) == 0)
        return fail(ErrorKind::InvalidInput, "invalid_param_value",
                    std::string(frames(window_s_) == 0 ? "window_s" : "hop_s") + " is less than one sample at " +
                        std::to_string(rate_) + " Hz (window_s " + std::to_string(window_s_) + ", hop_s " +
                        std::to_string(hop_s_) + ")");
    }
    // The consumed samples are dropped once they are most of the buffer, not after every window:
    // erasing the front for each window made the node quadratic in the audio's length.
    if (start_ > 0 && start_ >= pending_.size() / 2) {
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(start_));
      start_ = 0;
    }
    pending_.insert(pending_.end(), a->view().begin(), a->view().end());
    while (pending_.size() - start_ >= window_) {
      const auto first = pending_.begin() + static_cast<std::ptrdiff_t>(start_);
      out.emit(Audio::from_samples(std::vector<float>(first, first + static_cast<std::ptrdiff_t>(window_)), rate_,
                                   channels_));
      start_ += static_cast<std::size_t>(hop_);  // hop <= window <= what was there
    }
    return {};
  }

  Result<> flush(Emitter& out) override {
    if (start_ < pending_.size())
      out.emit(Audio::from_samples(
          std::vector<float>(pending_.begin() + static_cast<std::ptrdiff_t>(start_), pending_.end()), rate_,
          channels_));
    pending_ = {};
    start_ = 0;
    return {};
  }

 private:
  double window_s_ = 30, hop_s_ = 0;
  int rate_ = 0, channels_ = 1;
  std::uint64_t window_ = 0, hop_ = 0;  // in samples, set by the first item
  std::vector<float> pending_;
  std::size_t start_ = 0;  // pending_[start_..] is not consumed yet
};

RM_REGISTER_NODE(AudioChunkerNode,
                 NodeInfo{"AudioChunkerNode",
                          "Joins audio and cuts it into windows of window_s (streaming; the rest at end).",
                          "audio",
                          {ParamSpec{.name = "window_s",
                                     .type = ParamType::Number,
                                     .default_value = Json(30.0),
                                     .doc = "window length in seconds"},
                           ParamSpec{.name = "hop_s",
                                     .type = ParamType::Number,
                                     .default_value = Json(0.0),
                                     .doc = "advance between windows in seconds (0: the window length)"}},
                          [] { return std::make_unique<AudioChunkerNode>(); }});

}  // namespace
}  // namespace rm
