// WhisperNode: speech to text with whisper.cpp/ggml. Input: 16 kHz mono audio (put an
// AudioResampleNode{target_sample_rate: 16000, channels: 1} in front). Output per item:
// {"text", "segments":[{"start","end","text"}], "language", "audio_duration"}.
// The model, its params and the transcription call are shared with StreamingWhisperNode
// (whisper_model.cpp).
#include <string>

#include "core/registry.hpp"
#include "nodes/audio/whisper_model.hpp"

namespace rm {
namespace {

class WhisperNode final : public Node {
 public:
  Result<> open(const Params& p, const NodeContext& ctx) override { return model_.open(p, ctx); }

  Result<> process(Value item, Emitter& out) override {
    RM_TRY(a, whisper_audio(item));
    RM_TRY(transcript, model_.transcribe(a->view()));
    Json segments = Json::array();
    std::string text;
    for (const auto& s : transcript.segments) {
      Json seg = Json::object();
      seg.set("start", s.start);
      seg.set("end", s.end);
      seg.set("text", s.text);
      segments.push_back(std::move(seg));
      text += s.text;
    }
    const auto first = text.find_first_not_of(' ');
    Json result = Json::object();
    result.set("text", first == std::string::npos ? std::string() : text.substr(first));
    result.set("segments", std::move(segments));
    result.set("language", transcript.language);
    result.set("audio_duration", static_cast<double>(a->frames()) / kWhisperSampleRate);
    out.emit(std::move(result));
    return {};
  }

  void close() override { model_.close(); }

 private:
  WhisperModel model_;
};

NodeInfo whisper_node_info();
RM_REGISTER_NODE(WhisperNode, whisper_node_info());

NodeInfo whisper_node_info() {
  NodeInfo info{"WhisperNode", "Speech to text with whisper.cpp; needs 16 kHz mono audio.", "audio",
                whisper_param_specs(), [] { return std::make_unique<WhisperNode>(); }};
  info.feature = "whisper";
  return info;
}

}  // namespace
}  // namespace rm
