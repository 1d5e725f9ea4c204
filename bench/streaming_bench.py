#!/usr/bin/env python3
"""Streaming transcription, played in real time: commit latency and word error rate.

A WAV file (default build/models/jfk.wav; or speech made with espeak-ng from --say TEXT) is
played into `remotemedia run STREAM.json --stream` in real time, in --chunk second packets (each
sent once its audio would have been recorded), through a StreamingWhisperNode (LocalAgreement-2).
Each output line is stamped with the wall clock when it arrives. In the same run, on the same
audio, the benchmark also measures:

  offline     WhisperNode over the whole file (the same model): the transcript to match;
  reference   Whisper-Streaming's own algorithm (OnlineASRProcessor: LocalAgreement-2, segment
              trimming, prompt), ported below, over faster-whisper with the same tiny.en weights
              (build/models/ct2-tiny.en), fed by the same real-time clock.

Latency of a committed word = when it was committed - when it had been spoken (the end of the
word in the offline word timing from faster-whisper, the same yardstick for both streams; words are
matched to it by alignment). WER is computed against the offline transcript and, when the truth is
known (--say, or jfk.wav's sentence), against the truth. Figures are from this one run, on this
machine; compare them with each other, not across machines.

With --chromium the same WAV also plays in real time through runner.openSession in Chromium
(web/bench/streaming-bench.mjs: the page's clock stamps the outputs), reported as "chromium",
with the page's own offline transcript (WhisperNode in the same build): the browser's arithmetic
is not native's, and the stream is judged against the transcript its own build makes.

Usage:
  bench/streaming_bench.py [--wav F | --say TEXT | --say harvard] [--step 0.7] [--ref-step 1.0] [--chunk 0.1]
                           [--cli build/native/remotemedia | --cli "node tools/remotemedia-wasi --dir build/models"]
                           [--chromium] [--param NAME=JSON]... [--no-reference] [--json]
Needs: a built CLI, build/models/ggml-tiny.en.bin and, for the reference and word timing,
faster-whisper (build/venv/bin/python, as scripts/setup makes it): the script re-runs itself there
for that part.
"""
import argparse
import difflib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave

import array

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "audio"))
from whisper_text import HARVARD, audio_item, say, words as norm_words  # noqa: E402  (--say harvard: HARVARD)
from whisper_text import wer as wer_percent  # noqa: E402
MODELS = os.path.join(ROOT, "build", "models")
JFK_TRUTH = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
VENV_PY = os.path.join(ROOT, "build", "venv", "bin", "python")


# --- text -----------------------------------------------------------------------------------

def wer(hyp, ref):
    """Word error rate of hyp against ref, as a fraction."""
    return wer_percent(ref, hyp) / 100


# --- audio ----------------------------------------------------------------------------------

def load_wav_16k(path):
    """16 kHz mono float32 samples (sox converts anything else)."""
    with wave.open(path) as w:
        ok = w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
    if not ok:
        tmp = tempfile.NamedTemporaryFile(suffix=".wav", delete=False).name
        subprocess.run(["sox", path, "-r", "16000", "-c", "1", "-b", "16", tmp], check=True)
        path = tmp
    with wave.open(path) as w:
        pcm = array.array("h", w.readframes(w.getnframes()))
    return array.array("f", (s / 32768.0 for s in pcm)), path


# --- ours -----------------------------------------------------------------------------------

def manifest(path, nodes):
    with open(path, "w") as f:
        json.dump({"version": "v1", "nodes": nodes, "connections": [
            {"from": a["id"], "to": b["id"]} for a, b in zip(nodes, nodes[1:])]}, f)


