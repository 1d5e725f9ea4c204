// StreamingWhisperNode: the LocalAgreement commit policy on hand-written hypotheses (no model
// needed: what is committed, never twice, the partial rest, trimming, the end of the stream) and
// the node's checks of its own params. The real model's figures are in bench/streaming_bench.py.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "node_harness.hpp"
#include "nodes/audio/local_agreement.hpp"
#include "test_util.hpp"

namespace rm {
namespace {

// "a b c" with word i from i to i + 0.5 seconds (plus `offset`).
std::vector<TimedWord> words(const std::string& text, double offset = 0) {
  std::vector<TimedWord> out;
  std::istringstream in(text);
  std::string w;
  for (int i = 0; in >> w; ++i) out.push_back({" " + w, offset + i, offset + i + 0.5});
  return out;
}

// words(text), the model having given word i probability p[i].
std::vector<TimedWord> heard(const std::string& text, const std::vector<float>& p) {
  auto out = words(text);
  for (std::size_t i = 0; i < out.size() && i < p.size(); ++i) out[i].p = p[i];
  return out;
}

std::string text(const std::vector<TimedWord>& ws) {
  std::string out;
  for (const auto& w : ws) out += w.text;
  return out;
}

TEST(LocalAgreementTest, CommitsOnlyThePrefixTwoHypothesesAgreeOn) {
  LocalAgreement la(2);
  EXPECT_EQ(text(la.insert(words("and so my"))), "");  // one hypothesis: nothing agreed yet
  EXPECT_EQ(text(la.partial()), " and so my");
  EXPECT_EQ(text(la.insert(words("and so my fellow"))), " and so my");
  EXPECT_EQ(text(la.partial()), " fellow");
  EXPECT_EQ(text(la.insert(words("and so my fellow Americans"))), " fellow");
  EXPECT_EQ(text(la.partial()), " Americans");
}

TEST(LocalAgreementTest, ADisagreementCommitsNothingPastIt) {
  LocalAgreement la(2);
  la.insert(words("ask not what"));
  EXPECT_EQ(text(la.insert(words("ask knot what"))), " ask");
  EXPECT_EQ(text(la.partial()), " knot what");
}

TEST(LocalAgreementTest, CaseAndPunctuationDoNotBreakAgreement) {
  LocalAgreement la(2);
  la.insert(words("Hello world"));
  EXPECT_EQ(text(la.insert(words("hello, world."))), " hello, world.");  // the newest spelling
}

TEST(LocalAgreementTest, CommittedWordsStillInTheBufferAreNotCommittedAgain) {
  LocalAgreement la(2);
  la.insert(words("one two"));
  EXPECT_EQ(text(la.insert(words("one two three"))), " one two");
  // The buffer still holds "one two": the next hypotheses start with them again.
  EXPECT_EQ(text(la.insert(words("one two three four"))), " three");
  EXPECT_EQ(text(la.insert(words("one two three four five"))), " four");
}

TEST(LocalAgreementTest, ReheardCommittedWordsAreCutWhereTheirTailIs) {
  LocalAgreement la(2);
  la.insert(words("one two"));
  la.insert(words("one two three"));  // commits " one two"
  // Whisper now hears the first word differently; the committed tail "two" still marks the cut.
  EXPECT_EQ(text(la.insert(words("won two three four"))), " three");
}

TEST(LocalAgreementTest, CommittedWordsHeardQuiteDifferentlyAreCutByTime) {
  LocalAgreement la(2);
  la.insert(words("one two"));
  la.insert(words("one two three"));  // commits " one two", ending at 1.5 s
  // No committed word is recognisable: the words that start before 1.4 s are dropped.
  EXPECT_EQ(text(la.insert(words("won too three four"))), " three");
}

TEST(LocalAgreementTest, AMisheardLastCommittedWordDoesNotBringTheOnesBeforeItBack) {
  LocalAgreement la(2);
  la.insert(words("a large size in stockings in"));
  la.insert(words("a large size in stockings in"));  // commits all six; the last "in" was "is"
  // Heard right this time: the committed words end at "is" (as near in words as before it, and
  // nearer in time), not at the earlier "in", which would commit "stockings" twice.
  la.insert(words("a large size in stockings is hard to sell"));
  EXPECT_EQ(text(la.partial()), " hard to sell");
}

TEST(LocalAgreementTest, CommittedWordsThatWhisperNowHearsWithAWordMoreAreCutAfterThem) {
  LocalAgreement la(2);
  la.insert(words("the juice of lemons"));
  la.insert(words("the juice of lemons"));  // commits all four
  la.insert(words("the juice of the lemons makes fine punch"));
  EXPECT_EQ(text(la.partial()), " makes fine punch");
}

TEST(LocalAgreementTest, ARepeatedPhraseIsNotTakenForTheCommittedOne) {
  LocalAgreement la(2);
  la.insert(words("ask not"));
  la.insert(words("ask not what"));  // commits " ask not"
  // "ask" comes again later: the cut is where the committed words end, not at the repetition.
  la.insert(words("ask not what you can ask"));
  EXPECT_EQ(text(la.insert(words("ask not what you can ask"))), " you can ask");
}

// The node counts a segment as committed (to cut the buffer after it, and to start the next
// transcription with it) once settled() reaches its last word: a count one too high would cut
// away, or force into every later hypothesis, a word no two hypotheses agreed on.
TEST(LocalAgreementTest, SettledCountsTheHypothesisWordsCommittedBeforeOrByIt) {
  LocalAgreement la(2);
  la.insert(words("and so my"));
  EXPECT_EQ(la.settled(), 0u);  // nothing agreed yet
  la.insert(words("and so my fellow"));
  EXPECT_EQ(la.settled(), 3u);  // commits " and so my"
  la.insert(words("and so my fellow Americans ask"));
  EXPECT_EQ(la.settled(), 4u);  // " and so my" were committed before, " fellow" now
  la.insert(words("and so my fellow Americans asked not"));
  EXPECT_EQ(la.settled(), 5u);  // " Americans"; "ask" and "asked" disagree
}

TEST(LocalAgreementTest, ConfidentWordsAreCommittedOnTheirFirstHearingButNotTheLast) {
  LocalAgreement la(2);
  EXPECT_EQ(text(la.insert(heard("and so my", {0.95f, 0.99f, 0.97f}))), "");
  EXPECT_EQ(text(la.commit_confident(0.9f)), " and so");  // " my" is last: the audio may have cut it short
  EXPECT_EQ(text(la.partial()), " my");
  EXPECT_EQ(la.settled(), 2u);
  // The next hypothesis starts with them again: they are not committed twice.
  EXPECT_EQ(text(la.insert(words("and so my fellow"))), " my");
}

TEST(LocalAgreementTest, AnUnsureWordWaitsForAgreementAndSoDoTheWordsAfterIt) {
  LocalAgreement la(2);
  la.insert(heard("ask knot what you", {0.99f, 0.6f, 0.99f, 0.99f}));
  EXPECT_EQ(text(la.commit_confident(0.9f)), " ask");
  EXPECT_EQ(text(la.insert(words("ask not what you can"))), "");  // "knot" then "not": no agreement
  EXPECT_EQ(text(la.partial()), " not what you can");
}

TEST(LocalAgreementTest, AgreementOfThreeWaitsForThreeHypotheses) {
  LocalAgreement la(3);
  la.insert(words("a b"));
  EXPECT_EQ(text(la.insert(words("a b c"))), "");
  EXPECT_EQ(text(la.insert(words("a b c d"))), " a b");
}

TEST(LocalAgreementTest, FinishCommitsTheRestOfTheNewestHypothesis) {
  LocalAgreement la(2);
  la.insert(words("to be"));
  la.insert(words("to be or"));
  EXPECT_EQ(text(la.finish()), " or");
  EXPECT_TRUE(la.finish().empty());
}

TEST(LocalAgreementTest, TrimReturnsTheCommittedWordsBeforeTheCut) {
  LocalAgreement la(2);
  la.insert(words("one two three"));
  la.insert(words("one two three four"));  // commits one two three (0 .. 2.5 s)
  EXPECT_EQ(la.trim(1.5), " one two");     // the buffer now starts after "two"
  // The new buffer's hypothesis starts at "three", which is still known as committed.
  EXPECT_EQ(text(la.insert(words("three four five", 2))), " four");
  EXPECT_EQ(la.trim(1.5), "");  // what left is returned once
}

TEST(LocalAgreementTest, AHypothesisThatLoopsIsCutAfterTheFirstCopy) {
  auto h = words("ask not to ask not to ask not to ask what");
  LocalAgreement::cut_loops(h);
  EXPECT_EQ(text(h), " ask not to");
  auto fine = words("ask what you can do for your country");
  LocalAgreement::cut_loops(fine);
  EXPECT_EQ(text(fine), " ask what you can do for your country");
}

TEST(StreamingWhisperNodeTest, StepBeyondWhispersWindowIsRefusedBeforeTheModelLoads) {
  auto h = test::NodeHarness::create("StreamingWhisperNode", R"({"model": "no-such-model.bin", "step": 31})");
  RM_ASSERT_ERROR(h);
  EXPECT_EQ(h.error().code, "invalid_param_value");
  EXPECT_NE(h.error().message.find("step"), std::string::npos) << h.error().message;
}

TEST(StreamingWhisperNodeTest, TrimLongerThanTheMaximumBufferIsRefused) {
  auto h = test::NodeHarness::create("StreamingWhisperNode",
                                     R"({"model": "no-such-model.bin", "buffer_trim": 20, "max_buffer": 10})");
  RM_ASSERT_ERROR(h);
  EXPECT_NE(h.error().message.find("buffer_trim"), std::string::npos) << h.error().message;
}

TEST(StreamingWhisperNodeTest, NegativePadWindowIsRefused) {
  auto h = test::NodeHarness::create("StreamingWhisperNode", R"({"model": "no-such-model.bin", "pad_window": -1})");
  RM_ASSERT_ERROR(h);
  EXPECT_EQ(h.error().code, "invalid_param_value");
  EXPECT_NE(h.error().message.find("pad_window"), std::string::npos) << h.error().message;
}

TEST(StreamingWhisperNodeTest, PromptBeyondWhatWhisperReadsIsRefused) {
  // whisper.cpp would silently keep only its last 223 tokens.
  for (const char* n : {"-1", "224"}) {
    auto h = test::NodeHarness::create("StreamingWhisperNode",
                                       std::string(R"({"model": "no-such-model.bin", "prompt_tokens": )") + n + "}");
    RM_ASSERT_ERROR(h);
    EXPECT_EQ(h.error().code, "invalid_param_value");
    EXPECT_NE(h.error().message.find("prompt_tokens"), std::string::npos) << h.error().message;
  }
}

TEST(StreamingWhisperNodeTest, CommitConfidenceOutsideZeroToOneIsRefused) {
  for (const char* c : {"-0.1", "1.5"}) {
    auto h = test::NodeHarness::create(
        "StreamingWhisperNode", std::string(R"({"model": "no-such-model.bin", "commit_confidence": )") + c + "}");
    RM_ASSERT_ERROR(h);
    EXPECT_EQ(h.error().code, "invalid_param_value");
    EXPECT_NE(h.error().message.find("commit_confidence"), std::string::npos) << h.error().message;
  }
}

TEST(StreamingWhisperNodeTest, MissingModelIsNamed) {
  auto h = test::NodeHarness::create("StreamingWhisperNode", R"({"model": "no-such-model.bin"})");
  RM_ASSERT_ERROR(h);
  EXPECT_EQ(h.error().code, "model_not_found");
}

TEST(StreamingWhisperNodeTest, AudioCtxDefaultsToFittingTheBuffer) {
  const NodeInfo* info = Registry::global().find("StreamingWhisperNode");
  ASSERT_NE(info, nullptr);
  for (const auto& p : info->params)
    if (p.name == "audio_ctx") {
      EXPECT_EQ(p.default_value.dump(), "-1");
    }
}

}  // namespace
}  // namespace rm
