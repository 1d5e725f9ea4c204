#!/usr/bin/env python3
"""Accuracy on speech we know the words of: espeak-ng speaks sentences at its own 22.05 kHz (so
AudioResampleNode is in the path), examples/transcribe.json transcribes them with Whisper tiny.en,
and our word error rate must be within 5 points of faster-whisper's on the same weights
(bench/faster_whisper_run.py: same greedy decoding) and the same WAV files.

Usage: check_whisper_wer.py MODELS_DIR PEER_PYTHON --types f16,q8_0 CLI [CLI...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from whisper_text import MODELS, REPO, transcribe, transcribe_manifest, wer  # noqa: E402

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Please call Stella and ask her to bring these things with her from the store.",
    "She sells sea shells by the sea shore.",
    "The weather today is sunny with a light breeze from the west.",
    "We will meet at the library after lunch to finish the project.",
    "Open the window and let the fresh air into the room.",
    "My favorite season is autumn because the leaves change color.",
    "The train to the city leaves every hour from the main station.",
    "He read the whole book in one evening and loved the ending.",
    "Turn left at the next corner and the museum is on your right.",
    # The first three Harvard sentence lists (IEEE 1969), phonetically balanced
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It is easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "The hogs were fed chopped corn and garbage.",
    "Four hours of steady work faced us.",
    "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.",
    "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.",
    "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.",
    "A pot of tea helps to pass the evening.",
    "Smoky fires lack flame and heat.",
    "The soft cushion broke the man's fall.",
    "The salt breeze came across from the sea.",
    "The girl at the booth sold fifty bonds.",
    "The small pup gnawed a hole in the sock.",
    "The fish twisted and turned on the bent hook.",
    "Press the pants and sew a button on the vest.",
    "The swan dive was far short of perfect.",
    "The beauty of the view stunned the young boy.",
    "Two blue fish swam in the tank.",
    "Her purse was full of useless trash.",
    "The colt reared and threw the tall rider.",
    "It snowed, rained, and hailed the same morning.",
    "Read verse out loud for pleasure.",
]
MARGIN = 5.0  # points of word error rate
# espeak-ng's voice is hard for tiny.en (30-40% WER on the Harvard lists, for either engine), and a
# single early token decides a whole sentence: 40 sentences keep one flip from deciding the verdict.


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models")
    p.add_argument("peer_python")
    p.add_argument("--types", default="f16")
    p.add_argument("clis", nargs="+")
    a = p.parse_args()
    reference = " ".join(SENTENCES)
    failures = []
    with tempfile.TemporaryDirectory(dir=os.path.join(REPO, "build")) as tmp:
        wavs = []
        for i, sentence in enumerate(SENTENCES):
            wav = os.path.join(tmp, f"s{i}.wav")
            subprocess.run(["espeak-ng", "-w", wav, sentence], check=True)
            wavs.append(wav)
        rate = subprocess.run(["soxi", "-r", wavs[0]], capture_output=True, text=True, check=True).stdout.strip()
        if rate == "16000":
            sys.exit("espeak-ng spoke at 16 kHz: the resampler would not be in the path")

        peer = subprocess.run([a.peer_python, os.path.join(REPO, "bench", "faster_whisper_run.py"),
                               os.path.join(a.models, "ct2-tiny.en"), *wavs], capture_output=True, text=True)
        if peer.returncode != 0:
            sys.exit(f"faster-whisper failed: {peer.stderr[-1500:]}")
        peer_wer = wer(reference, " ".join(json.loads(peer.stdout)["texts"]))
        print(f"faster-whisper (float32, same weights): WER {peer_wer:.1f}%")

        for t in a.types.split(","):
            manifest = os.path.relpath(transcribe_manifest(tmp, os.path.join(a.models, MODELS[t])), REPO)
            for cli in a.clis:
                texts = []
                for wav in wavs:
                    result, error = transcribe(cli, manifest, wav)
                    if error:
                        sys.exit(f"{t} / {cli}: {error}")
                    texts.append(result["outputs"][0]["text"])
                ours = wer(reference, " ".join(texts))
                ok = ours <= peer_wer + MARGIN
                print(f"{'ok  ' if ok else 'FAIL'} {t} / {cli}: WER {ours:.1f}% (faster-whisper {peer_wer:.1f}%)")
                for sentence, text in zip(SENTENCES, texts):
                    if wer(sentence, text) > 0:
                        print(f"       said {sentence!r}\n      heard {text!r}")
                if not ok:
                    failures.append(f"{t} / {cli}: WER {ours:.1f}% > faster-whisper's {peer_wer:.1f}% + {MARGIN}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("ok")


if __name__ == "__main__":
    main()