def offline_text(cli, model, wav, tmp, params=None):
    m = os.path.join(tmp, "offline.json")
    manifest(m, [{"id": "w", "node_type": "WhisperNode", "params": {"model": model, **(params or {})}}])
    out = subprocess.run(shlex.split(cli) + ["run", m, "-i", wav], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["outputs"][0]["text"]


def waiting_on_stdin(pid):
    """True once the process sits in read(0, ...): the session is open (Linux, x86-64)."""
    try:
        fields = open(f"/proc/{pid}/syscall").read().split()
        return fields[0] == "0" and int(fields[1], 16) == 0
    except (OSError, IndexError, ValueError):
        return False


def stream_ours(cli, model, samples, step, chunk, tmp, extra, real_time=True):
    m = os.path.join(tmp, "stream.json")
    params = {"model": model, **({"step": step} if step else {}), **extra}
    manifest(m, [{"id": "live", "node_type": "StreamingWhisperNode", "params": params}])
    proc = subprocess.Popen(shlex.split(cli) + ["run", m, "--stream", "--error-format", "json"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    t_open = time.perf_counter()
    deadline = t_open + 60
    while not waiting_on_stdin(proc.pid) and time.perf_counter() < deadline:
        time.sleep(0.005)  # under Node the runner reads stdin itself: it waits at once
    open_s = time.perf_counter() - t_open
    events = []

    def read():
        for line in proc.stdout:
            events.append((time.perf_counter(), json.loads(line)))

    reader = threading.Thread(target=read)
    reader.start()
    n = int(chunk * 16000)
    t0 = time.perf_counter()
    for i in range(0, len(samples), n):
        part = samples[i:i + n]
        due = t0 + (i + len(part)) / 16000  # the packet exists once its last sample was spoken
        if real_time:
            time.sleep(max(0, due - time.perf_counter()))
        proc.stdin.write(audio_item(part) + "\n")
        proc.stdin.flush()
    proc.stdin.close()
    reader.join()
    if proc.wait() != 0:
        raise SystemExit(f"the stream ended with exit code {proc.returncode}")
    commits, lags, partials = commits_of(events, t0)
    return {"open_s": open_s, "commits": commits, "lags": lags, "partials": partials,
            "end_s": (events[-1][0] - t0) if events else 0.0}


def commits_of(events, t0=0.0):
    """(time, output item) pairs -> each committed word as (time - t0, text, end), each word's lag on
    the audio clock (audio received when it was committed - its end), and the number of partials."""
    commits, lags, partials = [], [], 0
    for t, item in events:
        if item["type"] == "committed":
            commits += [(t - t0, w["text"], w["end"]) for w in item["words"]]
            lags += [item["audio_time"] - w["end"] for w in item["words"]]
        else:
            partials += 1
    return commits, lags, partials


def stream_chromium(model, wav16, chunk, extra):
    """The same WAV in real time through runner.openSession in Chromium (web/bench/streaming-bench.mjs)."""
    cmd = ["node", os.path.join(ROOT, "web", "bench", "streaming-bench.mjs"), "--wav", wav16, "--model", model,
           "--chunk", str(chunk), "--params", json.dumps(extra)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"the Chromium session failed: {r.stderr.strip()[-800:]}")
    out = json.loads(r.stdout.strip().splitlines()[-1])
    commits, _, partials = commits_of(out["events"])
    return {"open_s": out["open_s"], "commits": commits, "partials": partials, "build": out["build"],
            "offline": out["offline_text"]}


# --- the reference (Whisper-Streaming, ported) and word timing: run in the venv ---------------

class HypothesisBuffer:
    """whisper_online.py's HypothesisBuffer (LocalAgreement-2)."""

    def __init__(self):
        self.commited_in_buffer, self.buffer, self.new = [], [], []
        self.last_commited_time, self.last_commited_word = 0, None

    def insert(self, new, offset):
        new = [(a + offset, b + offset, t) for a, b, t in new]
        self.new = [(a, b, t) for a, b, t in new if a > self.last_commited_time - 0.1]
        if self.new and abs(self.new[0][0] - self.last_commited_time) < 1 and self.commited_in_buffer:
            cn, nn = len(self.commited_in_buffer), len(self.new)
            for i in range(1, min(min(cn, nn), 5) + 1):
                c = " ".join([self.commited_in_buffer[-j][2] for j in range(1, i + 1)][::-1])
                tail = " ".join(self.new[j - 1][2] for j in range(1, i + 1))
                if c == tail:
                    for _ in range(i):
                        self.new.pop(0)
                    break

    def flush(self):
        commit = []
        while self.new:
            na, nb, nt = self.new[0]
            if not self.buffer or nt != self.buffer[0][2]:
                break
            commit.append((na, nb, nt))
            self.last_commited_word, self.last_commited_time = nt, nb
            self.buffer.pop(0)
            self.new.pop(0)
        self.buffer, self.new = self.new, []
        self.commited_in_buffer.extend(commit)
        return commit

    def pop_commited(self, time_):
        while self.commited_in_buffer and self.commited_in_buffer[0][1] <= time_:
            self.commited_in_buffer.pop(0)


class OnlineASRProcessor:
    """whisper_online.py's OnlineASRProcessor with buffer_trimming=("segment", 15)."""

    def __init__(self, model, trim_sec=15):
        self.model, self.trim_sec = model, trim_sec
        import numpy as np
        self.np = np
        self.audio_buffer = np.array([], dtype=np.float32)
        self.transcript_buffer = HypothesisBuffer()
        self.buffer_time_offset = 0
        self.commited = []

    def prompt(self):
        k = max(0, len(self.commited) - 1)
        while k > 0 and self.commited[k - 1][1] > self.buffer_time_offset:
            k -= 1
        p = [t for _, _, t in self.commited[:k]]
        out, length = [], 0
        while p and length < 200:
            x = p.pop(-1)
            length += len(x) + 1
            out.append(x)
        return "".join(out[::-1])

    def transcribe(self, audio, prompt):
        segments, _ = self.model.transcribe(audio, language="en", initial_prompt=prompt, beam_size=5,
                                            word_timestamps=True, condition_on_previous_text=True)
        segments = list(segments)
        words = [(w.start, w.end, w.word) for s in segments if s.no_speech_prob <= 0.9 for w in s.words]
        return words, [s.end for s in segments]

    def process_iter(self):
        words, ends = self.transcribe(self.audio_buffer, self.prompt())
        self.transcript_buffer.insert(words, self.buffer_time_offset)
        o = self.transcript_buffer.flush()
        self.commited.extend(o)
        if len(self.audio_buffer) / 16000 > self.trim_sec and self.commited:
            t = self.commited[-1][1]
            ends = [e + self.buffer_time_offset for e in ends]
            if len(ends) > 1:
                e = ends[-2]
                while len(ends) > 2 and e > t:
                    ends.pop(-1)
                    e = ends[-2]
                if e <= t:
                    self.chunk_at(e)
        return o

    def chunk_at(self, time_):
        self.transcript_buffer.pop_commited(time_)
        cut = time_ - self.buffer_time_offset
        self.audio_buffer = self.audio_buffer[int(cut * 16000):]
        self.buffer_time_offset = time_

    def finish(self):
        return self.transcript_buffer.buffer


def venv_part(args):
    """In the venv: offline word timing and the reference stream, as JSON on stdout."""
    import numpy as np
    from faster_whisper import WhisperModel
    model = WhisperModel(os.path.join(MODELS, "ct2-tiny.en"), device="cpu", compute_type="float32",
                         cpu_threads=args.threads)
    samples, _ = load_wav_16k(args.wav)
    audio = np.array(samples, dtype=np.float32)
    segments, _ = model.transcribe(audio, language="en", beam_size=1, word_timestamps=True,
                                   condition_on_previous_text=False, temperature=0.0)
    timing = [(w.word, w.end) for s in segments for w in s.words]
    result = {"timing": timing}
    if args.reference:
        proc = OnlineASRProcessor(model)
        commits = []
        t0 = time.perf_counter()
        fed = 0
        while fed < len(audio):
            now = time.perf_counter() - t0
            avail = min(len(audio), int(now * 16000))
            if avail - fed < args.ref_step * 16000 and avail < len(audio):
                time.sleep((fed + args.ref_step * 16000 - avail) / 16000)
                continue
            proc.audio_buffer = np.append(proc.audio_buffer, audio[fed:avail])
            fed = avail
            for a, b, t in proc.process_iter():
                commits.append((time.perf_counter() - t0, t, b))
        for a, b, t in proc.finish():
            commits.append((time.perf_counter() - t0, t, b))
        result["reference"] = {"commits": commits}
    print(json.dumps(result))


# --- report ---------------------------------------------------------------------------------

def latencies(commits, timing):
    """Commit time - end of the word in the offline timing, for the words the alignment matches."""
    committed = [norm_words(t) for _, t, _ in commits]
    flat = [(i, w) for i, ws in enumerate(committed) for w in ws]
    ref = [(e, w) for text, e in timing for w in norm_words(text)]
    sm = difflib.SequenceMatcher(a=[w for _, w in flat], b=[w for _, w in ref], autojunk=False)
    out = []
    for block in sm.get_matching_blocks():
        for k in range(block.size):
            i = flat[block.a + k][0]
            out.append(commits[i][0] - ref[block.b + k][0])
    return out


def summary(lat):
    if not lat:
        return {"words": 0}
    s = sorted(lat)
    return {"words": len(s), "median_s": round(statistics.median(s), 3),
            "p90_s": round(s[min(len(s) - 1, int(0.9 * len(s)))], 3), "max_s": round(s[-1], 3)}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wav")
    p.add_argument("--say", help="speech to generate with espeak-ng (its text is the truth; harvard: 16 Harvard sentences)")
    p.add_argument("--truth", help="the words spoken, if known")
    p.add_argument("--cli", default=os.path.join(ROOT, "build", "native", "remotemedia"))
    p.add_argument("--model", default=os.path.join(MODELS, "ggml-tiny.en.bin"))
    p.add_argument("--step", type=float, default=None, help="our step (default: the node's, 0.7 s)")
    p.add_argument("--ref-step", type=float, default=1.0,
                   help="the reference's min-chunk (Whisper-Streaming's default, 1 s)")
    p.add_argument("--chunk", type=float, default=0.1)
    p.add_argument("--threads", type=int, default=2, help="the reference's threads")
    p.add_argument("--param", action="append", default=[], metavar="NAME=JSON",
                   help="another StreamingWhisperNode param, e.g. audio_ctx=0 (repeatable)")
    p.add_argument("--no-reference", dest="reference", action="store_false")
    p.add_argument("--chromium", action="store_true",
                   help="also the same stream in Chromium (runner.openSession, web/bench/streaming-bench.mjs)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--venv-part", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.venv_part:
        return venv_part(args)
    tmp = tempfile.mkdtemp(prefix="rm-stream-bench-")
    truth = args.truth
    if args.say == "harvard":
        args.say = HARVARD
    if args.say:
        args.wav, truth = os.path.join(tmp, "say.wav"), args.say
    elif not args.wav:
        args.wav = os.path.join(MODELS, "jfk.wav")
        truth = truth or JFK_TRUTH
    if args.say:
        say(args.say, args.wav)
    samples, wav16 = load_wav_16k(args.wav)
    model = os.path.abspath(args.model)

    offline = offline_text(args.cli, model, wav16, tmp)
    extra = {k: json.loads(v) for k, v in (a.split("=", 1) for a in args.param)}
    ours = stream_ours(args.cli, model, samples, args.step, args.chunk, tmp, extra)
    browser = None
    if args.chromium:
        browser = stream_chromium(model, wav16, args.chunk, {**({"step": args.step} if args.step else {}), **extra})
    venv = {}
    if os.path.exists(VENV_PY):
        cmd = [VENV_PY, __file__, "--venv-part", "--wav", wav16, "--ref-step", str(args.ref_step), "--threads",
               str(args.threads)] + ([] if args.reference else ["--no-reference"])
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == 0:
            venv = json.loads(r.stdout.strip().splitlines()[-1])
        else:
            print(f"streaming_bench: the faster-whisper part failed: {r.stderr.strip()[-500:]}", file=sys.stderr)
    # Without faster-whisper's timing, each word's own end time is the yardstick.
    timing = venv.get("timing") or [(t, e) for _, t, e in ours["commits"]]

    def report(commits):
        text = "".join(t for _, t, _ in commits)
        r = {"text": text.strip(), "wer_vs_offline": round(100 * wer(text, offline), 1),
             "commit_latency": summary(latencies(commits, timing))}
        if truth:
            r["wer_vs_truth"] = round(100 * wer(text, truth), 1)
        return r

    result = {"audio_s": round(len(samples) / 16000, 2), "step_s": args.step, "ref_step_s": args.ref_step,
              "chunk_s": args.chunk, "cli": args.cli,
              "params": extra,
              "offline": {"text": offline.strip()}, "ours": report(ours["commits"]),
              "session_open_s": round(ours["open_s"], 3), "partials": ours["partials"]}
    if truth:
        result["offline"]["wer_vs_truth"] = round(100 * wer(offline, truth), 1)
    if browser:
        result["chromium"] = report(browser["commits"])
        result["chromium"].update(session_open_s=round(browser["open_s"], 3), build=browser["build"])
        # The browser's arithmetic is not native's: its own offline transcript is the fair yardstick.
        result["chromium"]["offline"] = {"text": browser["offline"].strip(),
                                         "wer_vs_native_offline": round(100 * wer(browser["offline"], offline), 1)}
        result["chromium"]["wer_vs_own_offline"] = round(100 * wer(result["chromium"]["text"], browser["offline"]), 1)
        if truth:
            result["chromium"]["offline"]["wer_vs_truth"] = round(100 * wer(browser["offline"], truth), 1)
    if "reference" in venv:
        result["reference"] = report([tuple(c) for c in venv["reference"]["commits"]])
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(f"audio {result['audio_s']} s, step {args.step or 'default'} s (reference {args.ref_step} s), packets of "
          f"{args.chunk} s, params {extra}; {args.cli}")
    print(f"offline:   {offline.strip()!r}" + (f"  WER vs truth {result['offline']['wer_vs_truth']}%" if truth else ""))
    for name in ("ours", "chromium", "reference"):
        if name not in result:
            continue
        r = result[name]
        lat = r["commit_latency"]
        print(f"{name + ':':10} WER vs offline {r['wer_vs_offline']}%"
              + (f", vs truth {r['wer_vs_truth']}%" if truth else "")
              + (f"; commit latency median {lat['median_s']} s, p90 {lat['p90_s']} s, max {lat['max_s']} s"
                 f" ({lat['words']} words)" if lat["words"] else "; nothing committed"))
        print(f"           {r['text']!r}")
        if "offline" in r:
            o = r["offline"]
            print(f"{name} offline (the same build): WER vs native offline {o['wer_vs_native_offline']}%"
                  + (f", vs truth {o['wer_vs_truth']}%" if truth else "")
                  + f"; the stream vs it {r['wer_vs_own_offline']}%\n           {o['text']!r}")


if __name__ == "__main__":
    main()
