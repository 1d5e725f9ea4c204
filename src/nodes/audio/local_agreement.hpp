// The commit policy of streaming transcription, after Whisper-Streaming (Macháček et al. 2023,
// "Turning Whisper into Real-Time Transcription System"): the same growing audio buffer is
// transcribed again at every step, and a word is committed once `n` consecutive hypotheses agree
// on it (LocalAgreement-n: the longest common prefix of the last n hypotheses, after what is
// already committed). What is not yet committed is the partial text, which may still change.
//
// Words carry times in seconds from the start of the stream. The policy knows nothing of Whisper:
// StreamingWhisperNode feeds it, and trims its audio buffer where trim_point() says.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace rm {

struct TimedWord {
  std::string text;  // as transcribed, with its leading space
  double start = 0, end = 0;
  float p = 1;  // how sure the model was of it: its least likely token's probability
};

class LocalAgreement {
 public:
  explicit LocalAgreement(int n = 2) : n_(std::max(1, n)) {}

  // A new hypothesis for the audio buffer, which starts at `buffer_start`. Returns the words it
  // commits (possibly none); partial() is then the rest of this hypothesis.
  std::vector<TimedWord> insert(std::vector<TimedWord> hypothesis) {
    const std::size_t given = hypothesis.size();
    std::vector<TimedWord> fresh = after_committed(std::move(hypothesis));
    settled_ = given - fresh.size();  // after_committed drops leading words only
    history_.push_back(fresh);
    if (history_.size() > static_cast<std::size_t>(n_)) history_.erase(history_.begin());
    std::vector<TimedWord> out;
    if (history_.size() < static_cast<std::size_t>(n_)) return out;
    // The longest prefix every kept hypothesis shares; the newest one's spelling and times.
    std::size_t agreed = fresh.size();
    for (const auto& h : history_) {
      std::size_t i = 0;
      while (i < agreed && i < h.size() && same_word(h[i], fresh[i])) ++i;
      agreed = i;
    }
    out.assign(fresh.begin(), fresh.begin() + static_cast<std::ptrdiff_t>(agreed));
    commit(out);
    return out;
  }

  // Commits, without waiting for agreement, the leading words of the newest hypothesis's rest that
  // the model was at least `p` sure of, all but its last word (which the end of the audio may have
  // cut short). Returns them. tiny.en often hears a word wrong the first time, but then seldom
  // with every token at 0.9 (docs/audio.md): those words are committed a step sooner.
  std::vector<TimedWord> commit_confident(float p) {
    std::vector<TimedWord> out;
    if (history_.empty()) return out;
    const auto& rest = history_.back();
    for (std::size_t i = 0; i + 1 < rest.size() && rest[i].p >= p; ++i) out.push_back(rest[i]);
    commit(out);
    return out;
  }

  // How many leading words of the last inserted hypothesis are committed (before it or by it).
  std::size_t settled() const { return settled_; }

  // End of the stream: whatever the last hypothesis holds is committed.
  std::vector<TimedWord> finish() {
    std::vector<TimedWord> out = partial();
    commit(out);
    history_.clear();
    return out;
  }

  // The newest hypothesis after the committed words.
  std::vector<TimedWord> partial() const { return history_.empty() ? std::vector<TimedWord>{} : history_.back(); }

  // The audio before `time` is dropped from the buffer: committed words that end by then leave
  // (their text is returned), the rest stay to be matched against the next hypotheses.
  std::string trim(double time) {
    auto keep = std::find_if(in_buffer_.begin(), in_buffer_.end(), [&](const TimedWord& w) { return w.end > time; });
    std::string left;
    for (auto it = in_buffer_.begin(); it != keep; ++it) left += it->text;
    in_buffer_.erase(in_buffer_.begin(), keep);
    return left;
  }

  double last_committed_end() const { return last_end_; }

