// What every Whisper node shares: the parameters, loading a ggml model (with the checks and
// messages of a truncated or foreign file), the audio format check, and one transcription call.
// WhisperNode transcribes each item; StreamingWhisperNode re-transcribes a growing buffer.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/node.hpp"
#include "core/params.hpp"

struct whisper_context;

namespace rm {

// model, language, translate, n_threads, max_tokens, audio_ctx, suppress_non_speech, portable_math,
// suppress_end_of_text.
std::vector<ParamSpec> whisper_param_specs();

// The item as 16 kHz mono audio, or an error that says how to get it.
Result<const Audio*> whisper_audio(const Value& item);

constexpr int kWhisperSampleRate = 16000;
constexpr int kWhisperFramesPerSecond = 50;  // encoder frames (audio_ctx) per second: kWhisperSampleRate / 320
constexpr int kWhisperWindowFrames = 30 * kWhisperFramesPerSecond;  // Whisper's 30 s window

// A decoded token as whisper.cpp gives it (the id, its most likely timestamp and their
// probabilities): a later transcription of the same audio can start with it (TranscribeOptions::prefix).
struct WhisperToken {
  int id = 0, timestamp_id = 0;
  float p = 0, log_p = 0, timestamp_p = 0, timestamp_p_sum = 0;
};

struct WhisperWord {
  std::string text;           // as the tokens spell it, with its leading space
  double start = 0, end = 0;  // seconds from the start of the transcribed samples
  float p = 1;                // the least probability among its tokens
};

struct WhisperSegment {
  double start = 0, end = 0;
  std::string text;
  std::vector<WhisperWord> words;  // filled with TranscribeOptions::words
  std::size_t closed_at = 0;       // with words, if a timestamp token closes it: tokens [0, closed_at) end with it
};

struct WhisperTranscript {
  std::vector<WhisperSegment> segments;
  // Filled with TranscribeOptions::words: every token, timestamps too (timestamps count from the
  // start of the samples in the first window only, which is where a prefix may come from).
  std::vector<WhisperToken> tokens;
  std::string language;
  // Encoder frames each window held (kWhisperFramesPerSecond a second): timestamps past this were
  // made up, for the encoder heard nothing there.
  int audio_ctx = 0;
};

struct TranscribeOptions {
  bool words = false;  // token timestamps, grouped into words
  // Tokens said before these samples, timestamps too (conditions the decoder). Timestamps matter:
  // after a prompt of plain text tiny.en wrote none, so a stream's buffer had no segment end to be cut at.
  std::span<const int> prompt;
  bool fallback = false;    // decode again hotter when the text repeats itself (whisper.cpp's entropy check)
  int min_audio_ctx = 1;    // with audio_ctx -1: encode at least this many frames (50 per second)
  int pad_audio_ctx = 0;    // with audio_ctx -1: and this many frames of the silence after the samples
  int max_tokens = 0;       // more than 0: at most this many tokens per segment (else the model's param)
  bool one_window = false;  // encode once: no second window from the last timestamp to the end
  // Tokens of an earlier transcription of the same samples (from their start) that this one starts
  // with, as if decoded again: the decoder takes them in one batch and goes on after them.
  std::span<const WhisperToken> prefix;
};

class WhisperModel {
 public:
  WhisperModel() = default;
  WhisperModel(const WhisperModel&) = delete;
  WhisperModel& operator=(const WhisperModel&) = delete;
  ~WhisperModel() { close(); }

  // Reads the shared params (whisper_param_specs) and loads the model named by "model".
  Result<> open(const Params& p, const NodeContext& ctx);
  Result<WhisperTranscript> transcribe(std::span<const float> samples, const TranscribeOptions& options = {});
  void close();

  // A prompt's tokens for `text` said in a segment of `seconds`: its opening timestamp, the text,
  // its closing timestamp (as Whisper writes a segment).
  std::vector<int> said(const std::string& text, double seconds) const;

 private:
  whisper_context* ctx_ = nullptr;
  std::string language_ = "en";
  bool translate_ = false;
  int threads_ = 0, max_tokens_ = 0, audio_ctx_ = 0;
  bool suppress_eot_ = false, suppress_non_speech_ = true;
};

}  // namespace rm
