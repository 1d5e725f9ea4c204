#include "nodes/audio/whisper_model.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/executor.hpp"
#include "core/path.hpp"
#include "core/text.hpp"
#include "nodes/audio/audio_input.hpp"
#include "whisper.h"

namespace rm {
namespace {

static_assert(kWhisperSampleRate == WHISPER_SAMPLE_RATE);

// whisper.cpp and ggml log a great deal to stderr; keep only errors, to put them in our messages.
thread_local std::string* g_log_sink = nullptr;
void on_log(ggml_log_level level, const char* text, void*) {
  if (level == GGML_LOG_LEVEL_ERROR && g_log_sink) *g_log_sink += text;
}

// Reads the model through whisper's loader interface, noting a short read: whisper.cpp itself
// does not notice a file cut off inside the last tensor.
struct FileLoader {
  std::FILE* file = nullptr;
  bool short_read = false;
  static std::size_t read(void* ctx, void* out, std::size_t n) {
    auto* self = static_cast<FileLoader*>(ctx);
    std::size_t got = std::fread(out, 1, n, self->file);
    if (got < n) {
      // At the end whisper.cpp reads the next tensor header (4-byte fields) and finds nothing:
      // that is the normal end. Anything else cut short is a truncated file.
      if (got > 0 || n > sizeof(std::int32_t)) self->short_read = true;
      std::memset(static_cast<char*>(out) + got, 0, n - got);
    }
    return got;
  }
  static bool eof(void* ctx) {
    auto* self = static_cast<FileLoader*>(ctx);
    int c = std::fgetc(self->file);
    if (c == EOF) return true;
    std::ungetc(c, self->file);
    return false;
  }
  static void close(void*) {}
};

}  // namespace

Result<const Audio*> whisper_audio(const Value& item) {
  RM_TRY(a, audio_input(item));
  if (a->sample_rate != WHISPER_SAMPLE_RATE || a->channels != 1)
    return node_error("wrong_audio_format", "Whisper needs 16000 Hz mono audio, got " + std::to_string(a->sample_rate) +
                                                " Hz with " + std::to_string(a->channels) +
                                                " channel(s): put AudioResampleNode{target_sample_rate: 16000, "
                                                "channels: 1} in front");
  return a;
}

Result<> WhisperModel::open(const Params& p, const NodeContext& ctx) {
  static const bool quiet = [] {
    // On a failed GGML_ASSERT ggml would start gdb to print a backtrace: not in a pipeline.
    setenv("GGML_NO_BACKTRACE", "1", 0);
    whisper_log_set(on_log, nullptr);
    ggml_log_set(on_log, nullptr);
    return true;
  }();
  (void)quiet;
  const std::string path = join_path(ctx.pipeline_dir, p.string("model"));
  language_ = p.string("language");
  translate_ = p.boolean("translate");
  // ggml starts a thread (with its buffers) per n_threads: a number from a manifest is bounded.
  constexpr std::int64_t kMaxThreads = 64;
  if (p.integer("n_threads") < 0 || p.integer("n_threads") > kMaxThreads)
    return fail(ErrorKind::InvalidInput, "invalid_param_value",
                "n_threads must be 0 (up to 4 cores) to " + std::to_string(kMaxThreads) + ", got " +
                    std::to_string(p.integer("n_threads")));
  threads_ = static_cast<int>(p.integer("n_threads"));
  max_tokens_ = static_cast<int>(p.integer("max_tokens"));
  suppress_eot_ = p.boolean("suppress_end_of_text");
  suppress_non_speech_ = p.boolean("suppress_non_speech");
  audio_ctx_ = static_cast<int>(p.integer("audio_ctx"));
  if (audio_ctx_ < -1)
    return fail(ErrorKind::InvalidInput, "invalid_param_value",
                "audio_ctx must be -1 (fit each item), 0 (the full 30 s) or a number of encoder frames");
  if (threads_ <= 0) threads_ = std::min(4, default_thread_count());
#if defined(__wasi__)
  // Inside the wasm a thread is one of the host's workers: there are only as many as it announced.
  threads_ = std::min(threads_, default_thread_count());
#endif
  if (language_ != "auto" && whisper_lang_id(language_.c_str()) < 0)
    return fail(ErrorKind::InvalidInput, "invalid_param_value",
                "unknown language '" + clipped(language_) + "' (or 'auto')");

  FileLoader file;
  file.file = std::fopen(open_path(path).c_str(), "rb");
  if (!file.file)
    return fail(ErrorKind::InvalidInput, "model_not_found",
                "cannot open the Whisper model '" + path + "': " + std::strerror(errno));
  whisper_model_loader loader{&file, FileLoader::read, FileLoader::eof, FileLoader::close};
  whisper_context_params cparams = whisper_context_default_params();
  cparams.use_gpu = false;
#ifdef GGML_USE_BLAS
  // Natively flash attention is the switch (deps/patches/*-native-blas.patch): off, the encoder's
  // products run on OpenBLAS (faster); on, ggml's own kernels, the wasm builds' arithmetic.
  cparams.flash_attn = p.boolean("portable_math");
#endif
  // Flash attention suits the encoder (on the CPU it beats products and softmax over whole
  // matrices), not the decoder: with products, a token costs a quarter to a half less
  // in the wasm (deps/patches/*-decoder.patch).
  cparams.flash_attn_encoder_only = true;
  std::string log;
  g_log_sink = &log;
  ctx_ = whisper_init_with_params(&loader, cparams);
  g_log_sink = nullptr;
  std::fclose(file.file);
  if (file.short_read) {  // whisper.cpp's own message for this is vaguer, when it notices at all
    if (ctx_) whisper_free(ctx_);
    ctx_ = nullptr;
    log = "the file ends inside a tensor (truncated)";
  }
  if (!ctx_) {
    while (!log.empty() && log.back() == '\n') log.pop_back();
    return fail(ErrorKind::InvalidInput, "invalid_model",
                "'" + path + "' is not a usable Whisper model (ggml format)" + (log.empty() ? "" : ": " + log));
  }
  if (audio_ctx_ > whisper_n_audio_ctx(ctx_)) {
    const int most = whisper_n_audio_ctx(ctx_);
    close();
    return fail(ErrorKind::InvalidInput, "invalid_param_value",
                "audio_ctx " + std::to_string(audio_ctx_) + " is more than the model's " + std::to_string(most) +
                    " encoder frames");
  }
  return {};
}

Result<WhisperTranscript> WhisperModel::transcribe(std::span<const float> samples, const TranscribeOptions& options) {
  whisper_full_params wp = whisper_full_default_params(WHISPER_SAMPLING_GREEDY);
  wp.n_threads = threads_;
  wp.language = language_.c_str();
  wp.detect_language = false;
  wp.translate = translate_;
  wp.max_tokens = options.max_tokens > 0 ? options.max_tokens : max_tokens_;
  wp.print_progress = false;
  wp.print_realtime = false;
  wp.print_special = false;
  wp.print_timestamps = false;
  if (!options.fallback) wp.temperature_inc = 0;  // deterministic: no temperature fallback
  wp.no_context = true;
  wp.token_timestamps = options.words;
  wp.suppress_nst = suppress_non_speech_;
  wp.prompt_tokens = options.prompt.data();
  wp.prompt_n_tokens = static_cast<int>(options.prompt.size());
  // The encoder costs the same for 1 s as for 30 s unless told how much of its window holds audio:
  // kWhisperFramesPerSecond encoder frames per second, one per 320 samples.
  wp.audio_ctx = audio_ctx_;
  if (audio_ctx_ == -1)
    wp.audio_ctx = std::clamp(
        std::max(static_cast<int>((samples.size() + 319) / 320) + options.pad_audio_ctx, options.min_audio_ctx), 1,
        whisper_n_audio_ctx(ctx_));
  // whisper.cpp encodes again from the last timestamp when the text ends before the audio does; a
  // stream re-transcribes that tail at its next step anyway, and the second window (a short piece
  // of audio on its own) is where tiny.en made up repeated phrases.
  int windows = 0;
  if (options.one_window) {
    wp.encoder_begin_callback = [](whisper_context*, whisper_state*, void* n) { return ++*static_cast<int*>(n) <= 1; };
    wp.encoder_begin_callback_user_data = &windows;
  }
  if (suppress_eot_) {
    // Synthetic test models never end on their own: only max_tokens stops them.
    wp.logits_filter_callback = [](whisper_context* c, whisper_state*, const whisper_token_data*, int, float* logits,
                                   void*) { logits[whisper_token_eot(c)] = -INFINITY; };
  }
  std::vector<whisper_token_data> prefix;
  for (const WhisperToken& t : options.prefix)
    prefix.push_back({.id = t.id,
                      .tid = t.timestamp_id,
                      .p = t.p,
                      .plog = t.log_p,
                      .pt = t.timestamp_p,
                      .ptsum = t.timestamp_p_sum});
  wp.prefix = prefix.data();
  wp.n_prefix = static_cast<int>(prefix.size());
  std::string log;
  g_log_sink = &log;
  const int rc = whisper_full(ctx_, wp, samples.data(), static_cast<int>(samples.size()));
  g_log_sink = nullptr;
  if (rc != 0)
    return node_error("whisper_failed",
                      "whisper_full failed (code " + std::to_string(rc) + ")" + (log.empty() ? "" : ": " + log));

  WhisperTranscript out;
  out.language = whisper_lang_str(whisper_full_lang_id(ctx_));
  out.audio_ctx = wp.audio_ctx == 0 ? whisper_n_audio_ctx(ctx_) : wp.audio_ctx;  // 0 is the whole window
  const whisper_token eot = whisper_token_eot(ctx_);
  for (int i = 0; i < whisper_full_n_segments(ctx_); ++i) {
    WhisperSegment seg;
    seg.start = static_cast<double>(whisper_full_get_segment_t0(ctx_, i)) / 100.0;
    seg.end = static_cast<double>(whisper_full_get_segment_t1(ctx_, i)) / 100.0;
    seg.text = whisper_full_get_segment_text(ctx_, i);
    if (options.words) {
      // whisper.cpp's segments after the first lack their opening timestamp token: it is put back,
      // so that the tokens are the sequence as decoded (timestamps come in pairs between segments).
      if (i > 0) {
        const int opening = whisper_token_beg(ctx_) + static_cast<int>(whisper_full_get_segment_t0(ctx_, i) / 2);
        out.tokens.push_back({.id = opening, .timestamp_id = opening, .p = 1, .timestamp_p = 1, .timestamp_p_sum = 1});
      }
      // A token that starts with a space starts a word; special tokens (id >= end of text) are skipped.
      for (int t = 0; t < whisper_full_n_tokens(ctx_, i); ++t) {
        const whisper_token_data d = whisper_full_get_token_data(ctx_, i, t);
        if (d.id != eot)
          out.tokens.push_back({.id = d.id,
                                .timestamp_id = d.tid,
                                .p = d.p,
                                .log_p = d.plog,
                                .timestamp_p = d.pt,
                                .timestamp_p_sum = d.ptsum});
        if (d.id > whisper_token_beg(ctx_) && t + 1 == whisper_full_n_tokens(ctx_, i))
          seg.closed_at = out.tokens.size();
        if (d.id >= eot) continue;
        const std::string text = whisper_full_get_token_text(ctx_, i, t);
        if (text.empty()) continue;
        if (seg.words.empty() || text[0] == ' ') seg.words.push_back({"", static_cast<double>(d.t0) / 100.0});
        seg.words.back().text += text;
        seg.words.back().p = std::min(seg.words.back().p, d.p);
        // whisper.cpp can end a token before it starts (seen: at 0 s, for the last words of a
        // stream's buffer, said 10 s in): such a word ends where it starts.
        seg.words.back().end = std::max(seg.words.back().start, static_cast<double>(d.t1) / 100.0);
      }
    }
    out.segments.push_back(std::move(seg));
  }
  return out;
}

std::vector<int> WhisperModel::said(const std::string& text, double seconds) const {
  const int beg = whisper_token_beg(ctx_);
  std::vector<int> ids(std::min<std::size_t>(text.size(), 4096) + 2);  // a token has a byte at least
  ids[0] = beg;
  const int n =
      whisper_tokenize(ctx_, text.substr(0, ids.size() - 2).c_str(), ids.data() + 1, static_cast<int>(ids.size() - 2));
  ids.resize(1 + std::max(n, 0));
  // One timestamp per 20 ms, as one encoder frame: <|30.00|> is the last.
  const double within = seconds > 0 ? std::min(seconds, 30.0) : 0.0;
  ids.push_back(beg + static_cast<int>(std::lround(within * kWhisperFramesPerSecond)));
  return ids;
}

void WhisperModel::close() {
  if (ctx_) whisper_free(ctx_);
  ctx_ = nullptr;
}

std::vector<ParamSpec> whisper_param_specs() {
  return {
      ParamSpec{.name = "model",
                .type = ParamType::String,
                .doc = "ggml Whisper model file, relative to the manifest",
                .required = true,
                .file = true},
      ParamSpec{.name = "language",
                .type = ParamType::String,
                .default_value = Json("en"),
                .doc = "spoken language code, or 'auto'"},
      ParamSpec{
          .name = "translate", .type = ParamType::Bool, .default_value = Json(false), .doc = "translate to English"},
      ParamSpec{.name = "n_threads",
                .type = ParamType::Integer,
                .default_value = Json(0),
                .doc = "threads (0: up to 4 cores; inside the wasm, at most the host's thread workers)"},
      ParamSpec{.name = "max_tokens",
                .type = ParamType::Integer,
                .default_value = Json(0),
                .doc = "most tokens per segment (0: no limit)"},
      ParamSpec{.name = "audio_ctx",
                .type = ParamType::Integer,
                .default_value = Json(0),
                .doc = "encoder frames to compute, 50 per second of audio: 0 the model's full 30 s window (1500), "
                       "-1 just enough for each item, N the first N/50 s; less is faster for short windows "
                       "(streaming), with some loss of accuracy"},
      ParamSpec{.name = "suppress_non_speech",
                .type = ParamType::Bool,
                .default_value = Json(true),
                .doc = "never write non-speech tokens such as [Laughter] or music notes (OpenAI's and "
                       "faster-whisper's default)"},
      ParamSpec{.name = "portable_math",
                .type = ParamType::Bool,
                .default_value = Json(false),
                .doc = "natively, ggml's own kernels as in the wasm builds, for a token-for-token equal transcript "
                       "everywhere (slower); by default the native encoder runs on OpenBLAS: the same words on "
                       "real speech, not the same bits. The wasm builds always compute this way"},
      ParamSpec{.name = "suppress_end_of_text",
                .type = ParamType::Bool,
                .default_value = Json(false),
                .doc = "never end a segment early (for synthetic test models, with max_tokens)"}};
}

}  // namespace rm
