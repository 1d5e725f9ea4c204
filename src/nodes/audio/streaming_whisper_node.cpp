// StreamingWhisperNode: live transcription of audio that arrives in chunks (16 kHz mono, any
// chunk size), after Whisper-Streaming. Every `step` seconds of new audio (or, with keep_up, as
// much audio as came during the last transcription, if more) it transcribes its whole buffer
// again (overlapping windows: the buffer keeps the audio since the last trim), and commits the
// words the last `agreement` hypotheses agree on (LocalAgreement-n, local_agreement.hpp), and at
// once the words after them that the model was sure of (`commit_confidence`), but the last. The
// buffer is trimmed at the end of a committed segment once it is longer than `buffer_trim`
// seconds, or as soon as two steps stall there (no word after it, a second of audio on), and at
// the last committed word once it reaches `max_buffer`. What was said in the audio
// that left the buffer is the decoder's prompt (tokens with their timestamps); committed segments
// still in it start the next transcription, decoded in one batch (`prefix_committed`).
//
// Output items, in order:
//   {"type": "committed", "text", "words": [{"text", "start", "end"}], "start", "end", "audio_time"}
//   {"type": "partial", "text", "start", "end", "audio_time", "buffer"}   (the rest of the newest hypothesis)
// Times are seconds from the start of the stream; audio_time is how much audio had arrived; buffer
// is how many seconds of it the hypothesis was transcribed from (a step's cost grows with it).
// Committed texts, concatenated, are the transcript (each word keeps its leading space). At end
// of input the rest of the audio is transcribed (with Whisper's whole window) and everything left is
// committed.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/registry.hpp"
#include "nodes/audio/local_agreement.hpp"
#include "nodes/audio/whisper_model.hpp"

