#!/usr/bin/env python3
"""Real speech, real model: jfk.wav (whisper.cpp's sample) through examples/transcribe.json with
Whisper tiny.en (tools/fetch-whisper-model) must give JFK's words exactly, with every CLI given
(native, WASI under Node, WASI in Wasmtime) and every model type given. Punctuation and case
may differ; the words may not.

Usage: check_whisper_jfk.py MODELS_DIR --types f16,q8_0 CLI [CLI...]   (a CLI may carry arguments)
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from whisper_text import MODELS, REPO, transcribe, transcribe_manifest, words  # noqa: E402

JFK = ("And so my fellow Americans ask not what your country can do for you "
       "ask what you can do for your country.")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models")
    p.add_argument("--types", default="f16,q8_0")
    p.add_argument("clis", nargs="+")
    a = p.parse_args()
    jfk = os.path.join(a.models, "jfk.wav")
    failures = []
    with tempfile.TemporaryDirectory(dir=os.path.join(REPO, "build")) as tmp:
        for t in a.types.split(","):
            manifest = os.path.relpath(transcribe_manifest(tmp, os.path.join(a.models, MODELS[t])), REPO)
            for cli in a.clis:
                result, error = transcribe(cli, manifest, jfk)
                what = f"{t} / {cli}"
                if error:
                    failures.append(f"{what}: {error}")
                    continue
                text = result["outputs"][0]["text"]
                ok = words(text) == words(JFK)
                print(f"{'ok  ' if ok else 'FAIL'} {what}: {text!r} ({result['execution_time_ms']:.0f} ms)")
                if not ok:
                    failures.append(f"{what}: got {text!r}")
    if failures:
        sys.exit("FAIL:\n  " + "\n  ".join(failures))
    print("ok")


if __name__ == "__main__":
    main()
