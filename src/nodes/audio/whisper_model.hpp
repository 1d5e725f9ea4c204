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

struct WhisperWord {
  std::string text;           // as the tokens spell it, with its leading space
  double start = 0, end = 0;  // seconds from the start of the transcribed samples
};

struct WhisperSegment {
  double start = 0, end = 0;
  std::string text;
  std::vector<WhisperWord> words;  // filled with TranscribeOptions::words
};

struct WhisperTranscript {
  std::vector<WhisperSegment> segments;
  std::string language;
};

struct TranscribeOptions {
  bool words = false;       // token timestamps, grouped into words
  std::string prompt;       // text said before these samples (conditions the decoder)
  bool fallback = false;    // decode again hotter when the text repeats itself (whisper.cpp's entropy check)
  int min_audio_ctx = 1;    // with audio_ctx -1: encode at least this many frames (50 per second)
  int pad_audio_ctx = 0;    // with audio_ctx -1: and this many frames of the silence after the samples
  int max_tokens = 0;       // more than 0: at most this many tokens per segment (else the model's param)
  bool one_window = false;  // encode once: no second window from the last timestamp to the end
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

 private:
  whisper_context* ctx_ = nullptr;
  std::string language_ = "en";
  bool translate_ = false;
  int threads_ = 0, max_tokens_ = 0, audio_ctx_ = 0;
  bool suppress_eot_ = false, suppress_non_speech_ = true;
};

}  // namespace rm