namespace rm {
namespace {

// Whisper's annotations for what is not speech ("[BLANK_AUDIO]", "(music)") are not words.
bool is_annotation(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  return first != std::string::npos && (text[first] == '[' || text[first] == '(');
}

class StreamingWhisperNode final : public Node {
 public:
  Result<> open(const Params& p, const NodeContext& ctx) override {
    step_ = p.number("step");
    trim_ = p.number("buffer_trim");
    max_ = p.number("max_buffer");
    partial_ = p.boolean("partial");
    keep_up_ = p.boolean("keep_up");
    fallback_ = p.boolean("fallback");
    prefix_committed_ = p.boolean("prefix_committed");
    confidence_ = p.number("commit_confidence");
    max_tokens_set_ = p.integer("max_tokens") > 0;
    if (p.number("min_window") < 0 || p.number("min_window") > 30)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "min_window must be 0 to 30 seconds");
    min_ctx_ = std::max(1, static_cast<int>(p.number("min_window") * kWhisperFramesPerSecond));
    if (p.number("pad_window") < 0 || p.number("pad_window") > 30)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "pad_window must be 0 to 30 seconds");
    pad_ctx_ = static_cast<int>(p.number("pad_window") * kWhisperFramesPerSecond);
    const auto n = p.integer("agreement");
    const auto prompt_tokens = p.integer("prompt_tokens");
    if (prompt_tokens < 0 || prompt_tokens > kMostPromptTokens)
      return fail(ErrorKind::InvalidInput, "invalid_param_value",
                  "prompt_tokens must be 0 to " + std::to_string(kMostPromptTokens) +
                      " (whisper.cpp reads half its 448-token text context)");
    prompt_tokens_ = static_cast<std::size_t>(prompt_tokens);
    if (step_ <= 0 || step_ > 30)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "step must be more than 0 and at most 30 seconds");
    if (max_ < 1 || max_ > 30)
      return fail(ErrorKind::InvalidInput, "invalid_param_value",
                  "max_buffer must be 1 to 30 seconds (Whisper's window)");
    if (trim_ <= 0 || trim_ > max_)
      return fail(ErrorKind::InvalidInput, "invalid_param_value",
                  "buffer_trim must be more than 0 and at most max_buffer (" + Json(max_).dump() + ")");
    if (!(confidence_ >= 0 && confidence_ <= 1))
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "commit_confidence must be 0 (off) to 1");
    if (n < 1 || n > 10)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "agreement must be 1 to 10 hypotheses");
    agreement_ = LocalAgreement(static_cast<int>(n));
    max_samples_ = static_cast<std::size_t>(max_ * kWhisperSampleRate);
    return model_.open(p, ctx);
  }

  Result<> process(Value item, Emitter& out) override {
    RM_TRY(a, whisper_audio(item));
    // Audio that comes faster than it is transcribed (a long item, a slow machine under keep_up)
    // is taken max_buffer seconds at a time: the buffer never outgrows Whisper's window, whose
    // audio past the end would be lost. Then the stream falls behind; it never drops words.
    auto samples = a->view();
    while (!samples.empty()) {
      const std::size_t take = std::min(samples.size(), max_samples_ - buffer_.size());
      buffer_.insert(buffer_.end(), samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(take));
      samples = samples.subspan(take);
      received_ += take;
      pending_ += take;
      if (buffer_.size() >= max_samples_ || static_cast<double>(pending_) >= std::max(step_, lag_) * kWhisperSampleRate)
        RM_CHECK(transcribe(out, false));
    }
    return {};
  }

  Result<> flush(Emitter& out) override {
    if (pending_ > 0) RM_CHECK(transcribe(out, true));
    emit_committed(agreement_.finish(), out);
    return {};
  }

  void close() override { model_.close(); }

 private:
  static double seconds(std::uint64_t samples) { return static_cast<double>(samples) / kWhisperSampleRate; }

  Result<> transcribe(Emitter& out, bool last) {
    pending_ = 0;
    TranscribeOptions options;
    options.words = true;
    options.prompt = prompt_;
    // The last hypothesis is committed whole: it gets Whisper's whole window (a short one can make
    // tiny.en stop early, and the words after where it stopped would be lost at the end).
    options.min_audio_ctx = last ? kWhisperWindowFrames : min_ctx_;
    options.pad_audio_ctx = pad_ctx_;
    options.one_window = !last;  // at the end, every window: nothing comes after to hear the tail again
    options.fallback = fallback_;
    options.prefix = prefix_;
    // A short window can make Whisper loop to its 224-token limit (seconds per step in the wasm):
    // speech has some 3 to 4 tokens a second, so a loop is cut at 6 a second (and 10 at least).
    if (!max_tokens_set_) options.max_tokens = 10 + static_cast<int>(6 * seconds(buffer_.size()));
    const auto t0 = std::chrono::steady_clock::now();
    RM_TRY(t, model_.transcribe(buffer_, options));
    if (keep_up_) lag_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<TimedWord> hypothesis;
    std::vector<SegmentEnd> segments;
    const double audio_end = seconds(buffer_.size());
    const double window = static_cast<double>(t.audio_ctx) / kWhisperFramesPerSecond;  // what the encoder heard
    for (const auto& seg : t.segments) {
      for (const auto& w : seg.words)
        // Words placed after the end of the audio were made up from the window's padding.
        if (!is_annotation(w.text) && !LocalAgreement::normalized(w.text).empty() && w.start < audio_end)
          hypothesis.push_back({w.text, buffer_start_ + w.start, buffer_start_ + w.end, w.p});
      // A segment closed past the audio the encoder heard (tiny.en closed one at 20.82 s of a 3.4 s
      // window) ends nowhere: taken as a committed segment, the next decoding would start after
      // it, find no audio, and decode nothing until that much more came.
      if (seg.end <= window + 0.02)  // and one timestamp step
        segments.push_back({buffer_start_ + seg.end, hypothesis.size(), seg.closed_at});
      else
        segments.push_back({buffer_start_, hypothesis.size(), 0});
    }
    LocalAgreement::cut_loops(hypothesis);
    auto committed = agreement_.insert(std::move(hypothesis));
    if (confidence_ > 0) {
      const auto sure = agreement_.commit_confident(static_cast<float>(confidence_));
      committed.insert(committed.end(), sure.begin(), sure.end());
    }
    emit_committed(committed, out);
    // The segments whose words are all committed, counted by words, not by times: whisper.cpp's word
    // times can put a committed word after the end of the next segment, and a cut there took that
    // segment's words, never committed, with it.
    std::size_t done = 0;
    while (done < segments.size() && segments[done].words_through <= agreement_.settled()) ++done;
    // The next transcription of this buffer starts with the committed segments, as decoded here
    // (timestamps too): the decoder reads them in one batch and decodes only what follows. Whole
    // segments: cut after a word, the prefix made tiny.en stop writing timestamps.
    prefix_.clear();
    for (std::size_t i = done; prefix_committed_ && i-- > 0;)
      if (segments[i].closed_at > 0) {
        prefix_.assign(t.tokens.begin(), t.tokens.begin() + static_cast<std::ptrdiff_t>(segments[i].closed_at));
        break;
      }
    if (last) return {};
    if (partial_) {
      const auto rest = agreement_.partial();
      Json p = Json::object();
      p.set("type", "partial");
      p.set("text", text_of(rest));
      p.set("start", rest.empty() ? agreement_.last_committed_end() : rest.front().start);
      p.set("end", rest.empty() ? agreement_.last_committed_end() : rest.back().end);
      p.set("audio_time", seconds(received_));
      p.set("buffer", audio_end);
      out.emit(std::move(p));
    }
    // A stall: every segment committed, nothing after them, though the audio goes on. tiny.en can
    // close a segment and end the text there on every step (one_window: nothing is decoded past
    // it), on short windows and long: after "Wipe the" it did so for 10 s of speech. Silence
    // looks the same, and is as well cut off.
    const bool stalled = agreement_.partial().empty() && !segments.empty() && done == segments.size() &&
                         segments.back().closed_at > 0 &&
                         buffer_start_ + audio_end - segments.back().time >= kStallGapSeconds;
    stalled_steps_ = stalled ? stalled_steps_ + 1 : 0;
    trim(segments, done, t.tokens, out, stalled_steps_ >= kStallSteps);
    return {};
  }

  struct SegmentEnd {
    double time;                // in the stream
    std::size_t words_through;  // hypothesis words up to its end
    std::size_t closed_at;      // WhisperSegment::closed_at
  };

  // Beyond buffer_trim: cut at the end of the last of the first `done` segments (not the last
  // segment's: Whisper may not have finished it). In a stall, at the end of the last segment,
  // however short the buffer: the next window starts where the words stopped. At max_buffer with
  // no such segment: cut at the last committed word, or, with nothing committed, commit the
  // hypothesis as it is and cut after its last word (the audio after it stays: Whisper may have
  // stopped before the end of its window). With no word at all, keep the last second. Every cut at
  // max_buffer makes room, so process() always moves on. What was said in the audio cut off joins
  // the prompt: the segments' tokens as decoded (`tokens`), or after a cut at a word, the committed
  // text as one segment.
  void trim(const std::vector<SegmentEnd>& segments, std::size_t done, const std::vector<WhisperToken>& tokens,
            Emitter& out, bool stalled) {
    const double length = seconds(buffer_.size());
    const bool full = buffer_.size() >= max_samples_;
    if (length <= trim_ && !full && !stalled) return;
    double cut = buffer_start_;
    std::size_t cut_tokens = 0;  // tokens [0, cut_tokens) said what is cut, at a segment end
    for (std::size_t i = 0; i < done && (stalled || i + 1 < segments.size()); ++i)
      if (segments[i].time > cut) {
        cut = segments[i].time;
        cut_tokens = segments[i].closed_at;
      }
    if (cut <= buffer_start_ && full) cut = std::max(buffer_start_, agreement_.last_committed_end());
    if (cut <= buffer_start_ && full) {
      const auto taken = agreement_.finish();  // no agreement in max_buffer seconds: take the newest
      emit_committed(taken, out);
      if (!taken.empty()) cut = taken.back().end;
      if (cut <= buffer_start_) cut = buffer_start_ + std::max(length / 2, length - 1.0);
    }
    if (cut <= buffer_start_) return;
    stalled_steps_ = 0;
    prefix_.clear();  // its timestamps count from the old buffer start
    auto drop = std::min(buffer_.size(), static_cast<std::size_t>((cut - buffer_start_) * kWhisperSampleRate));
    if (full) drop = std::max<std::size_t>(drop, 1);
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop));
    const double cut_length = seconds(drop);
    buffer_start_ += cut_length;
    const std::string left = agreement_.trim(buffer_start_);
    if (cut_tokens > 0) {
      for (std::size_t i = 0; i < cut_tokens; ++i) prompt_.push_back(tokens[i].id);
    } else if (!left.empty()) {
      const auto said = model_.said(left, cut_length);
      prompt_.insert(prompt_.end(), said.begin(), said.end());
    }
    if (prompt_.size() > prompt_tokens_)
      prompt_.erase(prompt_.begin(), prompt_.end() - static_cast<std::ptrdiff_t>(prompt_tokens_));
  }

  static std::string text_of(const std::vector<TimedWord>& words) {
    std::string text;
    for (const auto& w : words) text += w.text;
    return text;
  }

  void emit_committed(const std::vector<TimedWord>& words, Emitter& out) {
    if (words.empty()) return;
    Json list = Json::array();
    for (const auto& w : words) {
      Json j = Json::object();
      j.set("text", w.text);
      j.set("start", w.start);
      j.set("end", w.end);
      list.push_back(std::move(j));
    }
    Json c = Json::object();
    c.set("type", "committed");
    c.set("text", text_of(words));
    c.set("words", std::move(list));
    c.set("start", words.front().start);
    c.set("end", words.back().end);
    c.set("audio_time", seconds(received_));
    out.emit(std::move(c));
  }

  WhisperModel model_;
  LocalAgreement agreement_;
  double step_ = 0.7, trim_ = 15, max_ = 25;
  bool partial_ = true;
  bool keep_up_ = true;
  int min_ctx_ = 1, pad_ctx_ = 50;
  bool fallback_ = false;
  bool prefix_committed_ = true;
  double confidence_ = 0;
  std::vector<WhisperToken> prefix_;  // the last transcription's tokens up to its last committed segment
  bool max_tokens_set_ = false;       // the manifest's max_tokens, else a cap from the buffer's length
  double lag_ = 0;                    // seconds the last transcription took (keep_up): the audio that came meanwhile
  std::size_t max_samples_ = 0;       // max_buffer in samples: buffer_ never holds more
  std::vector<float> buffer_;
  // What was said before the buffer, as tokens with their timestamps, the last prompt_tokens_.
  std::vector<int> prompt_;
  std::size_t prompt_tokens_ = 100;
  static constexpr std::int64_t kMostPromptTokens = 223;
  double buffer_start_ = 0;     // stream time of buffer_[0], in seconds
  std::uint64_t received_ = 0;  // samples since the start (64-bit: wasm32's size_t wraps after 74 hours)
  std::size_t pending_ = 0;     // samples since the last transcription (at most max_buffer's)
  int stalled_steps_ = 0;       // steps running that stalled (transcribe): kStallSteps cut the buffer
  static constexpr int kStallSteps = 2;
  static constexpr double kStallGapSeconds = 1.0;  // of audio after the last segment, with no word in it
};

