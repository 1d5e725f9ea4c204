// AudioChunkerNode: a streaming accumulator. Audio items are joined and cut into windows of
// window_s seconds, advancing by hop_s (default: the window, no overlap); at end of input the
// rest is emitted as a shorter last window. Feeds long audio to nodes that want fixed windows.
#include <cmath>

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
    pending_.insert(pending_.end(), a->view().begin(), a->view().end());
    const auto ch = static_cast<std::size_t>(channels_);
    const auto window = static_cast<std::size_t>(std::llround(window_s_ * rate_)) * ch;
    const auto hop = static_cast<std::size_t>(std::llround(hop_s_ * rate_)) * ch;
    while (pending_.size() >= window) {
      out.emit(Audio::from_samples(std::vector<float>(pending_.begin(), pending_.begin() + static_cast<long>(window)),
                                   rate_, channels_));
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(hop));
    }
    return {};
  }

  Result<> flush(Emitter& out) override {
    if (!pending_.empty()) out.emit(Audio::from_samples(std::move(pending_), rate_, channels_));
    pending_ = {};
    return {};
  }

 private:
  double window_s_ = 30, hop_s_ = 0;
  int rate_ = 0, channels_ = 1;
  std::vector<float> pending_;
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