  // Whisper on a short window may loop ("not to ask not to ask ..."): the hypothesis is cut after
  // the first copy of a phrase of 2 to 8 words that follows itself at once.
  static void cut_loops(std::vector<TimedWord>& words) {
    for (std::size_t i = 0; i < words.size(); ++i)
      for (std::size_t n = 2; n <= 8 && i + 2 * n <= words.size(); ++n)
        if (std::equal(words.begin() + static_cast<std::ptrdiff_t>(i),
                       words.begin() + static_cast<std::ptrdiff_t>(i + n),
                       words.begin() + static_cast<std::ptrdiff_t>(i + n), same_word)) {
          words.resize(i + n);
          return;
        }
  }

  // "hello," and " Hello" are the same word: case, spaces and punctuation aside.
  static std::string normalized(const std::string& word) {
    std::string out;
    for (unsigned char c : word)
      if (std::isalnum(c) || c >= 0x80) out += static_cast<char>(std::tolower(c));
    return out;
  }

 private:
  static bool same_word(const TimedWord& a, const TimedWord& b) { return normalized(a.text) == normalized(b.text); }

  // Committed words lead the newest hypothesis's rest, so they count as settled in it.
  void commit(const std::vector<TimedWord>& words) {
    if (words.empty()) return;
    settled_ += words.size();
    in_buffer_.insert(in_buffer_.end(), words.begin(), words.end());
    last_end_ = std::max(last_end_, words.back().end);
    // The kept hypotheses lose the committed prefix too.
    for (auto& h : history_)
      h.erase(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(std::min(h.size(), words.size())));
  }

  // The words of a new hypothesis that come after the committed ones. The buffer's audio still
  // holds the committed words that were not trimmed away, so the hypothesis starts with them, as
  // Whisper hears them this time (a word may be heard differently, dropped or split): it is cut
  // after the prefix nearest to them in edit distance over words, and among prefixes as near,
  // after the one that ends nearest to where the committed words end. With no committed word in
  // the buffer, it is cut by time, as Whisper-Streaming does (words starting before the last commit
  // ended). Then any 1- to 5-word overlap of the committed tail with what is left goes too.
  std::vector<TimedWord> after_committed(std::vector<TimedWord> words) const {
    const std::size_t c = in_buffer_.size(), h = words.size();
    if (c > 0) {
      std::vector<std::size_t> row(h + 1), next(h + 1);  // edit distances to words[0, j)
      for (std::size_t j = 0; j <= h; ++j) row[j] = j;
      for (std::size_t i = 1; i <= c; ++i) {
        next[0] = i;
        for (std::size_t j = 1; j <= h; ++j)
          next[j] = std::min(
              {row[j] + 1, next[j - 1] + 1, row[j - 1] + (same_word(in_buffer_[i - 1], words[j - 1]) ? 0 : 1)});
        std::swap(row, next);
      }
      const auto ends_off = [&](std::size_t j) {
        return std::abs((j == 0 ? (h == 0 ? last_end_ : words[0].start) : words[j - 1].end) - last_end_);
      };
      std::size_t cut = 0;
      for (std::size_t j = 1; j <= h; ++j)
        if (row[j] < row[cut] || (row[j] == row[cut] && ends_off(j) < ends_off(cut))) cut = j;
      words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(cut));
    } else {
      words.erase(words.begin(), std::find_if(words.begin(), words.end(),
                                              [&](const TimedWord& w) { return w.start > last_end_ - 0.1; }));
    }
    if (!words.empty() && std::abs(words.front().start - last_end_) < 1.0) {
      for (std::size_t k = std::min<std::size_t>({5, c, words.size()}); k >= 1; --k) {
        if (std::equal(in_buffer_.end() - static_cast<std::ptrdiff_t>(k), in_buffer_.end(), words.begin(), same_word)) {
          words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(k));
          break;
        }
      }
    }
    return words;
  }

  int n_;
  std::vector<std::vector<TimedWord>> history_;  // the last n hypotheses, after the committed words
  std::vector<TimedWord> in_buffer_;             // committed words whose audio is still in the buffer
  double last_end_ = 0;
  std::size_t settled_ = 0;
};

}  // namespace rm