NodeInfo streaming_whisper_node_info();
RM_REGISTER_NODE(StreamingWhisperNode, streaming_whisper_node_info());

NodeInfo streaming_whisper_node_info() {
  std::vector<ParamSpec> params = whisper_param_specs();
  for (auto& p : params)
    if (p.name == "audio_ctx") p.default_value = Json(-1);  // the buffer is short: encode just that
  params.push_back(ParamSpec{.name = "step",
                             .type = ParamType::Number,
                             .default_value = Json(0.7),
                             .doc = "seconds of new audio between transcriptions of the buffer"});
  params.push_back(ParamSpec{.name = "agreement",
                             .type = ParamType::Integer,
                             .default_value = Json(2),
                             .doc = "commit what this many consecutive hypotheses agree on (LocalAgreement-n)"});
  params.push_back(ParamSpec{.name = "buffer_trim",
                             .type = ParamType::Number,
                             .default_value = Json(15.0),
                             .doc = "seconds of buffer after which it is cut at the end of a committed segment"});
  params.push_back(ParamSpec{.name = "max_buffer",
                             .type = ParamType::Number,
                             .default_value = Json(25.0),
                             .doc = "most seconds of buffer (1 to 30); there, cut at the last committed word (audio "
                                    "that comes faster than it is transcribed waits: words are never dropped)"});
  params.push_back(
      ParamSpec{.name = "prompt_tokens",
                .type = ParamType::Integer,
                .default_value = Json(100),
                .doc = "the last tokens of the committed text before the buffer, given to each "
                       "transcription as context (0 to 223; each costs about what 0.05 s of encoded audio does)"});
  params.push_back(ParamSpec{.name = "min_window",
                             .type = ParamType::Number,
                             .default_value = Json(0.0),
                             .doc = "with audio_ctx -1, encode at least this many seconds (0: just the buffer)"});
  params.push_back(ParamSpec{.name = "pad_window",
                             .type = ParamType::Number,
                             .default_value = Json(1.0),
                             .doc = "with audio_ctx -1, also encode this many seconds of the silence after the buffer "
                                    "(with none, tiny.en garbles and repeats the last words more often)"});
  params.push_back(ParamSpec{.name = "fallback",
                             .type = ParamType::Bool,
                             .default_value = Json(false),
                             .doc = "decode again at a higher temperature when a hypothesis repeats itself "
                                    "(whisper.cpp's entropy check; on jfk.wav it delays commits by seconds)"});
  params.push_back(ParamSpec{.name = "prefix_committed",
                             .type = ParamType::Bool,
                             .default_value = Json(true),
                             .doc =
                                 "start each transcription with the committed segments as the last one decoded them, "
                                 "and decode only what follows (false: decode the whole buffer every step)"});
  params.push_back(ParamSpec{.name = "commit_confidence",
                             .type = ParamType::Number,
                             .default_value = Json(0.0),
                             .doc = "also commit, without waiting for agreement, the words of the newest hypothesis "
                                    "(all but its last) whose every token the model gave at least this probability, "
                                    "a step sooner (0: off; 0.9 to 0.95 tried, docs/audio.md)"});
  params.push_back(ParamSpec{.name = "keep_up",
                             .type = ParamType::Bool,
                             .default_value = Json(true),
                             .doc =
                                 "when a transcription takes longer than `step`, wait for that much new audio before "
                                 "the next (stays real time on a slow machine; the outputs then depend on its speed); "
                                 "false: every `step` seconds of audio, reproducibly"});
  params.push_back(ParamSpec{.name = "partial",
                             .type = ParamType::Bool,
                             .default_value = Json(true),
                             .doc = "also emit the uncommitted rest of each hypothesis"});
  NodeInfo info{"StreamingWhisperNode",
                "Live speech to text: re-transcribes a growing buffer, commits what consecutive hypotheses agree on.",
                "audio", std::move(params), [] { return std::make_unique<StreamingWhisperNode>(); }};
  info.feature = "whisper";
  return info;
}

}  // namespace
}  // namespace rm
